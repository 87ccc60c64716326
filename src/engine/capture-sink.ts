import type {EpochMs, Frames, Hertz} from '../util/units.js';

/** What the engine knows when a capture begins. */
export type CaptureStart = {
	readonly sampleRate: Hertz;
	readonly channels: number;
	/** Wall-clock time of the first sample written: the start of the pre-roll. */
	readonly startedAt: EpochMs;
	/** When the trigger arrived. */
	readonly triggeredAt: EpochMs;
	readonly prerollFrames: Frames;
};

/** How a capture ended, for its record. */
export type CaptureEnd = {
	readonly frames: Frames;
	/** Frames lost inside the capture because the drain fell behind the real-time side (normally 0). */
	readonly droppedFrames: Frames;
	readonly endedAt: EpochMs;
};

/**
 * Where a capture's frames go: a file and its record in the session. The engine stays ignorant of files
 * and sessions; the app passes a factory that makes one of these per capture.
 */
export type CaptureSink = {
	/** 1-based capture number (001.wav is 1). */
	readonly index: number;
	readonly path: string;
	/** Queues a copy of `frames` interleaved frames; must return at once (it runs in the drain loop). */
	append(block: Float32Array, frames: Frames): void;
	/** Resolves once everything appended so far is on disk. */
	flush(): Promise<void>;
	/** Writes the rest, closes the file and completes the record. */
	finish(end: CaptureEnd): Promise<void>;
};

export type CaptureSinkFactory = (start: CaptureStart) => Promise<CaptureSink>;
