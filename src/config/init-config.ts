import {mkdir, open, unlink} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {ensurePrivateDir, type XdgEnv} from '../util/app-dirs.js';
import {wrapLines} from '../util/wrap-lines.js';
import {flagNames} from './setting-spec.js';
import {defaultConfigPath, defaultSettings, settingKeys, specOf, type SettingKey} from './settings-schema.js';

export type InitConfigOptions = {
	/** `--config FILE`. @default $XDG_CONFIG_HOME/omega13/config.json */
	readonly file?: string;
	readonly env?: XdgEnv;
	readonly home?: string;
};

/** `omega13 config init` found a file there already; nothing was written. */
export class ConfigExistsError extends Error {
	override readonly name = 'ConfigExistsError';
	readonly file: string;

	constructor(file: string) {
		super(`${file} already exists; not overwriting it (edit it, or move it away and run \`omega13 config init\` again)`);
		this.file = file;
	}
}

/**
 * The commented starting file. JSON has no comments, so this is JSONC: `//` comments, which the loader
 * accepts (as comments: a `//` inside a string stays text). Every setting is written with its default,
 * so the file documents them all.
 */
export const configTemplate = (env: XdgEnv = process.env, home: string = os.homedir()): string => {
	const defaults = defaultSettings(env, home);
	const lines = [
		'// omega13 settings: JSON with // comments (a trailing comma is fine too).',
		'// Flags override these; `omega13 config` shows the settings in effect and where each came from.',
		'// Remove a line to go back to its default.',
		'{',
	];
	for (const [position, key] of settingKeys.entries()) {
		const fallback = defaults[key];
		// A path row whose default is null (no file) stays null.
		const value = specOf(key).path === undefined || typeof fallback !== 'string' ? fallback : homeRelative(fallback, home);
		lines.push(...configComment(key).map(line => `\t// ${line}`));
		lines.push(`\t${JSON.stringify(key)}: ${JSON.stringify(value)}${position < settingKeys.length - 1 ? ',' : ''}`);
		if (position < settingKeys.length - 1) {
			lines.push('');
		}
	}
	lines.push('}', '');
	return lines.join('\n');
};

/** The comment above a setting in the starting file: what it does, and the flags that set it. */
export const configComment = (key: SettingKey): string[] => {
	const spec = specOf(key);
	return [...wrapLines(spec.about, 96), `Flag: ${flagNames(spec).join(' / ')}`];
};

/**
 * Writes the starting file, never over an existing one (exclusive create), mode 0600; its directory is
 * made 0700 if missing (the default directory is also tightened to 0700). Resolves to the path written.
 */
export const initConfig = async (options: InitConfigOptions = {}): Promise<string> => {
	const env = options.env ?? process.env;
	const home = options.home ?? os.homedir();
	if (options.file !== undefined && (typeof options.file !== 'string' || options.file.trim() === '')) {
		throw new TypeError('initConfig: file must name a file, got an empty string');
	}
	const file = path.resolve(options.file ?? defaultConfigPath(env, home));
	if (options.file === undefined) {
		await ensurePrivateDir(path.dirname(file));
	} else {
		// Someone else's directory (given with --config) is left with the mode it has.
		await mkdir(path.dirname(file), {recursive: true, mode: 0o700});
	}
	let handle;
	try {
		handle = await open(file, 'wx', 0o600);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
			throw new ConfigExistsError(file);
		}
		throw error;
	}
	try {
		await handle.writeFile(configTemplate(env, home));
		await handle.sync();
	} catch (error) {
		// The file is ours (created exclusively above): a half-written one would block the next try.
		await handle.close().catch(() => undefined);
		await unlink(file).catch(() => undefined);
		throw error;
	}
	await handle.close();
	return file;
};

const homeRelative = (dir: string, home: string): string => {
	const relative = path.relative(home, dir);
	return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? `~/${relative}` : dir;
};
