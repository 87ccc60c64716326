import type {TimeAxis} from './time-axis.js';
import type {Frames, Hertz, Seconds} from '../util/units.js';

/**
 * One unbroken run of frames from one source. A new stream begins when the engine starts and whenever
 * the source is replaced (the JACK server came back): frame indices restart at 0 and the axis changes.
 */
export type AudioStream = {
	/** Distinct for each stream of this engine. */
	readonly id: number;
	readonly sampleRate: Hertz;
	readonly channels: number;
	/** Absolute frame index <-> wall-clock time, for every consumer alike. */
	readonly axis: TimeAxis;
};

/**
 * A consumer of everything the engine receives (the HTTP live stream, the rolling persistence), hung off
 * the engine the way captures are (`capture-sink.ts`): the engine knows it only through this type.
 */
export type AudioTap = {
	/**
	 * `frames` interleaved frames in `block`, the first of them frame `firstFrame` of `stream`. Called
	 * from the drain loop in order and without gaps within a stream: it must return at once, and `block`
	 * is reused after the call, so copy what you keep.
	 */
	write(stream: AudioStream, block: Float32Array, frames: Frames, firstFrame: Frames): void;
};

/** Level listeners are told each block this long (a tenth of the shortest sustain the voice trigger takes). */
export const levelBlockSeconds: Seconds = 0.01;

/**
 * A block of `blockFrames` of `stream` ended at `endFrame`; its loudest channel's mean square (0 to 1
 * for a full-scale sine's 0.5). Called from the drain loop: it must return at once.
 */
export type BlockLevels = (stream: AudioStream, endFrame: Frames, loudestMeanSquare: number, blockFrames: Frames) => void;

/** The frames the ring holds now: `[firstFrame, endFrame)` of `stream`. */
export type RingSpan = {
	readonly stream: AudioStream;
	readonly firstFrame: Frames;
	readonly endFrame: Frames;
};
