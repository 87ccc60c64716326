import {readFile, statfs} from 'node:fs/promises';

/** Bytes an unprivileged process may still write on the file system holding `dir`. */
export const freeBytes = async (dir: string): Promise<number> => {
	const info = await statfs(dir);
	return info.bavail * info.bsize;
};

/**
 * The largest file this process may write (`ulimit -f`), or undefined when unlimited. Linux only
 * (/proc/self/limits); elsewhere undefined: a write past the limit still fails with EFBIG and is reported.
 */
export const fileSizeLimit = async (): Promise<number | undefined> => {
	const limits = await readFile('/proc/self/limits', 'utf8').catch(() => '');
	const soft = /^Max file size\s+(\S+)/m.exec(limits)?.[1];
	return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
};
