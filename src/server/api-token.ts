import {randomBytes} from 'node:crypto';
import {chmod, lstat, open, readFile, rename, unlink} from 'node:fs/promises';
import path from 'node:path';
import {syncDirectory} from '../util/sync-directory.js';

/** The token file's name in the config directory. */
export const tokenFileName = 'api-token';

/** `<configDir>/api-token`. */
export const tokenPath = (configDir: string): string => path.join(configDir, tokenFileName);

/** 32 random bytes, base64url: 43 characters a shell passes without quoting. */
const newToken = (): string => randomBytes(32).toString('base64url');
const tokenPattern = /^[\w-]{32,256}$/;

/**
 * The API's bearer token: read from `<configDir>/api-token`, or created there (mode 0600, written whole
 * and renamed into place) on first use. A file others can read is tightened to 0600 (it is ours:
 * `configDir` is a private directory); a file that holds no token is an error that names the fix.
 */
export const loadOrCreateToken = async (configDir: string): Promise<string> => {
	const file = tokenPath(configDir);
	try {
		const info = await lstat(file);
		if (!info.isFile()) {
			throw new Error(`${file} is not a regular file: remove it, and a new token is made at the next start`);
		}
		if ((info.mode & 0o077) !== 0) {
			await chmod(file, 0o600);
		}
		const token = (await readFile(file, 'utf8')).trim();
		if (!tokenPattern.test(token)) {
			throw new Error(`${file} does not hold a token (32 to 256 letters, digits, "-" or "_"): remove it, and a new one is made at the next start`);
		}
		return token;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw error;
		}
	}
	const token = newToken();
	const temp = `${file}.tmp-${process.pid}`;
	const handle = await open(temp, 'wx', 0o600);
	try {
		await handle.writeFile(`${token}\n`);
		await handle.sync();
	} finally {
		await handle.close();
	}
	try {
		// Two first starts at once both make a token: the last rename wins, and each reads back what is on disk.
		await rename(temp, file);
	} catch (error) {
		await unlink(temp).catch(() => undefined);
		throw error;
	}
	await syncDirectory(configDir);
	return (await readFile(file, 'utf8')).trim();
};
