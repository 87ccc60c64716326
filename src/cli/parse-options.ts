import {parseArgs} from 'node:util';
import path from 'node:path';
import {connectOverrides, type SettingOverrides} from '../config/merge-settings.js';
import type {FileNaming} from '../session/capture-file-name.js';
import type {AudioFormat} from '../session/encode-capture.js';
import {defaultHotkey, parseHotkey} from '../hotkey/parse-hotkey.js';
import type {SampleFormat} from '../wav/sample-format.js';
import {defaultModelName} from '../transcribe/model-catalog.js';
import type {Decibels, Seconds} from '../util/units.js';

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
	help: 'help',
	version: 'version',
} as const;
export type Command = (typeof Command)[keyof typeof Command];

export type Options = {
	readonly command: Command;
	/** The command's own arguments (`transcribe SESSION [CAPTURE]`, `models download NAME`). */
	readonly args: readonly string[];
	readonly headless: boolean;
	readonly json: boolean;
	readonly jackName: string;
	readonly channels: number;
	readonly bufferSeconds: Seconds;
	readonly sessionsDir: string | undefined;
	/** Ports to connect in order, `'physical'` for the default, `'none'` to connect nothing. */
	readonly connect: readonly string[] | 'physical' | 'none';
	/** `-Infinity` when the gate is off. */
	readonly silenceThresholdDb: Decibels;
	readonly silenceWindowSeconds: Seconds;
	readonly sampleFormat: SampleFormat;
	/** `auto`: JACK when a server answers, else the built-in demo. */
	readonly source: SourceChoice;
	/** A hotkey spec (`ctrl+alt+space`, `F9`) or `off`. */
	readonly hotkey: string;
	/** Transcribe each capture when it ends. */
	readonly transcribe: boolean;
	/** A whisper model name (`base.en`) or a ggml file. */
	readonly model: string;
	/** A whisper.cpp server or OpenAI-compatible URL to send captures to instead of local whisper.cpp. */
	readonly engineUrl: string | undefined;
	readonly clipboard: boolean;
	readonly fileNaming: FileNaming;
	readonly filePrefix: string;
	/** What captures are kept as once finished (always written as WAV first). */
	readonly format: AudioFormat;
	/** `--config FILE`, else the XDG default. */
	readonly configFile: string | undefined;
	/** Only the settings a flag was given for: they override the config file. */
	readonly given: SettingOverrides;
	/** `sessions export`: where to, and as what. */
	readonly exportTo: string | undefined;
	readonly exportFormat: 'md' | 'json' | 'srt';
};

export type SourceChoice = {readonly kind: 'auto' | 'jack' | 'demo'} | {readonly kind: 'file'; readonly path: string};

/** A bad command line: every problem found, to be shown at once. */
export class UsageError extends Error {
	readonly problems: readonly string[];
	constructor(problems: readonly string[]) {
		super(problems.join('\n'));
		this.name = 'UsageError';
		this.problems = problems;
	}
}

const flags = {
	headless: {type: 'boolean'},
	json: {type: 'boolean'},
	'jack-name': {type: 'string'},
	channels: {type: 'string'},
	'buffer-seconds': {type: 'string'},
	'sessions-dir': {type: 'string'},
	connect: {type: 'string', multiple: true},
	'silence-threshold': {type: 'string'},
	'silence-window': {type: 'string'},
	'sample-format': {type: 'string'},
	source: {type: 'string'},
	hotkey: {type: 'string'},
	'no-transcribe': {type: 'boolean'},
	model: {type: 'string'},
	'engine-url': {type: 'string'},
	clipboard: {type: 'boolean'},
	config: {type: 'string'},
	'file-naming': {type: 'string'},
	'file-prefix': {type: 'string'},
	to: {type: 'string'},
	format: {type: 'string'},
	help: {type: 'boolean', short: 'h'},
	version: {type: 'boolean', short: 'v'},
} as const;

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
};
const commands: readonly string[] = Object.keys(commandArity);
const sampleFormats: readonly SampleFormat[] = ['float32', 'int24', 'int16'];
// JACK allows up to 64 characters; ':' separates client and port, so it cannot be in a client name.
const jackNamePattern = /^[^:]{1,64}$/;

/** Parses and validates argv (without node and script); throws UsageError listing every problem. */
export const parseOptions = (argv: readonly string[]): Options => {
	let parsed;
	try {
		parsed = parseArgs({args: joinNegativeValues(argv), options: flags, allowPositionals: true, strict: true});
	} catch (error) {
		throw new UsageError([cleanParseError(error)]);
	}
	const {values, positionals} = parsed;
	const problems: string[] = [];
	const number = (flag: string, raw: string | undefined, fallback: number, min: number, max: number, whole = false): number => {
		if (raw === undefined) {
			return fallback;
		}
		const value = Number(raw.trim());
		if (raw.trim() === '' || !Number.isFinite(value) || (whole && !Number.isInteger(value)) || value < min || value > max) {
			problems.push(`--${flag} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${raw}"`);
			return fallback;
		}
		return value;
	};

	let command: Command = Command.run;
	if (values.help) {
		command = Command.help;
	} else if (values.version) {
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
	if (command === Command.config && args.length === 1 && args[0] !== 'init') {
		problems.push('usage: omega13 config [init]');
	}
	if (command === Command.sessions && args.length > 0) {
		const [verb] = args;
		if ((verb !== 'show' && verb !== 'export') || args.length !== 2) {
			problems.push('usage: omega13 sessions [show ID | export ID --to DIR [--format md|json|srt]]');
		} else if (verb === 'export' && values.to === undefined) {
			problems.push('sessions export needs --to DIR: the directory to copy the audio and transcripts into');
		}
	}
	// --format means the export's format with `sessions export`, the captures' audio format otherwise.
	const exporting = command === Command.sessions;
	const exportFormat = exporting ? (values.format ?? 'md') : 'md';
	if (exportFormat !== 'md' && exportFormat !== 'json' && exportFormat !== 'srt') {
		problems.push(`--format must be md, json or srt, got "${exportFormat}"`);
	}
	const format = (exporting ? undefined : values.format) ?? 'wav';
	if (format !== 'wav' && format !== 'flac' && format !== 'opus') {
		problems.push(`--format must be wav, flac or opus, got "${format}"`);
	}
	if (command === Command.saveLast && args.length === 1) {
		const seconds = Number(args[0]);
		if (!(seconds >= 0.1 && seconds <= 1800)) {
			problems.push(`save-last SECONDS must be a number from 0.1 to 1800, got "${args[0]}"`);
		}
	}
	if (command === Command.models && args.length > 0 && (args[0] !== 'download' || args.length !== 2)) {
		problems.push('usage: omega13 models [download NAME]');
	}
	const engineUrl = values['engine-url'];
	if (engineUrl !== undefined && !/^https?:\/\/[^/]/.test(engineUrl)) {
		problems.push(`--engine-url must be an http:// or https:// URL, got "${engineUrl}"`);
	}

	const jackName = values['jack-name'] ?? 'omega13';
	if (!jackNamePattern.test(jackName)) {
		problems.push(`--jack-name must be 1 to 64 characters without ":", got "${jackName}"`);
	}
	const channels = number('channels', values.channels, 2, 1, 8, true);
	const bufferSeconds = number('buffer-seconds', values['buffer-seconds'], 13, 1, 1800);
	const silenceWindowSeconds = number('silence-window', values['silence-window'], 0.5, 0.05, 10);
	const rawThreshold = values['silence-threshold'];
	const silenceThresholdDb =
		rawThreshold?.trim().toLowerCase() === 'off'
			? Number.NEGATIVE_INFINITY
			: number('silence-threshold', rawThreshold, -60, -120, 0);
	const sampleFormat = (values['sample-format'] ?? 'float32') as SampleFormat;
	if (!sampleFormats.includes(sampleFormat)) {
		problems.push(`--sample-format must be one of ${sampleFormats.join(', ')}, got "${sampleFormat}"`);
	}
	const source = parseSource(values.source ?? 'auto', problems);
	const hotkey = values.hotkey ?? defaultHotkey;
	if (hotkey !== 'off') {
		try {
			parseHotkey(hotkey);
		} catch (error) {
			problems.push(`--hotkey: ${error instanceof Error ? error.message : String(error)}`);
		}
	}
	const sessionsDir = values['sessions-dir'];
	if (sessionsDir?.trim() === '') {
		problems.push('--sessions-dir must name a directory, got an empty string');
	}
	let connect: Options['connect'] = 'physical';
	if (values.connect) {
		if (values.connect.includes('none')) {
			if (values.connect.length > 1) {
				problems.push('--connect none cannot be combined with port names');
			}
			connect = 'none';
		} else {
			const bad = values.connect.filter(port => !/^[^:]+:.+$/.test(port));
			for (const port of bad) {
				problems.push(`--connect takes a full JACK port name like "system:capture_1", got "${port}" (list ports with jack_lsp)`);
			}
			// With --channels from the config file, the merged settings are checked instead.
			if (values.channels !== undefined && values.connect.length > channels) {
				problems.push(`--connect was given ${values.connect.length} ports but there are only ${channels} inputs: raise --channels or drop a port`);
			}
			connect = values.connect;
		}
	}
	const fileNaming = values['file-naming'] ?? 'sequential';
	if (fileNaming !== 'sequential' && fileNaming !== 'timestamp') {
		problems.push(`--file-naming must be sequential or timestamp, got "${fileNaming}"`);
	}
	const filePrefix = values['file-prefix'] ?? 'omega13_';
	if (!/^[\w.-]{0,32}$/.test(filePrefix)) {
		problems.push(`--file-prefix must be up to 32 letters, digits, ".", "_" or "-", got "${filePrefix}"`);
	}
	const given: Record<string, unknown> = {};
	const set = (key: keyof SettingOverrides, flag: string, value: unknown): void => {
		if (values[flag as keyof typeof values] !== undefined) {
			given[key] = value;
		}
	};
	set('jackName', 'jack-name', jackName);
	set('channels', 'channels', channels);
	set('bufferSeconds', 'buffer-seconds', bufferSeconds);
	set('sessionsDir', 'sessions-dir', sessionsDir === undefined ? undefined : path.resolve(sessionsDir));
	set('silenceThresholdDb', 'silence-threshold', Number.isFinite(silenceThresholdDb) ? silenceThresholdDb : 'off');
	set('silenceWindowSeconds', 'silence-window', silenceWindowSeconds);
	set('sampleFormat', 'sample-format', sampleFormat);
	set('hotkey', 'hotkey', hotkey);
	set('transcription', 'no-transcribe', false);
	set('model', 'model', values.model);
	set('engineUrl', 'engine-url', engineUrl);
	set('clipboard', 'clipboard', true);
	set('fileNaming', 'file-naming', fileNaming);
	set('filePrefix', 'file-prefix', filePrefix);
	if (!exporting) {
		set('format', 'format', format);
	}
	if (values.connect !== undefined) {
		Object.assign(given, connectOverrides(connect));
	}
	const configFile = values.config;
	if (configFile?.trim() === '') {
		problems.push('--config must name a file, got an empty string');
	}
	if (problems.length > 0) {
		throw new UsageError(problems);
	}
	return {
		command,
		args,
		configFile: configFile === undefined ? undefined : path.resolve(configFile),
		given: given as SettingOverrides,
		exportTo: values.to,
		exportFormat: exportFormat as Options['exportFormat'],
		headless: values.headless ?? false,
		json: values.json ?? false,
		jackName,
		channels,
		bufferSeconds,
		sessionsDir,
		connect,
		silenceThresholdDb,
		silenceWindowSeconds,
		sampleFormat,
		source,
		hotkey,
		transcribe: !(values['no-transcribe'] ?? false),
		model: values.model ?? defaultModelName,
		engineUrl,
		clipboard: values.clipboard ?? false,
		format: format as AudioFormat,
		fileNaming: fileNaming as FileNaming,
		filePrefix,
	};
};

const parseSource = (raw: string, problems: string[]): SourceChoice => {
	if (raw === 'auto' || raw === 'jack' || raw === 'demo') {
		return {kind: raw};
	}
	if (raw.startsWith('file:') && raw.length > 'file:'.length) {
		return {kind: 'file', path: raw.slice('file:'.length)};
	}
	problems.push(`--source must be auto, jack, demo or file:PATH (a WAV file), got "${raw}"`);
	return {kind: 'auto'};
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
