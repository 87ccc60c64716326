import type {AudioEngine} from '../engine/audio-engine.js';
import {JackSource} from '../engine/jack-source.js';
import type {InputsView} from '../ui/inputs-view.js';
import {createValueStore, type ValueStore} from '../util/store.js';

const viewOf = (engine: AudioEngine): InputsView => {
	const source = engine.source;
	const client = source instanceof JackSource && !source.client.disposed ? source.client : undefined;
	return {
		client: source.name,
		inputs: source.portNames.map(port => {
			try {
				return {port, sources: client?.connections(port) ?? []};
			} catch {
				// The server left between the check and the call; the next poll shows it.
				return {port, sources: []};
			}
		}),
	};
};

/**
 * What feeds in_1..in_N. JACK counts graph changes in the addon, so a cheap poll of that counter
 * tells when to ask for connections again (a port connected in qpwgraph shows up within half a second).
 */
export class InputsViewStore {
	readonly store: ValueStore<InputsView>;
	readonly #engine: AudioEngine;
	readonly #timer: NodeJS.Timeout;
	#graphVersion = -1;
	#source: unknown;

	constructor(engine: AudioEngine, pollMs = 500) {
		this.#engine = engine;
		this.store = createValueStore(viewOf(engine));
		this.#timer = setInterval(() => {
			this.refresh();
		}, pollMs);
		this.#timer.unref();
	}

	/** Re-reads the connections if the graph (or the source) changed, or always when `force`. */
	refresh(force = false): void {
		const source = this.#engine.source;
		const version = source instanceof JackSource && !source.client.disposed ? source.client.stats().graphVersion : 0;
		if (!force && version === this.#graphVersion && source === this.#source) {
			return;
		}
		this.#graphVersion = version;
		this.#source = source;
		this.store.set(viewOf(this.#engine));
	}

	dispose(): void {
		clearInterval(this.#timer);
	}
}
