import type {AudioEngine} from '../engine/audio-engine.js';
import type {AudioSource} from '../engine/audio-source.js';

export type SourceSupervisorOptions = {
	/** Opens a fresh source (throws while the server is still away). */
	readonly reopen: () => AudioSource;
	/** How often to try again after the source stopped. @default 2000 */
	readonly retryMs?: number;
	/** Told when a new source took over. */
	readonly onJoined?: (source: AudioSource) => void;
};

/**
 * When the JACK server goes away (PipeWire restarted, jackd killed), the engine has already finished the
 * open capture; this keeps trying to join the server again and hands the engine the new source, so a
 * long-running recorder survives a server restart without the user noticing more than a line.
 */
export class SourceSupervisor {
	readonly #engine: AudioEngine;
	readonly #reopen: () => AudioSource;
	readonly #retryMs: number;
	readonly #onJoined: ((source: AudioSource) => void) | undefined;
	readonly #unsubscribe: () => void;
	#timer: NodeJS.Timeout | undefined;
	#disposed = false;

	constructor(engine: AudioEngine, options: SourceSupervisorOptions) {
		this.#engine = engine;
		this.#reopen = options.reopen;
		this.#retryMs = options.retryMs ?? 2000;
		this.#onJoined = options.onJoined;
		this.#unsubscribe = engine.onEvent(event => {
			if (event.type === 'source-stopped') {
				this.#schedule();
			}
		});
	}

	/**
	 * Starts trying now, not only after a stop: with the demo playing because no server answered, the
	 * first server that appears is joined.
	 */
	watch(): void {
		this.#schedule();
	}

	dispose(): void {
		this.#disposed = true;
		this.#unsubscribe();
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}

	#schedule(): void {
		if (this.#disposed || this.#timer) {
			return;
		}
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#attempt();
		}, this.#retryMs);
	}

	#attempt(): void {
		if (this.#disposed) {
			return;
		}
		// A capture that was open when the server left may still be finishing; swap only when idle.
		if (this.#engine.recording) {
			this.#schedule();
			return;
		}
		let source: AudioSource;
		try {
			source = this.#reopen();
		} catch {
			this.#schedule();
			return;
		}
		this.#engine.replaceSource(source);
		this.#onJoined?.(source);
	}
}
