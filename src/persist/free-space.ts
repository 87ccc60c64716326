import {statfs} from 'node:fs/promises';

/** Bytes an unprivileged process may still write on the file system holding `dir`. */
export const freeBytes = async (dir: string): Promise<number> => {
	const info = await statfs(dir);
	return info.bavail * info.bsize;
};
