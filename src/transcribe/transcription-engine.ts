import type {Seconds} from '../util/units.js';
import type {SpeechSegment} from './speech-detector.js';

/** One stretch of recognised speech; times are from the start of the capture, when the engine gives them. */
export type EngineSegment = {
	readonly start: Seconds | undefined;
	readonly end: Seconds | undefined;
	readonly text: string;
};

export type EngineResult = {
	readonly segments: readonly EngineSegment[];
	/** The language the engine transcribed in (detected or as asked). */
	readonly language: string | undefined;
};

export type EngineRequest = {
	/** A 16 kHz mono 16-bit WAV. */
	readonly audioPath: string;
	readonly audioSeconds: Seconds;
	/** A private directory the engine may write scratch files into; removed after the job. */
	readonly workDir: string;
	/**
	 * Aborted on a time-out or `dispose()`: the engine stops its work (kills its process) and rejects
	 * with `signal.reason`.
	 */
	readonly signal: AbortSignal;
	/**
	 * The speech Silero VAD found, when it ran: an engine that can transcribe only that (the kept-loaded
	 * one) does; the others transcribe the whole capture.
	 */
	readonly speech?: readonly SpeechSegment[];
};

/** Something that turns a 16 kHz WAV into segments: whisper.cpp kept loaded in its own process, a user's whisper-cli, a remote URL. */
export type TranscriptionEngine = {
	/** What ran it, for the manifest, e.g. `whisper.cpp 1.9.3 (kept loaded)`. */
	readonly description: string;
	/** The model's name, for the manifest. */
	readonly model: string;
	/** The language asked for (`auto` to detect). */
	readonly language: string;
	transcribe(request: EngineRequest): Promise<EngineResult>;
	/** Stops whatever the engine keeps running (its process). Idempotent. */
	dispose(): Promise<void>;
};

/** A signal's reason as an error to reject with. */
export const abortReason = (signal: AbortSignal): Error =>
	signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
