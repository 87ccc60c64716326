import {open, unlink, type FileHandle} from 'node:fs/promises';
import path from 'node:path';
import type {Frames, Hertz} from '../util/units.js';
import {bytesPerSample, encodeSamples, isSampleFormat, type SampleFormat} from './sample-format.js';
import {encodeHeader, headerLayout, maxRiffDataBytes, type HeaderLayout, type WavFormat} from './wav-header.js';
import {syncDirectory} from '../util/sync-directory.js';
import {WavWriterError, WavWriterErrorCode} from './wav-writer-error.js';

export type WavWriterOptions = {
	readonly sampleRate: Hertz;
	readonly channels: number;
	/** @default 'float32' */
	readonly sampleFormat?: SampleFormat;
	/**
	 * How often the header's sizes are brought up to date and the file is datasynced, so a file cut by
	 * `kill -9` or a power loss plays up to that point. Twice a second leaves a margin on "at least once a
	 * second" for a slow datasync.
	 * @default 500
	 */
	readonly headerRefreshMs?: number;
	/**
	 * Data bytes above which the header is RF64 (a `ds64` chunk holds the 64-bit sizes). For tests, to get
	 * RF64 files of a few KB; lower values than the default only make smaller files RF64.
	 * @default the most a plain RIFF header describes, about 4 GiB
	 */
	readonly rf64AboveBytes?: number;
	/** Called once, with the first write error (the same object as `writer.error`). */
	readonly onError?: (error: WavWriterError) => void;
};

const defaultRefreshMs = 500;

/**
 * Bytes per queued chunk: a chunk is written when it is full, so at 48 kHz stereo float there are about
 * two data writes a second plus the refresh.
 */
const chunkBytes = 256 * 1024;
/** Written chunks kept for reuse, so a steady recording allocates nothing per append. */
const spareChunks = 8;
/** Buffers per `writev` (Linux IOV_MAX is 1024). */
const maxBatch = 256;

type Chunk = {
	readonly buffer: Buffer;
	used: number;
	/** No room for another sample: the write loop may take it without being forced. */
	sealed: boolean;
};

type Waiter = {resolve: () => void; reject: (error: unknown) => void};

/**
 * A WAV file written as a stream. `append` copies the frames, converted to the file's encoding, into a
 * queue and returns at once: it runs in the audio drain loop, so it never waits for the disk and never
 * throws a disk error. One background loop writes the queue in order with positional writes, patches the header
 * sizes at least every `headerRefreshMs` and datasyncs.
 *
 * There is no size limit of our own: past about 4 GiB the header becomes RF64, whose 64-bit sizes are
 * exact in a JS number up to 2^53 bytes, far beyond any file system's file size limit (ext4: 16 TiB,
 * over a year of 48 kHz stereo float), which ends a capture with `EFBIG` like any other write error.
 */
export class WavWriter {
	readonly path: string;
	readonly sampleRate: Hertz;
	readonly channels: number;
	readonly sampleFormat: SampleFormat;
	/** Byte offset of the first sample. */
	readonly dataOffset: number;

	readonly #file: FileHandle;
	readonly #format: WavFormat;
	readonly #layout: HeaderLayout;
	readonly #rf64AboveBytes: number;
	readonly #sampleBytes: number;
	readonly #onError: ((error: WavWriterError) => void) | undefined;
	readonly #timer: NodeJS.Timeout;

	readonly #chunks: Chunk[] = [];
	readonly #spare: Buffer[] = [];
	readonly #flushWaiters: Waiter[] = [];
	#framesAppended: Frames = 0;
	#bytesQueued = 0;
	#bytesWritten = 0;
	/** Data bytes the header on disk describes. */
	#headerBytes = 0;
	#syncWanted = false;
	#pumping = false;
	#pumpDone: Promise<void> = Promise.resolve();
	#closing = false;
	#closed = false;
	#finalized: Promise<{frames: Frames}> | undefined;
	#error: WavWriterError | undefined;
	#whole = false;

	private constructor(filePath: string, file: FileHandle, settings: Settings) {
		const {format} = settings;
		this.path = filePath;
		this.#file = file;
		this.#format = format;
		this.sampleRate = format.sampleRate;
		this.channels = format.channels;
		this.sampleFormat = format.sampleFormat;
		this.#layout = headerLayout(format);
		this.dataOffset = this.#layout.dataOffset;
		this.#rf64AboveBytes = settings.rf64AboveBytes;
		this.#sampleBytes = bytesPerSample(format.sampleFormat);
		this.#onError = settings.onError;
		this.#timer = setInterval(() => {
			this.#tick();
		}, settings.refreshMs);
		// A recording in progress must not keep the process alive on its own: the app decides when to stop.
		this.#timer.unref();
	}

	/** Creates `filePath` exclusively (it must not exist) with mode 0600 and writes an empty header. */
	static async create(filePath: string, options: WavWriterOptions): Promise<WavWriter> {
		const settings = validateOptions(filePath, options);
		const file = await open(filePath, 'wx', 0o600);
		try {
			await file.write(encodeHeader(settings.format, 0), 0, undefined, 0);
			await syncDirectory(path.dirname(filePath));
		} catch (error) {
			// The file is ours (created exclusively) and holds no audio yet.
			await file.close().catch(() => undefined);
			await unlink(filePath).catch(() => undefined);
			throw error;
		}
		return new WavWriter(filePath, file, settings);
	}

	/** Frames accepted by `append` (the file's length once everything is written). */
	get framesAppended(): Frames {
		return this.#framesAppended;
	}

	/** Whole frames that have reached the file. */
	get framesWritten(): Frames {
		return Math.floor(this.#bytesWritten / this.#layout.blockAlign);
	}

	/** Bytes appended but not yet written: grows if the disk falls behind the audio. */
	get pendingBytes(): number {
		return this.#bytesQueued - this.#bytesWritten;
	}

	/**
	 * Finalized with a header that describes exactly the frames in the file, synced: true after a write
	 * error too (a full disk), when the file was still closed cleanly at its last whole frame.
	 */
	get whole(): boolean {
		return this.#whole;
	}

	/** The first write error, if any. */
	get error(): WavWriterError | undefined {
		return this.#error;
	}

	/**
	 * Queues a copy of the first `frames` frames of `interleaved` (all of it by default). Returns at once.
	 * After a write error the frames are dropped silently: the error is reported through `error`,
	 * `onError`, `flush()` and `finalize()`.
	 */
	append(interleaved: Float32Array, frames?: Frames): void {
		if (!(interleaved instanceof Float32Array)) {
			throw new TypeError('WavWriter.append: interleaved must be a Float32Array');
		}
		const {channels} = this;
		if (frames === undefined) {
			if (interleaved.length % channels !== 0) {
				throw new RangeError(
					`WavWriter.append: interleaved length ${interleaved.length} is not a whole number of ${channels}-channel frames`,
				);
			}
			frames = interleaved.length / channels;
		} else if (!Number.isInteger(frames) || frames < 0 || frames * channels > interleaved.length) {
			throw new RangeError(
				`WavWriter.append: frames must be a whole number from 0 to ${Math.floor(interleaved.length / channels)}, got ${frames}`,
			);
		}
		if (this.#closing) {
			throw new Error(`WavWriter.append: ${this.path} is already finalized`);
		}
		if (this.#error !== undefined || frames === 0) {
			return;
		}
		this.#enqueue(interleaved, frames * channels);
		this.#framesAppended += frames;
		if (this.#chunks.length > 1 || this.#chunks[0]?.sealed === true) {
			this.#kick();
		}
	}

	/**
	 * Resolves when everything appended so far is written, described by the header and datasynced.
	 * Rejects with the write error if there was one.
	 */
	flush(): Promise<void> {
		if (this.#error !== undefined) {
			return Promise.reject(this.#error);
		}
		if (this.#closed) {
			return Promise.resolve();
		}
		return new Promise((resolve, reject) => {
			this.#flushWaiters.push({resolve, reject});
			this.#syncWanted = true;
			this.#kick();
		});
	}

	/**
	 * Writes the rest, patches the header, fsyncs and closes. Idempotent: every call returns the same
	 * promise. Rejects with the write error if there was one; the file then holds `error.framesWritten`
	 * frames and a header that says so.
	 */
	finalize(): Promise<{frames: Frames}> {
		this.#finalized ??= this.#finish();
		return this.#finalized;
	}

	/** `finalize()` for cleanup paths: never rejects (the error stays in `error`). */
	async dispose(): Promise<void> {
		await this.finalize().catch(() => undefined);
	}

	#enqueue(source: Float32Array, samples: number): void {
		const width = this.#sampleBytes;
		let offset = 0;
		while (offset < samples) {
			let chunk = this.#chunks.at(-1);
			if (chunk === undefined || chunk.sealed) {
				chunk = {buffer: this.#spare.pop() ?? Buffer.allocUnsafe(chunkBytes), used: 0, sealed: false};
				this.#chunks.push(chunk);
			}
			const count = Math.min(samples - offset, Math.floor((chunk.buffer.length - chunk.used) / width));
			chunk.used += encodeSamples(this.sampleFormat, source, offset, count, chunk.buffer, chunk.used);
			offset += count;
			if (chunk.buffer.length - chunk.used < width) {
				chunk.sealed = true;
			}
		}
		this.#bytesQueued += samples * width;
	}

	#tick(): void {
		if (this.#bytesQueued !== this.#headerBytes) {
			this.#syncWanted = true;
			this.#kick();
		}
	}

	#kick(): void {
		if (this.#pumping) {
			return;
		}
		this.#pumping = true;
		this.#pumpDone = this.#pump();
	}

	/** The one write loop: data in order, then (when asked) header and datasync. */
	async #pump(): Promise<void> {
		try {
			for (;;) {
				if (this.#error !== undefined) {
					break;
				}
				const batch = this.#take(this.#syncWanted || this.#closing);
				if (batch.length > 0) {
					await this.#writeBatch(batch);
					continue;
				}
				if (!this.#syncWanted) {
					break;
				}
				this.#syncWanted = false;
				const waiters = this.#flushWaiters.splice(0);
				await this.#syncHeader();
				for (const waiter of waiters) {
					waiter.resolve();
				}
			}
		} catch (error) {
			this.#fail(error);
		}
		// Cleared in the same synchronous step as the last check, so a `#kick` cannot be lost in between.
		this.#pumping = false;
	}

	#take(force: boolean): Chunk[] {
		let count = 0;
		while (count < this.#chunks.length && count < maxBatch && (force || this.#chunks[count]!.sealed)) {
			count++;
		}
		return this.#chunks.splice(0, count).filter((chunk) => chunk.used > 0);
	}

	async #writeBatch(batch: Chunk[]): Promise<void> {
		let buffers = batch.map((chunk) => chunk.buffer.subarray(0, chunk.used));
		while (buffers.length > 0) {
			const {bytesWritten} = await this.#file.writev(buffers, this.dataOffset + this.#bytesWritten);
			if (bytesWritten === 0) {
				throw new WavWriterError(`${this.path}: the disk accepted no bytes`, {
					code: WavWriterErrorCode.shortWrite,
					path: this.path,
					framesWritten: this.framesWritten,
				});
			}
			this.#bytesWritten += bytesWritten;
			buffers = skipBytes(buffers, bytesWritten);
		}
		for (const chunk of batch) {
			if (this.#spare.length < spareChunks) {
				this.#spare.push(chunk.buffer);
			}
		}
	}

	async #syncHeader(): Promise<void> {
		const dataBytes = this.framesWritten * this.#layout.blockAlign;
		if (dataBytes !== this.#headerBytes) {
			await this.#file.write(this.#header(this.framesWritten, false), 0, undefined, 0);
			this.#headerBytes = dataBytes;
		}
		await this.#file.datasync();
	}

	async #finish(): Promise<{frames: Frames}> {
		this.#closing = true;
		clearInterval(this.#timer);
		this.#syncWanted = true;
		for (;;) {
			this.#kick();
			await this.#pumpDone;
			if (this.#error !== undefined) {
				break;
			}
			if (this.#chunks.length === 0 && !this.#syncWanted) {
				break;
			}
		}
		const frames = this.framesWritten;
		const dataBytes = frames * this.#layout.blockAlign;
		try {
			if (this.#bytesWritten !== dataBytes) {
				// A failed write may have left part of a frame: cut it so the file is whole frames.
				await this.#file.truncate(this.dataOffset + dataBytes);
			}
			const padded = dataBytes % 2 === 1;
			if (padded) {
				// RIFF chunks are padded to an even size; the pad byte is not part of the data.
				await this.#file.write(Buffer.alloc(1), 0, 1, this.dataOffset + dataBytes);
			}
			await this.#file.write(this.#header(frames, padded), 0, undefined, 0);
			this.#headerBytes = dataBytes;
			await this.#file.sync();
			this.#whole = true;
		} catch (error) {
			this.#fail(error);
		} finally {
			this.#closed = true;
			await this.#file.close().catch((error: unknown) => {
				this.#fail(error);
			});
		}
		for (const waiter of this.#flushWaiters.splice(0)) {
			if (this.#error === undefined) {
				waiter.resolve();
			} else {
				waiter.reject(this.#error);
			}
		}
		this.#chunks.length = 0;
		this.#spare.length = 0;
		if (this.#error !== undefined) {
			throw this.#error;
		}
		return {frames};
	}

	/** The header for `frames` frames: RIFF, or RF64 once the data has outgrown it. */
	#header(frames: Frames, padded: boolean): Buffer {
		const rf64 = frames * this.#layout.blockAlign > this.#rf64AboveBytes;
		return encodeHeader(this.#format, frames, {padded, rf64});
	}

	/** Records the first error, stops the writes and tells whoever listens. */
	#fail(cause: unknown): void {
		if (this.#error !== undefined) {
			return;
		}
		const error =
			cause instanceof WavWriterError
				? cause
				: new WavWriterError(`${this.path}: ${cause instanceof Error ? cause.message : String(cause)}`, {
						code: errorCode(cause),
						path: this.path,
						framesWritten: this.framesWritten,
						cause,
					});
		this.#error = error;
		// Nothing more will be written; the timer would only patch the same header again.
		this.#chunks.length = 0;
		clearInterval(this.#timer);
		for (const waiter of this.#flushWaiters.splice(0)) {
			waiter.reject(error);
		}
		try {
			this.#onError?.(error);
		} catch {
			// A throwing listener must not turn a reported disk error into a crash of the write loop.
		}
	}
}

/** The options, checked and with their defaults. */
type Settings = {
	readonly format: WavFormat;
	readonly refreshMs: number;
	readonly rf64AboveBytes: number;
	readonly onError: WavWriterOptions['onError'];
};

const validateOptions = (filePath: string, options: WavWriterOptions): Settings => {
	if (typeof filePath !== 'string' || filePath.length === 0) {
		throw new TypeError('WavWriter.create: path must be a non-empty string');
	}
	const {sampleRate, channels, sampleFormat = 'float32', headerRefreshMs = defaultRefreshMs, onError} = options;
	if (!isSampleFormat(sampleFormat)) {
		throw new RangeError(`WavWriter.create: sampleFormat must be float32, int32, int24 or int16, got ${String(sampleFormat)}`);
	}
	const frameBytes = bytesPerSample(sampleFormat);
	const maxChannels = Math.floor(0xff_ff / frameBytes);
	if (!Number.isInteger(channels) || channels < 1 || channels > maxChannels) {
		throw new RangeError(`WavWriter.create: channels must be a whole number from 1 to ${maxChannels}, got ${channels}`);
	}
	const maxRate = Math.floor(0xff_ff_ff_ff / (channels * frameBytes));
	if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > maxRate) {
		throw new RangeError(`WavWriter.create: sampleRate must be a whole number of hertz from 1 to ${maxRate}, got ${sampleRate}`);
	}
	if (!Number.isFinite(headerRefreshMs) || headerRefreshMs < 1) {
		throw new RangeError(`WavWriter.create: headerRefreshMs must be a positive number of milliseconds, got ${headerRefreshMs}`);
	}
	if (onError !== undefined && typeof onError !== 'function') {
		throw new TypeError('WavWriter.create: onError must be a function');
	}
	const format = {sampleRate, channels, sampleFormat};
	const riffLimit = maxRiffDataBytes(headerLayout(format).dataOffset);
	const {rf64AboveBytes = riffLimit} = options;
	if (!Number.isInteger(rf64AboveBytes) || rf64AboveBytes < 0 || rf64AboveBytes > riffLimit) {
		throw new RangeError(`WavWriter.create: rf64AboveBytes must be a whole number of bytes from 0 to ${riffLimit}, got ${rf64AboveBytes}`);
	}
	return {format, refreshMs: headerRefreshMs, rf64AboveBytes, onError};
};

/** The buffers left after the first `bytes` bytes were written. */
const skipBytes = (buffers: Buffer[], bytes: number): Buffer[] => {
	let index = 0;
	let remaining = bytes;
	while (index < buffers.length && remaining >= buffers[index]!.length) {
		remaining -= buffers[index]!.length;
		index++;
	}
	const rest = buffers.slice(index);
	if (remaining > 0 && rest.length > 0) {
		rest[0] = rest[0]!.subarray(remaining);
	}
	return rest;
};

const errorCode = (cause: unknown): string =>
	typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : 'EIO';
