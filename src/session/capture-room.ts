import {open, unlink} from 'node:fs/promises';
import {join} from 'node:path';
import {CaptureRefusedError} from '../engine/capture-sink.js';
import {fileSizeLimit, freeBytes} from '../util/free-space.js';
import type {Seconds} from '../util/units.js';

/**
 * Space set aside in the session directory so that, when a capture fills the disk, its record in
 * `session.json` can still be written (an atomic rewrite needs room for a second copy).
 */
export const reserveFile = '.omega13-reserve';
const reserveBytes = 256 * 1024;
/** A capture must have room for its pre-roll and this much live audio to start. */
const minimumLiveSeconds = 2;

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** Why a write failed, in a few words, as a capture's `ended`. */
export const endedBy = (code: string): string => {
	switch (code) {
		case 'ENOSPC': {
			return 'disk full';
		}
		case 'EDQUOT': {
			return 'disk quota exceeded';
		}
		case 'EFBIG': {
			return 'file too large';
		}
		default: {
			return `write error ${code}`;
		}
	}
};

/** What to do about it. */
export const endedAdvice = (code: string, dir: string): string =>
	code === 'EFBIG'
		? 'the file size limit (ulimit -f) is reached: raise it and restart omega13'
		: `free some space in ${dir}; the ring keeps running and the next capture starts once there is room`;

/**
 * The room a capture has, by the free space and the file size limit (`ulimit -f`), and the reserve kept
 * in the current session directory (a hidden file, like the session's lock).
 */
export class CaptureRoom {
	readonly #root: string;
	/** The reserve file, while one is set aside. */
	#reserve: string | undefined;

	constructor(sessionsRoot: string) {
		this.#root = sessionsRoot;
	}

	/** Refuses a capture (CaptureRefusedError) without room for its pre-roll and a moment of live audio beside the reserve. */
	async check(prerollBytes: number, bytesPerSecond: number): Promise<void> {
		const needed = prerollBytes + minimumLiveSeconds * bytesPerSecond;
		const free = (await freeBytes(this.#root)) - (this.#reserve === undefined ? reserveBytes : 0);
		const perSecond = `${megabytes(bytesPerSecond)} a second`;
		if (free < needed) {
			throw new CaptureRefusedError(
				`disk full: ${megabytes(Math.max(0, free))} free in ${this.#root}, a capture needs ${megabytes(needed)} to start (${perSecond}); free some space, then try again`,
			);
		}
		const limit = await fileSizeLimit();
		if (limit !== undefined && limit < needed) {
			throw new CaptureRefusedError(
				`the file size limit (ulimit -f) is ${megabytes(limit)}, a capture needs ${megabytes(needed)} to start (${perSecond}); raise it and restart omega13`,
			);
		}
	}

	/** Sets the reserve aside in `dir` (the session the capture goes to), moving it there from an older one. */
	async keepIn(dir: string): Promise<void> {
		const reserve = join(dir, reserveFile);
		if (this.#reserve === reserve) {
			return;
		}
		await this.release();
		const file = await open(reserve, 'wx', 0o600).catch(() => undefined);
		if (!file) {
			return;
		}
		try {
			// Written, not sized: a sparse file would hold no blocks to give back.
			await file.write(Buffer.alloc(reserveBytes));
			await file.sync();
			this.#reserve = reserve;
		} catch {
			// Lost the room in between: the next check says so.
			await unlink(reserve).catch(() => undefined);
		} finally {
			await file.close().catch(() => undefined);
		}
	}

	/** How long a capture of `fileBytes` so far can go on, by free space and the file size limit. */
	async secondsLeft(fileBytes: number, bytesPerSecond: number): Promise<Seconds> {
		const [free, limit] = await Promise.all([freeBytes(this.#root), fileSizeLimit()]);
		const room = Math.min(free, limit === undefined ? Number.POSITIVE_INFINITY : limit - fileBytes);
		return Math.max(0, room) / bytesPerSecond;
	}

	/** Gives the reserve back to the disk: a capture filled it and its record must still be written, or we quit. Idempotent. */
	async release(): Promise<void> {
		const reserve = this.#reserve;
		this.#reserve = undefined;
		if (reserve !== undefined) {
			await unlink(reserve).catch(() => undefined);
		}
	}
}
