import type {SpeechSegment, VadParams} from './speech-detector.js';
import type {EngineSegment} from './transcription-engine.js';

/**
 * The messages between omega13 and its transcription process (`engine-child.ts`), which keeps
 * whisper.cpp and Silero loaded so that a crash, an abort inside whisper.cpp or an out-of-memory kill
 * takes only that process down.
 *
 * Transport: Node's IPC channel with `serialization: 'advanced'` (structured clone), so a
 * `Float32Array` of audio crosses as it is, without JSON. Every request carries an `id`; the child
 * answers each with one `reply` of the same id, in any order (a VAD request is answered while a
 * transcription runs: both run on the binding's worker threads). The child holds one whisper model and
 * one VAD model, loaded on first use and kept until a request names another file.
 *
 *   child -> parent, once:   {type: 'ready', variant}        the addon loaded (cpu, cuda or vulkan)
 *                            {type: 'fatal', message}        it did not; the child then exits
 *   parent -> child:         TranscribeRequest | DetectSpeechRequest
 *   child -> parent:         ChildReply (ok with a result, or not ok with a code and a reason)
 *
 * Streaming VAD (live audio in 100-250 ms chunks): send `detect-speech` with `pcm` holding the last
 * second or so at 16 kHz (Silero's state starts fresh on every request, so a lone chunk has no
 * context); segment times are from the start of that window. Files: send `audioPath` (a 16 kHz mono WAV)
 * instead, and nothing but the path crosses the channel.
 */
export type TranscribeRequest = {
	readonly id: number;
	readonly op: 'transcribe';
	/** A ggml whisper model. */
	readonly model: string;
	/** A 16 kHz mono WAV. */
	readonly audioPath: string;
	readonly language: string;
	readonly threads: number;
	/** Only these stretches are transcribed (spliced as whisper.cpp's VAD does); times map back. */
	readonly speech?: readonly SpeechSegment[];
	/** Seconds kept after each speech segment when splicing. */
	readonly overlap?: number;
};

export type DetectSpeechRequest = {
	readonly id: number;
	readonly op: 'detect-speech';
	/** A ggml Silero model (`ggml-silero-v6.2.0.bin`). */
	readonly vadModel: string;
	readonly params: VadParams;
	readonly threads: number;
} & ({readonly pcm: Float32Array; readonly audioPath?: undefined} | {readonly audioPath: string; readonly pcm?: undefined});

export type ChildRequest = TranscribeRequest | DetectSpeechRequest;

/** Why a request failed, for the parent to turn into a `TranscriptionError`. */
export type ChildFailureCode = 'model-invalid' | 'bad-audio' | 'crashed';

export type ChildReply =
	| {readonly type: 'ready'; readonly variant: string}
	| {readonly type: 'fatal'; readonly message: string}
	| {readonly type: 'reply'; readonly id: number; readonly ok: true; readonly op: 'detect-speech'; readonly segments: readonly SpeechSegment[]; readonly computeMs: number}
	| {
			readonly type: 'reply';
			readonly id: number;
			readonly ok: true;
			readonly op: 'transcribe';
			readonly segments: readonly EngineSegment[];
			readonly language: string | undefined;
			readonly computeMs: number;
	  }
	| {readonly type: 'reply'; readonly id: number; readonly ok: false; readonly code: ChildFailureCode; readonly message: string};
