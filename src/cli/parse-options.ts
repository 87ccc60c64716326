import {parseArgs} from 'node:util';
import path from 'node:path';
import {parseSourceChoice} from '../app/source-choice.js';
import type {RunOptions} from '../app/recorder.js';
import type {SettingOverrides} from '../config/merge-settings.js';
import {settingKeys, specOf, type SettingKey} from '../config/settings-schema.js';
import {exportFormats, type ExportFormat} from '../session/file-formats.js';
import {generalFlags} from './general-flags.js';
import {saveLastProblem} from '../control/control-protocol.js';
import {parseDecimal} from '../util/decimal.js';

export const Command = {
	run: 'run',
	toggle: 'toggle',
	start: 'start',
	stop: 'stop',
	status: 'status',
	setup: 'setup',
	transcribe: 'transcribe',
	models: 'models',
	saveLast: 'save-last',
	config: 'config',
	sessions: 'sessions',
	doctor: 'doctor',
	inputs: 'inputs',
	serve: 'serve',
	help: 'help',
	version: 'version',
} as const;
export type Command = (typeof Command)[keyof typeof Command];

/** A command line, read: what to do, and the settings it gives (checked later, with the config file's). */
export type CommandLine = {
	readonly command: Command;
	/** The command's own arguments (`transcribe SESSION [CAPTURE]`, `models download NAME`). */
	readonly args: readonly string[];
	/** What is wrong with the command line itself (not with a setting's value: `mergeSettings` checks those). */
	readonly problems: readonly string[];
	/** The settings given as flags, read from their text; they override the config file. */
	readonly overrides: SettingOverrides;
	/** The flag an override was typed as, when not its own (`--connect none` sets autoConnect). */
	readonly givenAs: {readonly [K in SettingKey]?: string};
	/** `--config FILE`, else the XDG default. */
	readonly configFile: string | undefined;
	readonly run: RunOptions;
	readonly json: boolean;
	/** `sessions export`: where to, and as what. */
	readonly exportTo: string | undefined;
	readonly exportFormat: ExportFormat;
};

/** Each command and how many arguments of its own it takes. */
const commandArity: Readonly<Record<string, {min: number; max: number; usage: string}>> = {
	toggle: {min: 0, max: 0, usage: 'toggle'},
	start: {min: 0, max: 0, usage: 'start'},
	stop: {min: 0, max: 0, usage: 'stop'},
	status: {min: 0, max: 0, usage: 'status'},
	setup: {min: 0, max: 0, usage: 'setup'},
	transcribe: {min: 1, max: 2, usage: 'transcribe SESSION [CAPTURE]'},
	models: {min: 0, max: 2, usage: 'models [download NAME]'},
	'save-last': {min: 1, max: 1, usage: 'save-last SECONDS'},
	config: {min: 0, max: 1, usage: 'config [init]'},
	sessions: {min: 0, max: 2, usage: 'sessions [show ID | export ID --to DIR [--format md|json|srt]]'},
	doctor: {min: 0, max: 0, usage: 'doctor'},
	inputs: {min: 1, max: 1, usage: 'inputs save'},
	serve: {min: 1, max: 1, usage: 'serve token'},
};
const commands: readonly string[] = Object.keys(commandArity);

type FlagOption = {type: 'string' | 'boolean'; multiple?: boolean; short?: string};

/** What `parseArgs` accepts: every setting's flag (a boolean's `--no-` form too) and the general flags. */
export const parseArgsOptions = (): Record<string, FlagOption> => {
	const options: Record<string, FlagOption> = {};
	for (const key of settingKeys) {
		const {flag, value} = specOf(key);
		options[flag] = value === undefined ? {type: 'boolean'} : value.multiple ? {type: 'string', multiple: true} : {type: 'string'};
	}
	for (const flag of generalFlags) {
		if (!flag.sharesSettingFlag) {
			options[flag.name] = {type: flag.arg === undefined ? 'boolean' : 'string', ...(flag.short === undefined ? {} : {short: flag.short})};
		}
	}
	return options;
};

/** Reads argv (without node and script). Never throws: what is wrong is in `problems`, all of it. */
export const parseOptions = (argv: readonly string[]): CommandLine => {
	const args = joinNegativeValues(argv);
	const options = parseArgsOptions();
	let parsed;
	try {
		parsed = parseArgs({args, options, allowPositionals: true, allowNegative: true, strict: true});
	} catch (error) {
		// The flags are still read, so that their problems (and the config file's) are listed in the same run;
		// not the arguments: which words belong to the unknown option is anybody's guess.
		const loose = parseArgs({args, options, allowPositionals: true, allowNegative: true, strict: false});
		const line = readCommandLine(wellTyped(loose.values, options), []);
		return {...line, problems: [cleanParseError(error), ...line.problems]};
	}
	return readCommandLine(parsed.values, parsed.positionals);
};

/** The values a non-strict parse got that a strict one would have: known flags with the right type of value. */
const wellTyped = (values: Record<string, unknown>, options: Record<string, FlagOption>): Record<string, unknown> =>
	Object.fromEntries(
		Object.entries(values).filter(([name, value]) => {
			const option = options[name];
			const single = Array.isArray(value) ? value[0] : value;
			return option !== undefined && typeof single === option.type;
		}),
	);

const readCommandLine = (values: Record<string, unknown>, positionals: readonly string[]): CommandLine => {
	const problems: string[] = [];
	const string = (name: string): string | undefined => values[name] as string | undefined;
	let command: Command = Command.run;
	if (values['help'] === true) {
		command = Command.help;
	} else if (values['version'] === true) {
		command = Command.version;
	}
	const [first, ...args] = positionals;
	if (first !== undefined && command === Command.run) {
		const arity = commandArity[first];
		if (arity) {
			command = first as Command;
			if (args.length < arity.min || args.length > arity.max) {
				problems.push(`usage: omega13 ${arity.usage}`);
			}
		} else {
			problems.push(`unknown command "${first}": the commands are ${commands.join(', ')} (see --help)`);
		}
	}
	if (command === Command.inputs && args.length === 1 && args[0] !== 'save') {
		problems.push('usage: omega13 inputs save');
	}
	if (command === Command.serve && args.length === 1 && args[0] !== 'token') {
		problems.push('usage: omega13 serve token');
	}
	if (command === Command.config && args.length === 1 && args[0] !== 'init') {
		problems.push('usage: omega13 config [init]');
	}
	if (command === Command.sessions && args.length > 0) {
		const [verb] = args;
		if ((verb !== 'show' && verb !== 'export') || args.length !== 2) {
			problems.push('usage: omega13 sessions [show ID | export ID --to DIR [--format md|json|srt]]');
		} else if (verb === 'export' && values['to'] === undefined) {
			problems.push('sessions export needs --to DIR: the directory to copy the audio and transcripts into');
		}
	}
	// --format means the export's format with `sessions`, the captures' audio format otherwise.
	const exporting = command === Command.sessions;
	const exportFormat = (exporting ? string('format') : undefined) ?? 'md';
	if (!(exportFormats as readonly string[]).includes(exportFormat)) {
		problems.push(`--format must be ${exportFormats.slice(0, -1).join(', ')} or ${exportFormats.at(-1)}, got "${exportFormat}"`);
	}
	const secondsProblem = command === Command.saveLast && args.length === 1 && saveLastProblem(parseDecimal(args[0]!), `"${args[0]}"`);
	if (secondsProblem) {
		problems.push(secondsProblem);
	}
	if (command === Command.models && args.length > 0 && (args[0] !== 'download' || args.length !== 2)) {
		problems.push('usage: omega13 models [download NAME]');
	}
	const rawSource = string('source') ?? 'auto';
	const source = parseSourceChoice(rawSource);
	if (source === undefined) {
		problems.push(`--source must be auto, jack, demo or file:PATH (a WAV file), got "${rawSource}"`);
	}
	const configFile = string('config');
	if (configFile?.trim() === '') {
		problems.push('--config must name a file, got an empty string');
	}
	const {overrides, givenAs} = settingOverrides(values, exporting);
	return {
		command,
		args,
		problems,
		overrides,
		givenAs,
		configFile: configFile === undefined || configFile.trim() === '' ? undefined : path.resolve(configFile),
		run: {headless: values['headless'] === true, source: source ?? {kind: 'auto'}},
		json: values['json'] === true,
		exportTo: string('to'),
		exportFormat: exportFormat as ExportFormat,
	};
};

/** The settings the flags give, each read by its row (a flag word like `--connect none` sets what it stands for). */
const settingOverrides = (values: Record<string, unknown>, exporting: boolean): Pick<CommandLine, 'overrides' | 'givenAs'> => {
	const overrides: Record<string, unknown> = {};
	const givenAs: Record<string, string> = {};
	for (const key of settingKeys) {
		const spec = specOf(key);
		const raw = values[spec.flag] as string | boolean | string[] | undefined;
		if (raw === undefined || (exporting && generalFlags.some(flag => flag.sharesSettingFlag && flag.name === spec.flag))) {
			continue;
		}
		const single = typeof raw === 'string' ? raw : Array.isArray(raw) && raw.length === 1 ? raw[0] : undefined;
		const word = single !== undefined && spec.flagWords !== undefined && Object.hasOwn(spec.flagWords, single) ? spec.flagWords[single] : undefined;
		if (word !== undefined) {
			for (const [wordKey, value] of Object.entries(word)) {
				overrides[wordKey] = value;
				givenAs[wordKey] = `--${spec.flag} ${single}`;
			}
		} else if (spec.value === undefined) {
			overrides[key] = raw;
		} else {
			overrides[key] = spec.value.multiple ? spec.value.read(raw as string[]) : spec.value.read(raw as string);
		}
	}
	return {overrides, givenAs};
};

/**
 * `--silence-threshold -50` is what people type; node's parser takes "-50" for a flag. Glue a negative
 * number to the flag before it (`--silence-threshold=-50`).
 */
const joinNegativeValues = (argv: readonly string[]): string[] => {
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		const next = argv[i + 1];
		if (arg === '--') {
			// Everything after it is an argument as typed (`save-last -- -3`).
			out.push(...argv.slice(i));
			break;
		}
		if (arg.startsWith('--') && !arg.includes('=') && next !== undefined && /^-\d/.test(next)) {
			out.push(`${arg}=${next}`);
			i++;
		} else {
			out.push(arg);
		}
	}
	return out;
};

/** node's messages name the flag with its internals ("option '--x <value>'"); keep the useful part. */
const cleanParseError = (error: unknown): string => {
	const message = error instanceof Error ? error.message : String(error);
	const unknown = /Unknown option '([^']+)'/.exec(message);
	if (unknown) {
		return `unknown option ${unknown[1]} (see --help for the options)`;
	}
	const missing = /Option '([^']+)' argument missing/.exec(message);
	if (missing) {
		return `option ${missing[1]!.replace(/ <value>$/, '')} needs a value`;
	}
	return message.replace(/\. To specify a positional argument.*$/, '');
};
