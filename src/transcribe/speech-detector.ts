import type {Seconds} from '../util/units.js';

/** A stretch of speech, in seconds from the start of the audio the detector was given. */
export type SpeechSegment = {readonly start: Seconds; readonly end: Seconds};

/**
 * whisper.cpp's VAD parameters (`whisper_vad_params`), under the names its Node binding reads. The
 * defaults are whisper.cpp's own (`whisper_vad_default_params`), so a capture is cut into speech the
 * same way `whisper-cli --vad` would cut it.
 */
export type VadParams = {
	/** Probability above which a 32 ms frame is speech. @default 0.5 */
	readonly threshold: number;
	/** Shorter bursts are not speech. @default 250 */
	readonly minSpeechDurationMs: number;
	/** A pause at least this long ends a segment. @default 100 */
	readonly minSilenceDurationMs: number;
	/** Longer speech is split. @default whisper.cpp's FLT_MAX (never) */
	readonly maxSpeechDurationS: number;
	/** Added before and after each segment. @default 30 */
	readonly speechPadMs: number;
	/** Kept after each segment (but the last) when speech is cut out of a capture. @default 0.1 */
	readonly samplesOverlap: Seconds;
};

export const whisperVadDefaults: VadParams = {
	threshold: 0.5,
	minSpeechDurationMs: 250,
	minSilenceDurationMs: 100,
	maxSpeechDurationS: 3.4028234663852886e38,
	speechPadMs: 30,
	samplesOverlap: 0.1,
};

/** The sample rate Silero (and whisper) take. */
export const vadSampleRate = 16_000;

/**
 * Silero VAD as the rest of omega13 sees it: speech segments in 16 kHz mono audio. The detector keeps
 * its model loaded; a call of a few hundred milliseconds of audio takes about a millisecond of compute
 * plus one round trip to the transcription process. Each call starts from a fresh model state, so a
 * live caller sends a sliding window (the last second or so) rather than each 100-250 ms chunk alone.
 */
export type SpeechDetector = {
	/** `pcm16kMono`: samples in [-1, 1] at 16 kHz. Rejects if the detector cannot run (with the reason). */
	detectSpeech(pcm16kMono: Float32Array, options?: {readonly signal?: AbortSignal; readonly params?: Partial<VadParams>}): Promise<readonly SpeechSegment[]>;
};

/** Seconds of speech in a list of segments. */
export const speechSeconds = (segments: readonly SpeechSegment[]): Seconds =>
	segments.reduce((total, segment) => total + (segment.end - segment.start), 0);
