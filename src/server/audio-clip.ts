import type {EpochMs, Frames, Hertz} from '../util/units.js';

/** A stretch of audio cut for a response: interleaved floats and the time of its first frame. */
export type AudioClip = {
	readonly sampleRate: Hertz;
	readonly channels: number;
	/** Wall-clock time of the first frame, on the engine's time axis. */
	readonly startTime: EpochMs;
	readonly frames: Frames;
	readonly data: Float32Array;
};

/** The formats `/audio` answers in. */
export const clipFormats = ['wav', 'flac', 'opus', 'pcm'] as const;
export type ClipFormat = (typeof clipFormats)[number];
