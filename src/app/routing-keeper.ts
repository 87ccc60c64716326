import type {AudioEngine} from '../engine/audio-engine.js';
import {JackSource} from '../engine/jack-source.js';
import type {Routing} from './routing-memory.js';

/**
 * Restores remembered routing: connects each remembered port to its input at start and whenever the
 * port appears later (a synth started after omega13, a server restart). A port the user disconnects
 * while it exists is left alone: only a port's appearance triggers a connection. Missing ports are
 * reported once, never fatal.
 */
export class RoutingKeeper {
	readonly #engine: AudioEngine;
	readonly #routing: Routing;
	readonly #say: (line: string) => void;
	readonly #timer: NodeJS.Timeout;
	#source: unknown;
	#graphVersion = -1;
	/** Remembered ports that existed at the last look. */
	#present = new Set<string>();
	readonly #reportedMissing = new Set<string>();

	constructor(engine: AudioEngine, routing: Routing, say: (line: string) => void, pollMs = 500) {
		this.#engine = engine;
		this.#routing = routing;
		this.#say = say;
		this.check();
		this.#timer = setInterval(() => {
			this.check();
		}, pollMs);
		this.#timer.unref();
	}

	/** Connects remembered ports that appeared since the last look. */
	check(): void {
		const source = this.#engine.source;
		if (!(source instanceof JackSource) || source.client.disposed || source.stats().shutdownReason !== undefined) {
			return;
		}
		const {client} = source;
		const version = client.stats().graphVersion;
		if (source === this.#source && version === this.#graphVersion) {
			return;
		}
		if (source !== this.#source) {
			// A new client (the server came back): every port is new to it.
			this.#present = new Set();
			this.#source = source;
		}
		this.#graphVersion = version;
		const existing = new Set(client.ports({direction: 'output', type: 'audio'}).map(port => port.name));
		const present = new Set<string>();
		this.#routing.forEach((ports, input) => {
			const target = source.portNames[input];
			if (target === undefined) {
				return;
			}
			for (const port of ports) {
				if (!existing.has(port)) {
					if (!this.#reportedMissing.has(port)) {
						this.#reportedMissing.add(port);
						this.#say(`remembered input ${port} for ${target} is not there; it is connected when it appears`);
					}
					continue;
				}
				present.add(port);
				if (this.#present.has(port)) {
					continue;
				}
				try {
					client.connect(port, target);
					if (this.#reportedMissing.delete(port)) {
						this.#say(`connected ${port} -> ${target} (remembered)`);
					}
				} catch (error) {
					this.#say(`could not connect remembered input ${port} -> ${target}: ${error instanceof Error ? error.message : String(error)}`);
				}
			}
		});
		this.#present = present;
	}

	dispose(): void {
		clearInterval(this.#timer);
	}
}
