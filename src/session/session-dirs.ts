import {readdir} from 'node:fs/promises';
import path from 'node:path';

/**
 * The directories directly under the sessions root, by name; none when the root does not exist yet
 * (nothing was ever recorded there). `caller` names the public function in the argument error.
 */
export const sessionDirs = async (rootDir: string, caller: string): Promise<Array<{name: string; dir: string}>> => {
	if (typeof rootDir !== 'string' || rootDir.length === 0) {
		throw new TypeError(`${caller}: rootDir must be a non-empty string`);
	}
	let entries;
	try {
		entries = await readdir(rootDir, {withFileTypes: true});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return [];
		}
		throw error;
	}
	return entries
		.filter(entry => entry.isDirectory())
		.map(entry => ({name: entry.name, dir: path.join(rootDir, entry.name)}))
		.sort((a, b) => a.name.localeCompare(b.name));
};
