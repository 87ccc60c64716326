import {readFileSync} from 'node:fs';
import {readFile, unlink, writeFile} from 'node:fs/promises';
import path from 'node:path';

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

const processStart = (pid: number): string | undefined => {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) may contain spaces and parentheses; fields resume after the last ')'.
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
};

const self = (): LockOwner => ({pid: process.pid, start: processStart(process.pid)});

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

const alive = (owner: LockOwner): boolean => {
	try {
		process.kill(owner.pid, 0);
	} catch (error) {
		// EPERM: it exists but belongs to someone else, which still means alive.
		if ((error as NodeJS.ErrnoException).code !== 'EPERM') {
			return false;
		}
	}
	const start = processStart(owner.pid);
	return owner.start === undefined || start === undefined || start === owner.start;
};
