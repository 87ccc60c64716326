import {open, readFile, unlink} from 'node:fs/promises';
import {setTimeout as delay} from 'node:timers/promises';
import {isProcessAlive} from '../util/process-alive.js';

/**
 * A lock file for the whisper.cpp build, so two omega13 processes (the TUI's first transcription and an
 * `omega13 setup` in another terminal, or two test files) never run make in the same directory at once.
 * The file holds the owner's pid; a lock whose process is gone is taken over.
 */
export type BuildLock = {
	/** Removes the lock file. Idempotent. */
	readonly dispose: () => Promise<void>;
};

export type AcquireOptions = {
	/** Told once, when another live process holds the lock and we start waiting. */
	readonly onWait?: (pid: number) => void;
	readonly signal?: AbortSignal;
	/** @default 50 */
	readonly pollMs?: number;
};

export const acquireBuildLock = async (lockPath: string, options: AcquireOptions = {}): Promise<BuildLock> => {
	const {onWait, signal, pollMs = 50} = options;
	let told = false;
	for (;;) {
		signal?.throwIfAborted();
		try {
			const file = await open(lockPath, 'wx', 0o600);
			try {
				await file.writeFile(`${process.pid}\n`);
			} finally {
				await file.close();
			}
			let released = false;
			return {
				dispose: async () => {
					if (!released) {
						released = true;
						await unlink(lockPath).catch(() => undefined);
					}
				},
			};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw error;
			}
		}
		const pid = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
		// Our own pid means another build in this process: wait for it like any other.
		if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || isProcessAlive(pid))) {
			if (!told) {
				told = true;
				onWait?.(pid);
			}
			await delay(pollMs, undefined, {signal});
			continue;
		}
		// The owner died: take the lock over. An empty file may be one its owner is still writing, so
		// give that owner a moment first.
		if (Number.isNaN(pid)) {
			await delay(pollMs, undefined, {signal});
			const again = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
			if (Number.isInteger(again) && again > 0) {
				continue;
			}
		}
		await unlink(lockPath).catch(() => undefined);
	}
};
