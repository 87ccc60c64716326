import type {GapCause} from './audio-source.js';
import type {EpochMs, Frames, Hertz} from '../util/units.js';

/** Silence the engine put in a capture where frames never arrived, so its time axis stays true. */
export type CaptureGap = {
	/** The first silent frame, counted from the capture's first frame. */
	readonly atFrame: Frames;
	readonly frames: Frames;
	readonly cause: GapCause;
};

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
	/** Frames that never arrived inside the capture (the sum of `gaps`; normally 0). */
	readonly droppedFrames: Frames;
	/** Where the capture holds silence for frames that never arrived, oldest first. */
	readonly gaps: readonly CaptureGap[];
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
	/**
	 * Writes the rest, closes the file and completes the record. May say what the file really holds
	 * (fewer frames than appended when a write failed, and why it ended).
	 */
	finish(end: CaptureEnd): Promise<CaptureFinal | void>;
};

/** What a finished file holds, when it differs from what was appended. */
export type CaptureFinal = {
	readonly frames: Frames;
	/** Why the capture ended before its stop, e.g. `disk full`; absent when it was stopped. */
	readonly ended?: string;
};

/** What a sink tells the engine while a capture runs. */
export type CaptureSinkEvents = {
	/**
	 * The file takes no more frames (disk full, file too large): the engine ends the capture at once.
	 * `reason` says what happened and what to do, in words.
	 */
	readonly writeFailed: (reason: string) => void;
};

export type CaptureSinkFactory = (start: CaptureStart, events: CaptureSinkEvents) => Promise<CaptureSink>;

/** Thrown by a factory that will not begin a capture (no room on the disk): the trigger is refused with its message. */
export class CaptureRefusedError extends Error {
	override readonly name = 'CaptureRefusedError';
}
