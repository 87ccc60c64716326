import path from 'node:path';
import type {AudioFormat} from '../session/file-formats.js';
import {encodeCapture} from '../session/encode-capture.js';
import {captureNumber, type Session} from '../session/session.js';

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Turns finished WAV captures into FLAC or Opus, one at a time, off the audio path. The WAV is the safe
 * first copy: it is removed only once the encoded file has been checked, and any failure leaves it.
 */
export class CaptureEncoder {
	readonly #format: Exclude<AudioFormat, 'wav'>;
	readonly #say: (line: string) => void;
	readonly #onDone: ((session: Session, index: number) => void) | undefined;
	#queue: Promise<void> = Promise.resolve();

	/** `onDone` is told when a capture's encoding is over, encoded or not. */
	constructor(format: Exclude<AudioFormat, 'wav'>, say: (line: string) => void, onDone?: (session: Session, index: number) => void) {
		this.#format = format;
		this.#say = say;
		this.#onDone = onDone;
	}

	encode(session: Session, index: number): void {
		this.#queue = this.#queue.then(async () => {
			await this.#encode(session, index);
			this.#onDone?.(session, index);
		});
	}

	async #encode(session: Session, index: number): Promise<void> {
		const record = session.getSnapshot().captures.find(capture => capture.index === index);
		if (!record || path.extname(record.file).toLowerCase() !== '.wav') {
			return;
		}
		try {
			const encoded = await encodeCapture(path.join(session.dir, record.file), {format: this.#format});
			await session.updateCapture(index, {file: encoded.file});
			this.#say(`capture ${captureNumber(index)} kept as ${encoded.file} (${megabytes(encoded.bytes)})`);
		} catch (error) {
			this.#say(`capture ${captureNumber(index)} stays ${record.file}: ${error instanceof Error ? error.message : String(error)}`);
		}
	}

	/** Waits for the encodings under way. */
	async dispose(): Promise<void> {
		await this.#queue;
	}
}
