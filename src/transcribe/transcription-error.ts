import {CodedError} from '../util/coded-error.js';
import {plainLines} from '../util/plain-text.js';
/** Why a transcription failed, as a code for programs; the message is the reason for a person. */
export const TranscriptionErrorCode = {
	/** No model file where one was asked for. */
	modelMissing: 'model-missing',
	/** The file is there but is not a whisper model whisper.cpp can load. */
	modelInvalid: 'model-invalid',
	/** No whisper.cpp to run: no prebuilt addon for this machine, or `--whisper-bin` is not a program. */
	engineMissing: 'engine-missing',
	/** whisper.cpp's process died or failed. */
	crashed: 'crashed',
	timeout: 'timeout',
	/** The capture's audio could not be read or converted. */
	badAudio: 'bad-audio',
	/** A remote engine refused or could not be reached, or its key could not be read. */
	remote: 'remote',
	/** Stopped by `dispose()`. */
	cancelled: 'cancelled',
} as const;
export type TranscriptionErrorCode = (typeof TranscriptionErrorCode)[keyof typeof TranscriptionErrorCode];

export class TranscriptionError extends CodedError<TranscriptionErrorCode> {
	override readonly name = 'TranscriptionError';
}

/**
 * The reason to show for any error: a `TranscriptionError`'s message, or the error's message. Without
 * control characters: it may quote a server, a file name or whisper.cpp's stderr.
 */
export const failureReason = (error: unknown): string =>
	plainLines(error instanceof Error ? error.message : String(error));
