import os from 'node:os';
import path from 'node:path';
import type {XdgEnv} from '../util/app-dirs.js';
import {ConfigError} from './config-error.js';
import {expandHome, issueMessage, loadConfig, type LoadedSettings} from './load-config.js';
import {flagFor} from './setting-spec.js';
import {defaultSettings, settingKeys, specOf, type SettingKey, type SettingOrigin, type Settings} from './settings-schema.js';

/** Settings given on the command line, read from the flags' text but not checked yet: checking is ours. */
export type SettingOverrides = {readonly [K in SettingKey]?: unknown};

export type MergeOptions = {
	/** Relative `--sessions-dir` values are taken from here. @default process.cwd() */
	readonly cwd?: string;
	/** For `--sessions-dir=~/x`, which a shell does not expand. @default os.homedir() */
	readonly home?: string;
	/** The flag an override was typed as, when not its own (`--connect none` sets autoConnect). */
	readonly givenAs?: {readonly [K in SettingKey]?: string};
};

/**
 * The file's settings with the command line's on top: each override is checked like a file value (the
 * problem names its flag), then the settings are checked against each other. Throws a `ConfigError`
 * listing every problem. The one place flag values are checked: what comes out is valid, and nothing
 * downstream checks or defaults a setting again.
 */
export const mergeSettings = (loaded: LoadedSettings, overrides: SettingOverrides = {}, options: MergeOptions = {}): LoadedSettings => {
	const cwd = options.cwd ?? process.cwd();
	const home = options.home ?? os.homedir();
	const problems: string[] = [];
	const settings: Record<string, unknown> = {...loaded.settings};
	const origins: Record<string, SettingOrigin> = {...loaded.origins};
	for (const key of Object.keys(overrides) as SettingKey[]) {
		let value: unknown = overrides[key];
		if (value === undefined) {
			continue;
		}
		if (!settingKeys.includes(key)) {
			throw new TypeError(`mergeSettings: "${key}" is not a setting (the settings are ${settingKeys.join(', ')})`);
		}
		const spec = specOf(key);
		const flag = options.givenAs?.[key] ?? flagFor(spec, value);
		if (spec.path !== undefined && typeof value === 'string') {
			if (value.trim() === '') {
				problems.push(`${flag}: expected a ${spec.path}, got ""`);
				continue;
			}
			value = path.resolve(cwd, expandHome(value, home));
		}
		const result = spec.schema.safeParse(value);
		if (!result.success) {
			const issue = result.error.issues[0]!;
			problems.push(`${flag}: ${issueMessage({...issue, path: [key, ...issue.path]}, {[key]: value})}`);
			continue;
		}
		settings[key] = result.data;
		origins[key] = `flag ${flag}`;
	}
	const merged: LoadedSettings = {...loaded, settings: settings as Settings, origins: origins as LoadedSettings['origins']};
	const crossed = crossCheck(merged);
	problems.push(...crossed.map(({problem}) => problem));
	if (problems.length > 0) {
		throw new ConfigError(problems, crossed.every(({fromFlags}) => fromFlags) ? 'flags' : 'file');
	}
	return merged;
};

export type ResolveSettingsOptions = MergeOptions & {
	/** `--config FILE`. */
	readonly configFile?: string;
	readonly overrides?: SettingOverrides;
	readonly env?: XdgEnv;
};

/** Config file, then flags: the one call the CLI makes. Throws a `ConfigError` (exit code 2). */
export const resolveSettings = async (options: ResolveSettingsOptions = {}): Promise<LoadedSettings> => {
	let loaded: LoadedSettings;
	try {
		loaded = await loadConfig({
			...(options.configFile === undefined ? {} : {file: options.configFile}),
			...(options.env === undefined ? {} : {env: options.env}),
			...(options.home === undefined ? {} : {home: options.home}),
		});
	} catch (error) {
		if (!(error instanceof ConfigError)) {
			throw error;
		}
		// The flags' problems too, so that one run lists everything to fix.
		throw new ConfigError([...error.problems, ...flagProblems(options)], error.source);
	}
	return mergeSettings(loaded, options.overrides, options);
};

/** What is wrong with the flags alone (over the defaults), for when the file cannot be read. */
const flagProblems = (options: ResolveSettingsOptions): readonly string[] => {
	const origins = Object.fromEntries(settingKeys.map(key => [key, 'default'])) as LoadedSettings['origins'];
	const defaults = {settings: defaultSettings(options.env, options.home), origins, file: '', fileFound: false};
	try {
		mergeSettings(defaults, options.overrides, options);
		return [];
	} catch (error) {
		if (error instanceof ConfigError) {
			return error.problems;
		}
		throw error;
	}
};

/** Rules between settings, checked once the file and the flags are merged; `fromFlags` when the file is not involved. */
const crossCheck = ({settings, origins}: LoadedSettings): Array<{problem: string; fromFlags: boolean}> => {
	const problems: Array<{problem: string; fromFlags: boolean}> = [];
	const fromFlags = (...keys: Array<keyof typeof origins>): boolean => !keys.some(key => origins[key].startsWith('config file'));
	if (settings.inputs.length > settings.channels) {
		problems.push({
			problem: `inputs: ${settings.inputs.length} ports are set (${origins.inputs}) but channels is ${settings.channels} (${origins.channels}): raise channels or connect fewer ports`,
			fromFlags: fromFlags('inputs', 'channels'),
		});
	}
	if (settings.voicePrerollSeconds > settings.bufferSeconds) {
		problems.push({
			problem: `voicePrerollSeconds: ${settings.voicePrerollSeconds} s (${origins.voicePrerollSeconds}) is more than the ring holds, bufferSeconds ${settings.bufferSeconds} (${origins.bufferSeconds}): lower it or raise --buffer-seconds`,
			fromFlags: fromFlags('voicePrerollSeconds', 'bufferSeconds'),
		});
	}
	return problems;
};
