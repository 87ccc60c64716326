import {existsSync} from 'node:fs';
import {mkdir, readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import type {S3Client} from '@aws-sdk/client-s3';
import type {ArchiveTarget} from './archive-target.js';
import {plainText} from '../util/plain-text.js';
import {UploadJournal} from './upload-journal.js';

export type ArchiverOptions = {
	readonly target: ArchiveTarget;
	/** An S3-compatible endpoint (MinIO, R2, s3rver); AWS itself when undefined. */
	readonly endpoint?: string;
	/** The persistence root: keys are the chunks' paths under it, after the prefix. */
	readonly root: string;
	/** The sessions folder, when captures are archived too: their keys are `sessions/` + their path under it. */
	readonly sessionsRoot?: string;
	/** The journal file (0600). */
	readonly journalPath: string;
	readonly log: (line: string) => void;
	/** First retry delay; it doubles up to `maxBackoffMs`. @default 1000 */
	readonly backoffMs?: number;
	/** @default 60000 */
	readonly maxBackoffMs?: number;
};

/** What the archive is doing, for /status and the TUI. */
export type ArchiveStatus = {
	readonly target: string;
	readonly uploaded: number;
	readonly pending: number;
	/** The error of the last failed attempt while uploads are failing. */
	readonly failing: string | undefined;
};

/**
 * Uploads closed chunks (and, when asked, settled captures with their transcripts) to S3-compatible storage with the AWS SDK v3, credentials from the standard AWS
 * chain (environment, profile, instance role: never stored by omega13). One upload at a time, oldest
 * first; a failure is retried with exponential backoff until it works. Each chunk is uploaded once:
 * the journal records it durably, and a chunk the journal does not know is first looked up (HEAD), so a
 * crash between the upload and the journal does not upload it again.
 */
export class Archiver {
	readonly #options: ArchiverOptions;
	readonly #journal: UploadJournal;
	readonly #client: S3Client;
	/** Journal ids (a chunk's path under the root, or `sessions/...`) in upload order. */
	readonly #queue: string[] = [];
	readonly #queued = new Set<string>();
	#failing: string | undefined;
	#running: Promise<void> | undefined;
	#abort = new AbortController();
	#wake: (() => void) | undefined;
	#disposed = false;
	readonly #listeners = new Set<() => void>();
	#snapshot: ArchiveStatus;

	private constructor(options: ArchiverOptions, journal: UploadJournal, client: S3Client) {
		this.#options = options;
		this.#journal = journal;
		this.#client = client;
		this.#snapshot = this.#buildSnapshot();
	}

	/** Opens the journal and the client (the SDK is loaded only when archiving is on). */
	static async start(options: ArchiverOptions): Promise<Archiver> {
		// Archiving captures alone (no --persist) has no persistence folder yet: the journal lives there.
		await mkdir(path.dirname(options.journalPath), {recursive: true, mode: 0o700});
		const journal = await UploadJournal.open(options.journalPath);
		const {S3Client} = await import('@aws-sdk/client-s3');
		const client = new S3Client({
			region: process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
			...(options.endpoint === undefined ? {} : {endpoint: options.endpoint, forcePathStyle: true}),
			// Our own backoff retries forever; the SDK's covers a blip within one attempt.
			maxAttempts: 2,
			// Checksums only where S3 requires them: S3-compatible servers differ in the newer ones.
			requestChecksumCalculation: 'WHEN_REQUIRED',
			responseChecksumValidation: 'WHEN_REQUIRED',
		});
		return new Archiver(options, journal, client);
	}

	subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	getSnapshot = (): ArchiveStatus => this.#snapshot;

	/** Whether retention may delete `file`: only once it is uploaded. */
	isArchived = (file: string): boolean => this.#journal.has(this.#relative(file));

	/** Queues a closed chunk (again: a chunk already uploaded or queued is skipped). */
	add(file: string): void {
		this.#enqueue(this.#relative(file));
	}

	/**
	 * Queues the files of a settled capture (its audio in its final format and its transcript files),
	 * under `sessions/SESSION/`; files uploaded before are skipped.
	 */
	addCapture(files: readonly string[]): void {
		const {sessionsRoot} = this.#options;
		if (sessionsRoot === undefined) {
			return;
		}
		for (const file of files) {
			this.#enqueue(`${capturesFolder}/${path.relative(sessionsRoot, file).split(path.sep).join('/')}`);
		}
	}

	/** Whether any file of this session folder has been uploaded (the sessions that are being archived). */
	hasSession(sessionDir: string): boolean {
		const {sessionsRoot} = this.#options;
		return sessionsRoot !== undefined && this.#journal.hasUnder(`${capturesFolder}/${path.relative(sessionsRoot, sessionDir)}/`);
	}

	#enqueue(relative: string): void {
		if (this.#disposed || this.#journal.has(relative) || this.#queued.has(relative)) {
			return;
		}
		this.#queued.add(relative);
		this.#queue.push(relative);
		this.#publish();
		this.#running ??= this.#run().finally(() => {
			this.#running = undefined;
		});
	}

	/** Stops after the upload in progress is abandoned (it is done again at the next start). Idempotent. */
	async dispose(): Promise<void> {
		this.#disposed = true;
		this.#abort.abort();
		this.#wake?.();
		await this.#running;
		this.#client.destroy();
		this.#listeners.clear();
	}

	async #run(): Promise<void> {
		const {backoffMs = 1000, maxBackoffMs = 60_000} = this.#options;
		let delay = backoffMs;
		while (!this.#disposed && this.#queue.length > 0) {
			const relative = this.#queue[0]!;
			try {
				await this.#upload(relative);
				this.#queue.shift();
				this.#queued.delete(relative);
				if (this.#failing !== undefined) {
					this.#options.log(`archive: uploads work again (${this.#queue.length} waiting)`);
					this.#failing = undefined;
				}
				delay = backoffMs;
				this.#publish();
			} catch (error) {
				if (this.#disposed) {
					return;
				}
				if (error instanceof LocalFileGone) {
					// Deleted locally before it could be uploaded (a user, or --keep transcript: retention waits).
					this.#queue.shift();
					this.#queued.delete(relative);
					this.#publish();
					continue;
				}
				const message = describeError(error);
				if (this.#failing === undefined) {
					this.#options.log(`archive: cannot upload ${relative}: ${message}; retrying with backoff (chunks stay on disk until uploaded)`);
				}
				this.#failing = message;
				this.#publish();
				await this.#sleep(delay * (0.75 + Math.random() / 2));
				delay = Math.min(maxBackoffMs, delay * 2);
			}
		}
	}

	async #upload(relative: string): Promise<void> {
		const {HeadObjectCommand, PutObjectCommand} = await import('@aws-sdk/client-s3');
		const {bytes, body} = await readChunk(this.#pathOf(relative));
		const key = `${this.#options.target.prefix}${relative.split(path.sep).join('/')}`;
		const bucket = this.#options.target.bucket;
		const signal = this.#abort.signal;
		if (!(await this.#exists(bucket, key, bytes, HeadObjectCommand))) {
			await this.#client.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: bytes === 0 ? emptyBody : body, ContentLength: bytes, ContentType: contentType(relative)}), {abortSignal: signal});
		}
		await this.#journal.add({file: relative, key, bytes, at: new Date().toISOString()});
		await this.#journal.compact(entry => existsSync(this.#pathOf(entry)));
	}

	/** The object is there already with our size: uploaded before a crash kept the journal from saying so. */
	async #exists(bucket: string, key: string, bytes: number, HeadObjectCommand: typeof import('@aws-sdk/client-s3').HeadObjectCommand): Promise<boolean> {
		try {
			const head = await this.#client.send(new HeadObjectCommand({Bucket: bucket, Key: key}), {abortSignal: this.#abort.signal});
			return head.ContentLength === bytes;
		} catch (error) {
			const status = (error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode;
			if (status === 404) {
				return false;
			}
			throw error;
		}
	}

	async #sleep(ms: number): Promise<void> {
		await new Promise<void>(resolve => {
			const timer = setTimeout(resolve, ms);
			this.#wake = () => {
				clearTimeout(timer);
				resolve();
			};
		});
		this.#wake = undefined;
	}

	/** The local file of a journal id. */
	#pathOf(relative: string): string {
		const {root, sessionsRoot} = this.#options;
		return sessionsRoot !== undefined && relative.startsWith(`${capturesFolder}/`)
			? path.join(sessionsRoot, relative.slice(capturesFolder.length + 1))
			: path.join(root, relative);
	}

	#relative(file: string): string {
		return path.relative(this.#options.root, path.resolve(this.#options.root, file));
	}

	#publish(): void {
		this.#snapshot = this.#buildSnapshot();
		for (const listener of this.#listeners) {
			listener();
		}
	}

	#buildSnapshot(): ArchiveStatus {
		const {bucket, prefix} = this.#options.target;
		return {target: `s3://${bucket}/${prefix}`, uploaded: this.#journal.size, pending: this.#queue.length, failing: this.#failing};
	}
}

/**
 * Captures' keys begin with this; chunks' keys begin with their format's or day's folder, so the two
 * never meet.
 */
const capturesFolder = 'sessions';

/** An empty file (a transcript of silence) goes as '': the SDK waits forever on an empty Buffer body. */
const emptyBody = '';

class LocalFileGone extends Error {}

const readChunk = async (file: string): Promise<{bytes: number; body: Buffer}> => {
	const body = await readFile(file).catch((error: unknown) => {
		throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new LocalFileGone(file) : error;
	});
	const {size} = await stat(file);
	if (size !== body.length) {
		throw new Error(`${file} changed while it was read`);
	}
	return {bytes: size, body};
};

const contentType = (file: string): string =>
	file.endsWith('.opus') ? 'audio/ogg' : file.endsWith('.flac') ? 'audio/flac' : file.endsWith('.wav') ? 'audio/wav' : 'application/octet-stream';

/** The SDK's error, as said by the server: stripped before it reaches a log or the screen. */
const describeError = (error: unknown): string => {
	const name = (error as {name?: string}).name;
	const message = error instanceof Error ? error.message : String(error);
	return plainText(name !== undefined && name !== 'Error' && !message.includes(name) ? `${name}: ${message}` : message);
};
