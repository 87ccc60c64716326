import {readFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {z} from 'zod';
import type {XdgEnv} from '../util/app-dirs.js';
import {ConfigError} from './config-error.js';
import {didYouMean} from './did-you-mean.js';
import {formatKeyPath, type TextPosition} from './jsonc-error-message.js';
import type {JsoncDocument} from './read-jsonc.js';
import {
	defaultConfigPath,
	defaultSettings,
	settingKeys,
	settingsFileSchema,
	specOf,
	type SettingKey,
	type SettingOrigin,
	type Settings,
} from './settings-schema.js';

/** The effective settings and where each came from. */
export type LoadedSettings = {
	readonly settings: Settings;
	readonly origins: {readonly [K in SettingKey]: SettingOrigin};
	/** The config file looked at (as given, or the default path). */
	readonly file: string;
	/** Whether it was there; a missing default file means "all defaults", a missing `--config` file is an error. */
	readonly fileFound: boolean;
};

export type LoadConfigOptions = {
	/** `--config FILE`: it must exist. @default $XDG_CONFIG_HOME/omega13/config.json, which may be missing */
	readonly file?: string;
	/** @default process.env */
	readonly env?: XdgEnv;
	/** For `~` in paths and the XDG fallbacks. @default os.homedir() */
	readonly home?: string;
};

/**
 * Reads and checks the config file. Throws a `ConfigError` listing every problem (bad JSON stops at the
 * first, since nothing after it can be trusted); does not check settings against each other, which
 * `mergeSettings` does once the flags are in.
 */
export const loadConfig = async (options: LoadConfigOptions = {}): Promise<LoadedSettings> => {
	const env = options.env ?? process.env;
	const home = options.home ?? os.homedir();
	if (options.file !== undefined && (typeof options.file !== 'string' || options.file.trim() === '')) {
		throw new ConfigError(['--config must name a file, got an empty string']);
	}
	const file = options.file ?? defaultConfigPath(env, home);
	const defaults = defaultSettings(env, home);
	const allDefault = Object.fromEntries(settingKeys.map((key) => [key, 'default'])) as LoadedSettings['origins'];
	let text: string;
	try {
		text = await readFile(path.resolve(file), 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' && options.file === undefined) {
			return {settings: defaults, origins: allDefault, file, fileFound: false};
		}
		throw new ConfigError([readProblem(file, code, error)]);
	}
	const values = checkConfigDocument(await readConfigText(text, file), file, home);
	const origin: SettingOrigin = `config file ${file}`;
	const origins = {...allDefault};
	for (const key of Object.keys(values) as SettingKey[]) {
		origins[key] = origin;
	}
	return {settings: {...defaults, ...values}, origins, file, fileFound: true};
};

/** The file's JSON (with comments), or a `ConfigError` at its first syntax problem. */
const readConfigText = async (text: string, file: string): Promise<JsoncDocument> => {
	// Loaded only when there is a file: a command run without one (`omega13 toggle`) starts sooner.
	const {JsoncSyntaxError, parseJsonc} = await import('./read-jsonc.js');
	try {
		return parseJsonc(text);
	} catch (error) {
		if (error instanceof JsoncSyntaxError) {
			throw new ConfigError([`${file}:${error.line}:${error.column}: not valid JSON: ${error.detail}`]);
		}
		throw error;
	}
};

/**
 * Checks a config file's settings: what it gives (paths resolved), or a `ConfigError` with one line per
 * problem, in file order, each `FILE:LINE:COLUMN: key: expected ..., got ...`.
 */
const checkConfigDocument = ({value, valuePositions, keyPositions}: JsoncDocument, file: string, home: string): Partial<Settings> => {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new ConfigError([`${file}: expected a JSON object of settings like {"bufferSeconds": 13}, got ${showValue(value)}`]);
	}
	const result = settingsFileSchema.safeParse(value);
	if (result.success) {
		return resolvePaths(result.data as Partial<Settings>, home);
	}
	const problems: Array<{at: TextPosition | undefined; line: string}> = [];
	const seen = new Set<string>();
	const add = (at: TextPosition | undefined, keyPath: string, message: string): void => {
		if (seen.has(keyPath)) {
			return;
		}
		seen.add(keyPath);
		const where = at === undefined ? file : `${file}:${at.line}:${at.column}`;
		problems.push({at, line: `${where}: ${message}`});
	};
	for (const issue of result.error.issues) {
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) {
				const keyPath = formatKeyPath([...issue.path, key]);
				add(keyPositions.get(keyPath), keyPath, unknownKeyMessage(key));
			}
			continue;
		}
		const keyPath = formatKeyPath(issue.path);
		add(valuePositions.get(keyPath), keyPath, `${keyPath}: ${issueMessage(issue, value)}`);
	}
	problems.sort((a, b) => (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.column ?? 0) - (b.at?.column ?? 0));
	throw new ConfigError(problems.map((problem) => problem.line));
};

/** `expected ..., got ...` for one zod issue about a setting (or an item of a list setting) in `settings`. */
export const issueMessage = (issue: z.core.$ZodIssue, settings: unknown): string => {
	const value = valueAt(settings, issue.path);
	const spec = specOf(issue.path[0] as SettingKey);
	const expected = issue.path.length > 1 && spec.itemExpected !== undefined ? spec.itemExpected : spec.expected;
	// Our own refinements say what exactly is wrong; zod's defaults ("Invalid input") say nothing more.
	const detail = issue.code === 'custom' && issue.message !== 'Invalid input' ? ` (${issue.message})` : '';
	return `expected ${expected}, got ${showValue(value)}${detail}`;
};

export const unknownKeyMessage = (key: string): string => {
	const suggestion = didYouMean(key, settingKeys);
	return suggestion === undefined
		? `unknown key "${key}" (the keys are ${settingKeys.join(', ')})`
		: `unknown key "${key}" (did you mean "${suggestion}"?)`;
};

/** A value as a message shows it: JSON, cut short. */
export const showValue = (value: unknown): string => {
	if (value === undefined) {
		return 'nothing';
	}
	if (typeof value === 'number' && !Number.isFinite(value)) {
		return String(value);
	}
	const json = JSON.stringify(value);
	return json.length > 60 ? `${json.slice(0, 57)}...` : json;
};

const valueAt = (root: unknown, keyPath: ReadonlyArray<PropertyKey>): unknown => {
	let value = root;
	for (const part of keyPath) {
		if (typeof value !== 'object' || value === null) {
			return undefined;
		}
		value = (value as Record<PropertyKey, unknown>)[part];
	}
	return value;
};

/** `~/x` and `~` mean the home directory, as they do in a shell. */
export const expandHome = (value: string, home: string): string =>
	value === '~' ? home : value.startsWith('~/') ? path.join(home, value.slice(2)) : value;

/** Paths in the file are absolute or start with `~/` (the schema says so); `~` is resolved here. */
const resolvePaths = (values: Partial<Settings>, home: string): Partial<Settings> =>
	Object.fromEntries(
		Object.entries(values).map(([key, value]) => [
			key,
			specOf(key as SettingKey).path !== undefined && typeof value === 'string' ? path.resolve(expandHome(value, home)) : value,
		]),
	) as Partial<Settings>;

const readProblem = (file: string, code: string | undefined, error: unknown): string => {
	switch (code) {
		case 'ENOENT': {
			return `${file}: no such file (make one with \`omega13 config init --config ${file}\`)`;
		}
		case 'EISDIR': {
			return `${file}: is a directory, not a config file`;
		}
		case 'EACCES': {
			return `${file}: cannot be read (permission denied)`;
		}
		default: {
			return `${file}: cannot be read (${(error as Error).message})`;
		}
	}
};
