import {readFile, unlink, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {isProcessAlive, processStat} from '../util/process-alive.js';

/**
 * A marker that a live process has a session open, so a second omega13's start-up repair leaves a
 * recording in progress alone instead of "recovering" it under the writer's feet.
 */

export const lockFile = '.omega13.lock';

type LockOwner = {
	readonly pid: number;
	/** Process start time (clock ticks since boot, from /proc), so a reused pid is not taken for us. */
	readonly start: string | undefined;
};

const self = (): LockOwner => ({pid: process.pid, start: processStat(process.pid)?.start});

/** Marks `dir` as open by this process. */
export const acquireSessionLock = async (dir: string): Promise<void> => {
	await writeFile(path.join(dir, lockFile), `${JSON.stringify(self())}\n`, {mode: 0o600});
};

/** Removes the mark if it is still ours. */
export const releaseSessionLock = async (dir: string): Promise<void> => {
	const owner = await readOwner(dir);
	if (owner?.pid === process.pid) {
		await unlink(path.join(dir, lockFile)).catch(() => undefined);
	}
};

/** The pid of another live process that has `dir` open, if any. */
export const sessionLockHolder = async (dir: string): Promise<number | undefined> => {
	const owner = await readOwner(dir);
	if (owner === undefined || owner.pid === process.pid || !alive(owner)) {
		return undefined;
	}
	return owner.pid;
};

/** Removes a lock whose process is gone. */
export const clearStaleSessionLock = async (dir: string): Promise<void> => {
	const owner = await readOwner(dir);
	if (owner !== undefined && owner.pid !== process.pid && !alive(owner)) {
		await unlink(path.join(dir, lockFile)).catch(() => undefined);
	}
};

const readOwner = async (dir: string): Promise<LockOwner | undefined> => {
	let text: string;
	try {
		text = await readFile(path.join(dir, lockFile), 'utf8');
	} catch {
		return undefined;
	}
	try {
		const value = JSON.parse(text) as Partial<LockOwner>;
		return typeof value.pid === 'number' && Number.isInteger(value.pid) && value.pid > 0
			? {pid: value.pid, start: typeof value.start === 'string' ? value.start : undefined}
			: undefined;
	} catch {
		return undefined;
	}
};

/** Its process runs (a zombie left by kill -9 does not count) and is the one that wrote the lock. */
const alive = (owner: LockOwner): boolean => {
	if (!isProcessAlive(owner.pid)) {
		return false;
	}
	const start = processStat(owner.pid)?.start;
	return owner.start === undefined || start === undefined || start === owner.start;
};
