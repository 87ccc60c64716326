import {mkdirSync} from 'node:fs';
import {mkdir, open, rename, stat} from 'node:fs/promises';
import path from 'node:path';
import {startEncoder, type EncoderProcess} from '../codec/encoder-process.js';
import {floatToPcm} from '../codec/pcm-bytes.js';
import type {EpochMs, Frames, Hertz} from '../util/units.js';
import {syncDirectory} from '../util/sync-directory.js';
import {WavWriter} from '../wav/wav-writer.js';
import {chunkPath, type ChunkFormat} from './chunk-name.js';

export type ChunkWriterOptions = {
	/** The persistence root (chunks go into a folder per UTC day). */
	readonly root: string;
	readonly format: ChunkFormat;
	readonly sampleRate: Hertz;
	readonly channels: number;
	/** Time of the first frame, on the engine's time axis. */
	readonly startTime: EpochMs;
	readonly opusKbps: number;
	/** Where to write instead of the chunk's own `.part` name (the start-up repair writes beside the broken part). */
	readonly partPath?: string;
};

/** A finished chunk file. */
export type ChunkFile = {
	readonly path: string;
	readonly startTime: EpochMs;
	readonly frames: Frames;
	readonly bytes: number;
};

/** PCM waiting for an encoder that has not taken it: past this much audio, the encoder is stuck. */
const maxBacklogSeconds = 30;

/**
 * One chunk being written: a `.part` file fed as the audio arrives (opusenc or flac through a pipe, or a
 * float WAV), then fsynced and renamed to its final name, which states its frame count. Nothing here
 * blocks the drain loop: `write` converts and queues.
 */
export class ChunkWriter {
	readonly partPath: string;
	readonly options: ChunkWriterOptions;
	#frames: Frames = 0;
	#error: Error | undefined;
	readonly #encoder: EncoderProcess | undefined;
	/** WAV: the writer once open, and the blocks that arrived before. */
	#wav: WavWriter | undefined;
	#wavPending: Float32Array[] | undefined;
	readonly #opened: Promise<void>;

	constructor(options: ChunkWriterOptions) {
		this.options = options;
		this.partPath = options.partPath ?? chunkPath(options.root, {...options, frames: undefined});
		if (options.format === 'wav') {
			this.#wavPending = [];
			this.#encoder = undefined;
			this.#opened = this.#openWav().catch((error: unknown) => {
				this.#fail(error);
			});
			return;
		}
		// The encoder opens its output at once: its folder must exist first (a new day's, once a day).
		mkdirSync(path.dirname(this.partPath), {recursive: true, mode: 0o700});
		this.#opened = Promise.resolve();
		this.#encoder = startEncoder({
			codec: options.format,
			bits: options.format === 'flac' ? 24 : 16,
			sampleRate: options.sampleRate,
			channels: options.channels,
			output: this.partPath,
			opusKbps: options.opusKbps,
			// A page a second keeps the growing file readable up to about a second ago.
			opusMaxDelayMs: 1000,
			opusConstrained: true,
		});
		this.#encoder.done.catch((error: unknown) => {
			this.#fail(error);
		});
	}

	/** Frames accepted so far. */
	get frames(): Frames {
		return this.#frames;
	}

	/** The first failure (the encoder died, the disk is full); later audio is dropped. */
	get error(): Error | undefined {
		return this.#error;
	}

	/** Queues a copy of `frames` frames of `block`. Returns at once. */
	write(block: Float32Array, frames: Frames): void {
		if (this.#error !== undefined || frames === 0) {
			return;
		}
		this.#frames += frames;
		const {channels, format, sampleRate} = this.options;
		if (this.#encoder !== undefined) {
			const stdin = this.#encoder.stdin;
			if (stdin.writableLength > maxBacklogSeconds * sampleRate * channels * 3) {
				this.#fail(new Error(`the ${format} encoder took no audio for ${maxBacklogSeconds} s`));
				this.#encoder.kill();
				return;
			}
			stdin.write(floatToPcm(block, frames, channels, format === 'flac' ? 24 : 16));
		} else if (this.#wav !== undefined) {
			this.#wav.append(block, frames);
		} else {
			this.#wavPending?.push(block.slice(0, frames * channels));
		}
	}

	/** Ends the input, waits for the file, fsyncs it and renames it to its final name. */
	async finish(): Promise<ChunkFile> {
		await this.#opened;
		if (this.#encoder !== undefined) {
			this.#encoder.stdin.end();
			await this.#encoder.done.catch(() => undefined);
		} else if (this.#wav !== undefined) {
			await this.#wav.finalize().catch((error: unknown) => {
				this.#fail(error);
			});
		}
		if (this.#error !== undefined) {
			throw this.#error;
		}
		return finalizePart(this.partPath, {...this.options, frames: this.#frames});
	}

	/** Stops writing at once and leaves the `.part` for the start-up repair. Idempotent. */
	async abort(): Promise<void> {
		this.#fail(new Error('aborted'));
		this.#encoder?.kill();
		await this.#encoder?.done.catch(() => undefined);
		await this.#wav?.dispose();
	}

	async #openWav(): Promise<void> {
		await mkdir(path.dirname(this.partPath), {recursive: true, mode: 0o700});
		const wav = await WavWriter.create(this.partPath, {sampleRate: this.options.sampleRate, channels: this.options.channels, sampleFormat: 'float32'});
		for (const block of this.#wavPending ?? []) {
			wav.append(block);
		}
		this.#wavPending = undefined;
		this.#wav = wav;
	}

	#fail(error: unknown): void {
		this.#error ??= error instanceof Error ? error : new Error(String(error));
	}
}

/**
 * Makes a written `.part` durable under its final name: fsync the file, rename (atomic), fsync the
 * directory. Mode 0600 like every file of ours.
 */
export const finalizePart = async (partPath: string, chunk: {readonly root: string; readonly format: ChunkFormat; readonly sampleRate: Hertz; readonly channels: number; readonly startTime: EpochMs; readonly frames: Frames}): Promise<ChunkFile> => {
	const handle = await open(partPath, 'r+');
	try {
		await handle.chmod(0o600);
		await handle.sync();
	} finally {
		await handle.close();
	}
	const target = chunkPath(chunk.root, chunk);
	await rename(partPath, target);
	await syncDirectory(path.dirname(target));
	return {path: target, startTime: chunk.startTime, frames: chunk.frames, bytes: (await stat(target)).size};
};
