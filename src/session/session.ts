import {readdirSync} from 'node:fs';
import {chmod, mkdir, readFile, rm} from 'node:fs/promises';
import path from 'node:path';
import {writeJsonAtomic} from './atomic-write.js';
import {Keep} from './keep-mode.js';
import {acquireSessionLock, releaseSessionLock} from './session-lock.js';
import {readTranscriptTexts} from './session-transcript.js';
import {
	freezeManifest,
	manifestFile,
	manifestForDisk,
	manifestVersion,
	parseManifest,
	sortCaptures,
	validateCaptureRecord,
	type CaptureRecord,
	type SessionManifest,
} from './session-manifest.js';

export type SessionCreateOptions = {
	/** The session's creation time, which also names its directory. @default new Date() */
	readonly now?: Date;
	/** `transcript`: recorded in the manifest, so every later run deletes this session's audio once transcribed. @default audio */
	readonly keep?: Keep;
};

/** A capture slot handed out by `nextCapture`. */
export type NextCapture = {
	readonly index: number;
	/** File name in the session directory, e.g. `001.wav`. */
	readonly file: string;
	/** Absolute path. */
	readonly path: string;
};

/** The parts of a record `updateCapture` may change (the index and file name are fixed). */
/** `file` may change once: when the WAV is replaced by its FLAC or Opus encoding. */
export type CapturePatch = Partial<Omit<CaptureRecord, 'index'>>;

/**
 * A session directory: numbered capture files and `session.json`. A plain store outside React: every
 * change replaces the manifest snapshot (never mutates it), tells subscribers, and saves it atomically,
 * so a UI can read it with `useSyncExternalStore(session.subscribe, session.getSnapshot)`.
 */
export class Session {
	readonly dir: string;
	readonly id: string;
	readonly #manifestPath: string;
	readonly #listeners = new Set<() => void>();
	/** Numbers handed out by `nextCapture` that may not be in the manifest yet. */
	readonly #reserved = new Set<number>();
	#manifest: SessionManifest;
	#saving: Promise<void> = Promise.resolve();
	#disposed: Promise<void> | undefined;

	private constructor(dir: string, manifest: SessionManifest) {
		this.dir = dir;
		this.id = manifest.id;
		this.#manifest = manifest;
		this.#manifestPath = path.join(dir, manifestFile);
	}

	/**
	 * Makes `rootDir` if it is missing (mode 0700; an existing one is left as it is) and a new session
	 * directory in it named for the local time, `YYYY-MM-DD_HH-MM-SS` (with `-2`, `-3`, ... if taken),
	 * mode 0700, with its manifest.
	 */
	static async create(rootDir: string, options: SessionCreateOptions = {}): Promise<Session> {
		if (typeof rootDir !== 'string' || rootDir.length === 0) {
			throw new TypeError('Session.create: rootDir must be a non-empty string');
		}
		const now = options.now ?? new Date();
		if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
			throw new TypeError('Session.create: now must be a valid Date');
		}
		const root = path.resolve(rootDir);
		await mkdir(root, {recursive: true, mode: 0o700});
		const base = sessionDirName(now);
		let id = base;
		for (let suffix = 2; ; suffix++) {
			try {
				await mkdir(path.join(root, id), {mode: 0o700});
				break;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
					throw error;
				}
				id = `${base}-${suffix}`;
			}
		}
		const dir = path.join(root, id);
		// mkdir's mode passes through the umask; make sure no group/other bits survive an odd one.
		await chmod(dir, 0o700);
		const keep = options.keep === Keep.transcript ? {keep: Keep.transcript} : {};
		const session = new Session(dir, freezeManifest({version: manifestVersion, id, createdAt: now.toISOString(), ...keep, captures: []}));
		await acquireSessionLock(dir);
		await session.#save();
		return session;
	}

	/**
	 * Opens an existing session. Throws a `ManifestError` if `session.json` is unreadable (run
	 * `repairSessions` to set it aside and rebuild it).
	 */
	static async open(dir: string): Promise<Session> {
		if (typeof dir !== 'string' || dir.length === 0) {
			throw new TypeError('Session.open: dir must be a non-empty string');
		}
		const resolved = path.resolve(dir);
		const manifestPath = path.join(resolved, manifestFile);
		const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
		await acquireSessionLock(resolved);
		try {
			return new Session(resolved, freezeManifest(await readTranscriptTexts(resolved, manifest)));
		} catch (error) {
			await releaseSessionLock(resolved);
			throw error;
		}
	}

	/** The current manifest (an immutable snapshot). */
	get manifest(): SessionManifest {
		return this.#manifest;
	}

	/** For `useSyncExternalStore`: bound, so it can be passed as is. */
	readonly getSnapshot = (): SessionManifest => this.#manifest;

	/** For `useSyncExternalStore`: bound; returns the unsubscribe function. */
	readonly subscribe = (listener: () => void): (() => void) => {
		if (typeof listener !== 'function') {
			throw new TypeError('Session.subscribe: listener must be a function');
		}
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	};

	/**
	 * Reserves the next capture number: one above every number in the manifest, on disk (any `NNN.*`
	 * file) or handed out before, so a number is never reused even after files were deleted.
	 */
	nextCapture(extension = 'wav'): NextCapture {
		if (typeof extension !== 'string' || !/^[a-z\d]+$/i.test(extension)) {
			throw new TypeError(`Session.nextCapture: extension must be letters and digits, got ${String(extension)}`);
		}
		let highest = 0;
		for (const capture of this.#manifest.captures) {
			highest = Math.max(highest, capture.index);
		}
		for (const index of this.#reserved) {
			highest = Math.max(highest, index);
		}
		// Synchronous, but a session directory holds a handful of entries and this runs once per trigger.
		for (const name of readdirSync(this.dir)) {
			const index = captureIndexOf(name);
			if (index !== undefined) {
				highest = Math.max(highest, index);
			}
		}
		const index = highest + 1;
		this.#reserved.add(index);
		const file = `${captureNumber(index)}.${extension}`;
		return {index, file, path: path.join(this.dir, file)};
	}

	/** Adds a capture's record and saves the manifest. */
	async addCapture(record: CaptureRecord): Promise<void> {
		this.#assertOpen('addCapture');
		const valid = validateCaptureRecord(record, 'Session.addCapture');
		if (this.#manifest.captures.some((capture) => capture.index === valid.index)) {
			throw new Error(`Session.addCapture: capture ${valid.index} is already in ${this.id}`);
		}
		this.#reserved.add(valid.index);
		this.#publish({...this.#manifest, captures: sortCaptures([...this.#manifest.captures, valid])});
		await this.#save();
	}

	/** Changes fields of a capture's record (a field set to `undefined` is removed) and saves the manifest. */
	async updateCapture(index: number, patch: CapturePatch): Promise<void> {
		this.#assertOpen('updateCapture');
		const old = this.#manifest.captures.find((capture) => capture.index === index);
		if (old === undefined) {
			throw new Error(`Session.updateCapture: no capture ${index} in ${this.id}`);
		}
		if (typeof patch !== 'object' || patch === null) {
			throw new TypeError('Session.updateCapture: patch must be an object');
		}
		// Only the extension may change (001.wav -> 001.flac): the name ties the audio to its transcript files.
		const stem = (name: string): string => path.parse(name).name;
		if (patch.file !== undefined && (typeof patch.file !== 'string' || path.basename(patch.file) !== patch.file || stem(patch.file) !== stem(old.file))) {
			throw new TypeError(`Session.updateCapture: file may only change its extension (${old.file}), got ${String(patch.file)}`);
		}
		const merged = validateCaptureRecord({...old, ...patch, index: old.index, file: patch.file ?? old.file}, 'Session.updateCapture');
		this.#publish({
			...this.#manifest,
			captures: this.#manifest.captures.map((capture) => (capture.index === index ? merged : capture)),
		});
		await this.#save();
	}

	/**
	 * Drops a finished capture: its audio file goes, then its record (a voice capture that held too little
	 * speech to keep). Its number is not handed out again.
	 */
	async removeCapture(index: number): Promise<void> {
		this.#assertOpen('removeCapture');
		const record = this.#manifest.captures.find((capture) => capture.index === index);
		if (record === undefined) {
			throw new Error(`Session.removeCapture: no capture ${index} in ${this.id}`);
		}
		if (record.state === 'recording') {
			throw new Error(`Session.removeCapture: capture ${index} is still recording`);
		}
		await rm(path.join(this.dir, record.file), {force: true});
		this.#publish({...this.#manifest, captures: this.#manifest.captures.filter((capture) => capture.index !== index)});
		await this.#save();
	}

	/** Waits for pending manifest writes and releases the session. Idempotent. */
	dispose(): Promise<void> {
		this.#disposed ??= (async () => {
			await this.#saving.catch(() => undefined);
			await releaseSessionLock(this.dir);
			this.#listeners.clear();
		})();
		return this.#disposed;
	}

	#assertOpen(caller: string): void {
		if (this.#disposed !== undefined) {
			throw new Error(`Session.${caller}: session ${this.id} is disposed`);
		}
	}

	#publish(manifest: SessionManifest): void {
		this.#manifest = freezeManifest(manifest);
		for (const listener of [...this.#listeners]) {
			listener();
		}
	}

	#save(): Promise<void> {
		const saving = writeJsonAtomic(this.#manifestPath, manifestForDisk(this.#manifest));
		// `dispose` waits for the latest save; the atomic writer already orders them and writes the newest.
		this.#saving = saving;
		return saving;
	}
}

/** `2025-11-23_14-05-09` in local time. */
export const sessionDirName = (date: Date): string => {
	const two = (value: number): string => String(value).padStart(2, '0');
	return (
		`${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}` +
		`_${two(date.getHours())}-${two(date.getMinutes())}-${two(date.getSeconds())}`
	);
};

/** `001` for 1; wider past 999. */
export const captureNumber = (index: number): string => String(index).padStart(3, '0');

/** The capture number of a file name like `007.wav` or `007.txt`. */
export const captureIndexOf = (name: string): number | undefined => {
	const match = /^(\d{3,})\.[a-z\d]+$/i.exec(name);
	return match === null ? undefined : Number(match[1]);
};
