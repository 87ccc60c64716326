import {open} from 'node:fs/promises';
import path from 'node:path';

/**
 * The key for a hosted transcription service, sent as `Authorization: Bearer`: `OMEGA13_ENGINE_KEY`,
 * else `OPENAI_API_KEY`, else the first line of the key file the config names. Never a flag (it would
 * show in `ps`), never in a message or a log: errors name the file, not its content. A key file anyone
 * but its owner can read is refused, as ssh refuses such a private key.
 */
export const readEngineKey = async (keyFile: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): Promise<string | undefined> => {
	for (const name of ['OMEGA13_ENGINE_KEY', 'OPENAI_API_KEY']) {
		const value = env[name]?.trim();
		if (value !== undefined && value.length > 0) {
			return value;
		}
	}
	if (keyFile === undefined) {
		return undefined;
	}
	const file = path.resolve(keyFile);
	let handle;
	try {
		handle = await open(file, 'r');
	} catch (error) {
		throw new Error(`the engine key file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): create it with the key on one line and chmod 600, or set OMEGA13_ENGINE_KEY`);
	}
	try {
		const {mode} = await handle.stat();
		if ((mode & 0o077) !== 0) {
			throw new Error(
				`the engine key file ${file} is readable by others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}), so it is not used: run \`chmod 600 ${file}\``,
			);
		}
		const key = (await handle.readFile('utf8')).split('\n')[0]?.trim() ?? '';
		if (key.length === 0) {
			throw new Error(`the engine key file ${file} is empty: put the key on its first line`);
		}
		return key;
	} finally {
		await handle.close();
	}
};
