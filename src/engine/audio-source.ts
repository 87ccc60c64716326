import type {EpochMs, Frames, Hertz} from '../util/units.js';

/** Where the engine's audio comes from. */
export const SourceKind = {
	jack: 'jack',
	demo: 'demo',
	file: 'file',
} as const;
export type SourceKind = (typeof SourceKind)[keyof typeof SourceKind];

/** Counters a source keeps since it opened. */
export type SourceStats = {
	/** Server-side overruns/underruns reported by JACK (or 0 for sources without a server). */
	readonly xruns: number;
	/** Frames the real-time side had to throw away because the reader fell behind. */
	readonly droppedFrames: Frames;
	/** Set once the server went away; the reason as the server gave it. */
	readonly shutdownReason: string | undefined;
};

/**
 * A pull source of interleaved 32-bit float frames. The engine calls `read` from its drain timer;
 * the source must keep whatever arrived in between (the JACK source keeps it in a lock-free ring
 * filled on the real-time thread).
 */
export type AudioSource = {
	readonly kind: SourceKind;
	/** Human-readable name: the JACK client name, "demo", or the file path. */
	readonly name: string;
	readonly sampleRate: Hertz;
	readonly channels: number;
	/** Frames per JACK period (the granularity at which audio arrives). */
	readonly periodFrames: Frames;
	/** Full names of the input ports feeding each channel, e.g. `omega13:in_1` (or `demo:in_1`). */
	readonly portNames: readonly string[];
	/**
	 * Copies every frame that arrived since the last call (up to `into.length / channels`) into `into`,
	 * interleaved, and returns how many frames it copied.
	 */
	read(into: Float32Array): Frames;
	/**
	 * The wall-clock time at which the frame with absolute index `frame` (counted from the first frame
	 * this source ever delivered, 0-based) was captured.
	 */
	frameTime(frame: Frames): EpochMs;
	stats(): SourceStats;
	/** Releases the client/timer. Idempotent. */
	dispose(): void;
};
