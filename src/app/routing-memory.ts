import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {writeJsonAtomic} from '../session/atomic-write.js';
import {appDirs, ensurePrivateDir, type XdgEnv} from '../util/app-dirs.js';

/** For each input (in_1 first), the output ports that fed it when the user said "remember". */
export type Routing = ReadonlyArray<readonly string[]>;

/**
 * Remembered routing lives beside the config, in its own file keyed by JACK client name: it is state
 * the program writes (`omega13 inputs save`, `r` in the port picker), and rewriting the user's
 * commented config file would lose their comments.
 */
export const routingFile = (env: XdgEnv = process.env): string => path.join(appDirs(env).config, 'routing.json');

const readAll = async (file: string): Promise<Record<string, Routing>> => {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch {
		return {};
	}
	try {
		const parsed = JSON.parse(text) as unknown;
		return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, Routing>) : {};
	} catch {
		// A broken file must not stop the recorder; `inputs save` writes a good one again.
		return {};
	}
};

const isRouting = (value: unknown): value is Routing =>
	Array.isArray(value) && value.every(ports => Array.isArray(ports) && ports.every(port => typeof port === 'string'));

export const loadRouting = async (jackName: string, file = routingFile()): Promise<Routing | undefined> => {
	const routing = (await readAll(file))[jackName];
	return isRouting(routing) && routing.some(ports => ports.length > 0) ? routing : undefined;
};

export const saveRouting = async (jackName: string, routing: Routing, file = routingFile()): Promise<void> => {
	const all = await readAll(file);
	await ensurePrivateDir(path.dirname(file));
	await writeJsonAtomic(file, {...all, [jackName]: routing});
};

/** `in_1 <- a, b; in_2 <- c` for a line of text. */
export const describeRouting = (routing: Routing): string =>
	routing.map((ports, input) => `in_${input + 1} <- ${ports.length > 0 ? ports.join(', ') : '(nothing)'}`).join('; ');
