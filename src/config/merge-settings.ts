import os from 'node:os';
import path from 'node:path';
import type {XdgEnv} from '../util/app-dirs.js';
import {ConfigError} from './config-error.js';
import {expandHome, issueMessage, loadConfig, type LoadedSettings} from './load-config.js';
import {settingKeys, settingSpecs, type SettingKey, type SettingOrigin, type Settings} from './settings-schema.js';

/** Settings given on the command line, already typed (the CLI parses strings to numbers and lists). */
export type SettingOverrides = {readonly [K in SettingKey]?: Settings[K]};

export type MergeOptions = {
	/** Relative `--sessions-dir` values are taken from here. @default process.cwd() */
	readonly cwd?: string;
	/** For `--sessions-dir=~/x`, which a shell does not expand. @default os.homedir() */
	readonly home?: string;
};

/**
 * The file's settings with the command line's on top: each override is checked like a file value (the
 * problem names its flag), then the settings are checked against each other. Throws a `ConfigError`
 * listing every problem.
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
		const spec = settingSpecs[key];
		if (spec === undefined) {
			throw new TypeError(`mergeSettings: "${key}" is not a setting (the settings are ${settingKeys.join(', ')})`);
		}
		const flag = flagFor(key, value);
		if (key === 'sessionsDir' && typeof value === 'string') {
			if (value.trim() === '') {
				problems.push(`${flag}: expected a directory, got ""`);
				continue;
			}
			value = path.resolve(cwd, expandHome(value, home));
		}
		const result = spec.schema.safeParse(value);
		if (!result.success) {
			const issue = result.error.issues[0]!;
			problems.push(`${flag}: ${issueMessage({...issue, path: [key, ...issue.path]}, value)}`);
			continue;
		}
		settings[key] = result.data;
		origins[key] = `flag ${flag}`;
	}
	const merged: LoadedSettings = {...loaded, settings: settings as Settings, origins: origins as LoadedSettings['origins']};
	problems.push(...crossCheck(merged));
	if (problems.length > 0) {
		throw new ConfigError(problems);
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
	const loaded = await loadConfig({
		...(options.configFile === undefined ? {} : {file: options.configFile}),
		...(options.env === undefined ? {} : {env: options.env}),
		...(options.home === undefined ? {} : {home: options.home}),
	});
	return mergeSettings(loaded, options.overrides, options);
};

/** What `--connect` means as settings: `none`, `physical` (the default) or a list of ports. */
export const connectOverrides = (connect: readonly string[] | 'physical' | 'none'): SettingOverrides =>
	connect === 'none' ? {autoConnect: false, inputs: []} : connect === 'physical' ? {autoConnect: true, inputs: []} : {inputs: connect};

/** The flag a value came from: `--no-transcribe` for `transcription: false`. */
const flagFor = (key: SettingKey, value: unknown): string => {
	const spec = settingSpecs[key];
	return value === false && spec.negatedFlag !== undefined ? spec.negatedFlag : spec.flag;
};

/** Rules between settings, checked once the file and the flags are merged. */
const crossCheck = ({settings, origins}: LoadedSettings): string[] => {
	const problems: string[] = [];
	if (settings.inputs.length > settings.channels) {
		problems.push(
			`inputs: ${settings.inputs.length} ports are set (${origins.inputs}) but channels is ${settings.channels} (${origins.channels}): raise channels or connect fewer ports`,
		);
	}
	return problems;
};
