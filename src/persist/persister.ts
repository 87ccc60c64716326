import type {AudioStream, AudioTap} from '../engine/audio-tap.js';
import type {Frames, Seconds} from '../util/units.js';
import {missingPrograms} from '../session/encode-capture.js';
import {ensurePrivateDir} from '../util/app-dirs.js';
import type {AudioPiece, PieceStore} from './audio-piece.js';
import {chunkFormats, type ChunkFormat} from './chunk-name.js';
import {applyRetention, chunkPiece, listChunks, type StoredChunk} from './chunk-store.js';
import {ChunkWriter, type ChunkFile} from './chunk-writer.js';
import {freeBytes} from '../util/free-space.js';
import {repairParts} from './repair-parts.js';
import {decodeRange} from '../codec/decode-file.js';

export type PersisterOptions = {
	/** Where chunks go (a folder per UTC day under it). */
	readonly root: string;
	/** @default 'opus' */
	readonly format?: ChunkFormat;
	/** Length of a chunk file. */
	readonly chunkSeconds: Seconds;
	/** Opus bitrate for the whole stream. @default 32 */
	readonly opusKbps?: number;
	/** Chunks older than this are deleted. */
	readonly maxAgeHours: number;
	/** Past this many bytes, the oldest chunks are deleted. */
	readonly maxBytes: number;
	/** Below this much free space, persistence pauses until it returns. */
	readonly minFreeBytes: number;
	/** Retention asks before deleting a chunk (the archive says no until it is uploaded). */
	readonly mayDelete?: (file: string) => boolean;
	/** Each chunk once it is final on disk (the archive uploads it). */
	readonly onChunk?: (chunk: ChunkFile) => void;
	readonly log: (line: string) => void;
	/** How often free space is looked at. @default 2000 */
	readonly spaceCheckMs?: number;
};

/** What persistence is doing, for the TUI, the headless log and /status. */
export type PersistStatus = {
	readonly state: 'persisting' | 'paused';
	/** Why it is paused: a person can act on this. */
	readonly reason: string | undefined;
	readonly root: string;
	readonly format: ChunkFormat;
	/** Audio on disk in finished chunks and the one being written. */
	readonly seconds: Seconds;
	readonly bytes: number;
	readonly chunks: number;
	/** ISO time of the oldest audio on disk. */
	readonly oldest: string | undefined;
	readonly freeBytes: number | undefined;
	/** Frames not persisted while paused, since the start. */
	readonly skippedFrames: Frames;
};

type Current = {readonly writer: ChunkWriter; readonly stream: AudioStream; readonly firstFrame: Frames};

/** A second of hysteresis above the floor, so a pause does not flap at every check. */
const resumeMargin = 1.05;
/** After a write error (not space), persistence tries again this much later. */
const retryAfterErrorMs = 30_000;

/**
 * Rolling persistence, the dashcam: an engine tap that writes everything the engine receives to chunk
 * files of `chunkSeconds`, each named by the time of its first sample, written as `.part`, fsynced and
 * renamed. Old chunks are deleted by age and total size; below a free-space floor it pauses (the ring and
 * captures never stop for it) and resumes when space returns. Also the store `/audio` reads old ranges from.
 */
export class Persister implements AudioTap, PieceStore {
	readonly options: Required<Omit<PersisterOptions, 'mayDelete' | 'onChunk'>> & Pick<PersisterOptions, 'mayDelete' | 'onChunk'>;
	#chunks: StoredChunk[] = [];
	#current: Current | undefined;
	#pausedReason: string | undefined;
	#pauseKind: 'space' | 'error' | undefined;
	#pausedAt = 0;
	#freeBytes: number | undefined;
	#skipped: Frames = 0;
	readonly #finishing = new Set<Promise<void>>();
	readonly #timer: NodeJS.Timeout;
	#snapshot: PersistStatus;
	readonly #listeners = new Set<() => void>();
	#disposed: Promise<void> | undefined;

	private constructor(options: PersisterOptions, chunks: StoredChunk[]) {
		this.options = {format: 'opus', opusKbps: 32, spaceCheckMs: 2000, ...options};
		this.#chunks = chunks;
		this.#snapshot = this.#buildSnapshot();
		this.#timer = setInterval(() => {
			void this.#checkSpace();
		}, this.options.spaceCheckMs);
		this.#timer.unref();
	}

	/**
	 * Makes the folder (0700), finalizes the `.part` chunks a crash left, applies retention and checks
	 * the encoder is installed. Throws with the fix when it cannot persist at all.
	 */
	static async start(options: PersisterOptions): Promise<Persister> {
		const format = options.format ?? 'opus';
		if (!chunkFormats.includes(format)) {
			throw new TypeError(`persist format must be one of ${chunkFormats.join(', ')}, got ${String(format)}`);
		}
		if (!(options.chunkSeconds > 0)) {
			throw new RangeError(`chunk length must be above 0 s, got ${options.chunkSeconds}`);
		}
		if (format !== 'wav') {
			const missing = await missingPrograms(format);
			if (missing.length > 0) {
				throw new Error(
					`persisting as ${format} needs ${missing.join(' and ')}: install ${format === 'opus' ? 'opus-tools' : 'flac'} (Debian/Ubuntu), or persist as wav`,
				);
			}
		}
		// A directory the person named, like the sessions folder: shared on purpose, perhaps.
		await ensurePrivateDir(options.root, {existing: 'warn', warn: line => options.log(`persistence: ${line}`)});
		const {parts} = await listChunks(options.root);
		for (const repair of await repairParts(options.root, parts, options.opusKbps ?? 32)) {
			options.log(
				repair.action === 'finalized'
					? `persistence: finished ${repair.chunk.path} (${repair.chunk.frames} frames), left unfinished by a crash`
					: `persistence: ${repair.action === 'removed' ? 'removed' : 'could not repair'} ${repair.part}: ${repair.reason}`,
			);
		}
		const persister = new Persister(options, [...(await listChunks(options.root)).chunks]);
		await persister.#retain();
		await persister.#checkSpace();
		return persister;
	}

	subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	getSnapshot = (): PersistStatus => this.#snapshot;

	write(stream: AudioStream, block: Float32Array, frames: Frames, firstFrame: Frames): void {
		const chunkFrames = Math.max(1, Math.round(this.options.chunkSeconds * stream.sampleRate));
		let offset = 0;
		while (offset < frames) {
			let current = this.#current;
			if (current?.writer.error !== undefined) {
				this.#pause('error', `could not write ${current.writer.partPath}: ${current.writer.error.message}`);
				void current.writer.abort();
				current = undefined;
			}
			if (this.#pausedReason !== undefined || this.#disposed !== undefined) {
				this.#skipped += frames - offset;
				return;
			}
			if (current !== undefined && (current.stream !== stream || current.firstFrame + current.writer.frames !== firstFrame + offset)) {
				// A new stream (the source came back) or a jump: the chunk ends where its audio ends.
				this.#rotate();
				current = undefined;
			}
			current ??= this.#open(stream, firstFrame + offset);
			const take = Math.min(chunkFrames - current.writer.frames, frames - offset);
			current.writer.write(offset === 0 ? block : block.subarray(offset * stream.channels), take);
			offset += take;
			if (current.writer.frames >= chunkFrames) {
				this.#rotate();
			}
		}
	}

	/** The finished chunks on disk now, oldest first. */
	storedChunks(): string[] {
		return this.#chunks.map(chunk => chunk.path);
	}

	pieces(): readonly AudioPiece[] {
		const pieces = this.#chunks.map(chunkPiece);
		const current = this.#current;
		if (current !== undefined && current.writer.frames > 0) {
			const {writer, stream} = current;
			pieces.push({
				startTime: writer.options.startTime,
				sampleRate: stream.sampleRate,
				channels: stream.channels,
				frames: writer.frames,
				// A part whose encoder has not flushed its header yet cannot be decoded: it holds nothing
				// readable yet, and the caller answers "still being written" for what is missing.
				read: async (offset, count) => decodeRange(writer.partPath, stream, offset, count).catch(() => new Float32Array(0)),
			});
		}
		return pieces;
	}

	/** Finishes the chunk being written (it is kept, not left as a part) and stops. Idempotent. */
	async dispose(): Promise<void> {
		this.#disposed ??= (async () => {
			clearInterval(this.#timer);
			this.#rotate();
			await Promise.allSettled(this.#finishing);
			this.#listeners.clear();
		})();
		return this.#disposed;
	}

	#open(stream: AudioStream, firstFrame: Frames): Current {
		const writer = new ChunkWriter({
			root: this.options.root,
			format: this.options.format,
			sampleRate: stream.sampleRate,
			channels: stream.channels,
			startTime: stream.axis.frameTime(firstFrame),
			opusKbps: this.options.opusKbps,
		});
		this.#current = {writer, stream, firstFrame};
		return this.#current;
	}

	/** Ends the current chunk: it is finished in the background while the next one starts. */
	#rotate(): void {
		const current = this.#current;
		this.#current = undefined;
		if (current === undefined) {
			return;
		}
		const finishing = this.#finish(current).finally(() => this.#finishing.delete(finishing));
		this.#finishing.add(finishing);
	}

	async #finish({writer}: Current): Promise<void> {
		if (writer.frames === 0) {
			await writer.abort();
			return;
		}
		try {
			const chunk = await writer.finish();
			this.#chunks.push({...writer.options, path: chunk.path, frames: chunk.frames, bytes: chunk.bytes});
			this.options.onChunk?.(chunk);
		} catch (error) {
			this.#pause('error', `could not finish ${writer.partPath}: ${error instanceof Error ? error.message : String(error)} (it is repaired at the next start)`);
		}
		await this.#retain();
	}

	async #retain(): Promise<void> {
		const {deleted} = await applyRetention(this.options.root, this.#chunks, {
			maxAgeMs: this.options.maxAgeHours * 3_600_000,
			maxBytes: this.options.maxBytes,
			mayDelete: this.options.mayDelete ?? (() => true),
		});
		// Chunks finished while retention ran are kept in the index too.
		const gone = new Set(deleted.map(chunk => chunk.path));
		this.#chunks = this.#chunks.filter(chunk => !gone.has(chunk.path));
		this.#publish();
	}

	async #checkSpace(): Promise<void> {
		try {
			this.#freeBytes = await freeBytes(this.options.root);
		} catch (error) {
			this.#pause('error', `cannot read the free space of ${this.options.root}: ${(error as Error).message}`);
			return;
		}
		const free = this.#freeBytes;
		const floor = this.options.minFreeBytes;
		if (free < floor && this.#pauseKind !== 'space') {
			this.#pause('space', `only ${megabytes(free)} free on the disk of ${this.options.root} (the floor is ${megabytes(floor)}): free some space; the ring and captures go on`);
			this.#rotate();
		} else if (this.#pauseKind === 'space' && free >= floor * resumeMargin) {
			this.#resume(`${megabytes(free)} free again`);
		} else if (this.#pauseKind === 'error' && Date.now() - this.#pausedAt >= retryAfterErrorMs && free >= floor) {
			this.#resume('trying again after the error');
		}
		this.#publish();
	}

	#pause(kind: 'space' | 'error', reason: string): void {
		if (this.#pausedReason === reason) {
			return;
		}
		this.#pausedReason = reason;
		this.#pauseKind = kind;
		this.#pausedAt = Date.now();
		this.options.log(`persistence paused: ${reason}`);
		this.#publish();
	}

	#resume(why: string): void {
		this.#pausedReason = undefined;
		this.#pauseKind = undefined;
		this.options.log(`persistence resumed: ${why}`);
		this.#publish();
	}

	#publish(): void {
		this.#snapshot = this.#buildSnapshot();
		for (const listener of this.#listeners) {
			listener();
		}
	}

	#buildSnapshot(): PersistStatus {
		const chunks = this.#chunks;
		const current = this.#current;
		const seconds = chunks.reduce((sum, chunk) => sum + chunk.frames / chunk.sampleRate, 0) + (current ? current.writer.frames / current.stream.sampleRate : 0);
		return {
			state: this.#pausedReason === undefined ? 'persisting' : 'paused',
			reason: this.#pausedReason,
			root: this.options.root,
			format: this.options.format,
			seconds,
			bytes: chunks.reduce((sum, chunk) => sum + chunk.bytes, 0),
			chunks: chunks.length,
			oldest: chunks[0] === undefined ? undefined : new Date(chunks[0].startTime).toISOString(),
			freeBytes: this.#freeBytes,
			skippedFrames: this.#skipped,
		};
	}
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
