import type {Frames} from '../util/units.js';

/** Error codes of our own, beside the system ones (`ENOSPC`, `EACCES`, `EFBIG`, ...) a write can fail with. */
export const WavWriterErrorCode = {
	/** A write returned 0 bytes without an error. */
	shortWrite: 'WAV_SHORT_WRITE',
} as const;

/**
 * A write failure of a `WavWriter`. It never reaches the code that appends frames: it rejects `flush()`
 * and `finalize()`, sits in `writer.error`, and goes to `onError`. The file keeps `framesWritten` frames
 * and its header says so.
 */
export class WavWriterError extends Error {
	override readonly name = 'WavWriterError';
	/** The system error code (`ENOSPC`, ...) or one of `WavWriterErrorCode`. */
	readonly code: string;
	readonly path: string;
	/** Whole frames that reached the file before the failure. */
	readonly framesWritten: Frames;

	constructor(message: string, options: {code: string; path: string; framesWritten: Frames; cause?: unknown}) {
		super(message, {cause: options.cause});
		this.code = options.code;
		this.path = options.path;
		this.framesWritten = options.framesWritten;
	}
}
