import {open, rename, unlink} from 'node:fs/promises';
import path from 'node:path';
import {syncDirectory} from '../util/sync-directory.js';

type Pending = {
	content: string;
	readonly waiters: Array<{resolve: () => void; reject: (error: unknown) => void}>;
};

type Target = {
	/** The content queued behind the write in progress; a newer request replaces it. */
	next: Pending | undefined;
};

/** Targets with a write in progress, by absolute path. */
const targets = new Map<string, Target>();
let tempCounter = 0;

/**
 * Replaces `target` with `content` so that a reader (or a crash) sees either the old file or the new one,
 * never a mix: a temp file (mode 0600) in the same directory, fsync, rename over the target, fsync the
 * directory. Writes to one target run one at a time; requests that arrive while one runs collapse into
 * a single write of the latest content, and each resolves once content at least that new is durable.
 */
export const writeFileAtomic = (target: string, content: string): Promise<void> => {
	if (typeof target !== 'string' || target.length === 0) {
		return Promise.reject(new TypeError('writeFileAtomic: target must be a non-empty string'));
	}
	if (typeof content !== 'string') {
		return Promise.reject(new TypeError('writeFileAtomic: content must be a string'));
	}
	const key = path.resolve(target);
	return new Promise((resolve, reject) => {
		const running = targets.get(key);
		if (running !== undefined) {
			running.next ??= {content, waiters: []};
			running.next.content = content;
			running.next.waiters.push({resolve, reject});
			return;
		}
		const state: Target = {next: {content, waiters: [{resolve, reject}]}};
		targets.set(key, state);
		void drain(key, state);
	});
};

/** `writeFileAtomic` of `value` as tab-indented JSON with a final newline. */
export const writeJsonAtomic = (target: string, value: unknown): Promise<void> =>
	writeFileAtomic(target, `${JSON.stringify(value, undefined, '\t')}\n`);

const drain = async (key: string, state: Target): Promise<void> => {
	while (state.next !== undefined) {
		const {content, waiters} = state.next;
		state.next = undefined;
		try {
			await replace(key, content);
			for (const waiter of waiters) {
				waiter.resolve();
			}
		} catch (error) {
			for (const waiter of waiters) {
				waiter.reject(error);
			}
		}
	}
	targets.delete(key);
};

const replace = async (target: string, content: string): Promise<void> => {
	const dir = path.dirname(target);
	const temp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${++tempCounter}`);
	const file = await open(temp, 'wx', 0o600);
	try {
		try {
			await file.writeFile(content, 'utf8');
			await file.sync();
		} finally {
			await file.close();
		}
		await rename(temp, target);
	} catch (error) {
		await unlink(temp).catch(() => undefined);
		throw error;
	}
	await syncDirectory(dir);
};
