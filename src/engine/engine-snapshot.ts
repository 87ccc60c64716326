import type {SourceKind} from './audio-source.js';
import type {Decibels, EpochMs, Frames, Hertz, Seconds} from '../util/units.js';

/** One input channel as the meters show it. */
export type ChannelLevel = {
	/** Our port, e.g. `omega13:in_1`. */
	readonly port: string;
	/** Highest magnitude over the last meter window, in dBFS (`-Infinity` for digital silence). */
	readonly peak: Decibels;
	/** RMS over the last meter window, in dBFS. */
	readonly rms: Decibels;
	/** A sample reached full scale (|x| >= 1) within the meter window. */
	readonly clipped: boolean;
};

/** What the capture state machine is doing. */
export type CaptureStatus =
	| {readonly kind: 'idle'}
	| {
			readonly kind: 'recording';
			/** 1-based capture number in the session (001.wav is 1). */
			readonly index: number;
			readonly path: string;
			/** Wall-clock time of the first sample in the file: the start of the pre-roll, not the trigger. */
			readonly startedAt: EpochMs;
			readonly triggeredAt: EpochMs;
			readonly prerollFrames: Frames;
			/** Frames in the file so far (pre-roll + live). */
			readonly frames: Frames;
	  };

/** Why the last trigger was refused (the silence gate), for the screen. */
export type Refusal = {
	readonly reason: string;
	readonly at: EpochMs;
};

/** A capture that has been finalized. */
export type FinishedCapture = {
	readonly index: number;
	readonly path: string;
	readonly startedAt: EpochMs;
	readonly frames: Frames;
	readonly duration: Seconds;
	readonly prerollFrames: Frames;
	readonly droppedFrames: Frames;
	/** Why it ended before its stop (`disk full`); absent when it was stopped. */
	readonly ended?: string;
};

/** The source's health, for the state line. */
export const SourceStatus = {
	running: 'running',
	/** The JACK server went away; `message` says why and what to do. */
	stopped: 'stopped',
} as const;
export type SourceStatus = (typeof SourceStatus)[keyof typeof SourceStatus];

/**
 * An immutable picture of the engine, replaced (never mutated) whenever something a viewer could see
 * changes, so React's `useSyncExternalStore` can compare by identity.
 */
export type EngineSnapshot = {
	readonly source: {
		readonly kind: SourceKind;
		readonly name: string;
		readonly sampleRate: Hertz;
		readonly periodFrames: Frames;
		readonly status: SourceStatus;
		readonly message: string | undefined;
	};
	readonly bufferSeconds: Seconds;
	/** How much of the ring holds audio: the pre-roll a trigger now would get. */
	readonly bufferFilledSeconds: Seconds;
	readonly levels: readonly ChannelLevel[];
	readonly capture: CaptureStatus;
	readonly lastRefusal: Refusal | undefined;
	readonly lastCapture: FinishedCapture | undefined;
	/** The last capture that failed or was cut short (a full disk), until a capture is saved whole again. */
	readonly lastFailure: Refusal | undefined;
	readonly xruns: number;
	readonly droppedFrames: Frames;
	/** The session directory, once the first capture created it. */
	readonly sessionDir: string | undefined;
};
