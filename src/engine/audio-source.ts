import type {EpochMs, Frames, Hertz} from '../util/units.js';

/** Where the engine's audio comes from. */
export const SourceKind = {
	jack: 'jack',
	demo: 'demo',
	file: 'file',
} as const;
export type SourceKind = (typeof SourceKind)[keyof typeof SourceKind];

/** Why a stretch of frames never arrived. */
export const GapCause = {
	/** The server ran cycles without running us (omega13 was stalled: stopped, swapped out, starved). */
	missedCycles: 'missed-cycles',
	/** The frames arrived, but the reader had fallen so far behind that there was no room for them. */
	ringOverflow: 'ring-overflow',
} as const;
export type GapCause = (typeof GapCause)[keyof typeof GapCause];

/** Frames that never arrived, and where in the delivered stream they belong. */
export type SourceGap = {
	/** They belong before this frame (counted as `read` delivers frames, from 0). */
	readonly atFrame: Frames;
	readonly frames: Frames;
	readonly cause: GapCause;
};

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
	/**
	 * The gaps found since the last call, oldest first. A gap is told no later than the first frame
	 * after it is delivered (read it, then take the gaps). Absent: the source never has gaps.
	 */
	takeGaps?(): SourceGap[];
	stats(): SourceStats;
	/** Releases the client/timer. Idempotent. */
	dispose(): void;
};
