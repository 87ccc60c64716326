import path from 'node:path';
import {z} from 'zod';
import type {Decibels, Seconds} from '../util/units.js';
import {defaultHotkey, parseHotkey} from '../hotkey/parse-hotkey.js';
import {appDirs, type XdgEnv} from '../util/app-dirs.js';
import {defaultModelName} from '../transcribe/model-catalog.js';
import {isModelName} from '../transcribe/model-resolve.js';
import {FileNaming} from '../session/capture-file-name.js';
import {AudioFormat} from '../session/encode-capture.js';
import {recordSampleFormats, type RecordSampleFormat} from '../wav/sample-format.js';

/** Every setting, as the app uses it (paths resolved). Keys are the config file's keys. */
export type Settings = {
	readonly bufferSeconds: Seconds;
	/** Absolute. */
	readonly sessionsDir: string;
	readonly fileNaming: FileNaming;
	readonly filePrefix: string;
	readonly channels: number;
	readonly format: AudioFormat;
	readonly sampleFormat: RecordSampleFormat;
	readonly jackName: string;
	/** Connect the physical capture ports when `inputs` is empty. */
	readonly autoConnect: boolean;
	/** Remembered JACK output ports, connected to in_1, in_2, ... in order. */
	readonly inputs: readonly string[];
	readonly silenceThresholdDb: Decibels | 'off';
	readonly silenceWindowSeconds: Seconds;
	/** A hotkey name (`ctrl+alt+space`) or `off`. */
	readonly hotkey: string;
	readonly transcription: boolean;
	/** A model name (`base.en`) or a path to a ggml `.bin` file. */
	readonly model: string;
	/** A whisper server to send audio to; `null` runs whisper.cpp here. */
	readonly engineUrl: string | null;
	readonly clipboard: boolean;
};
export type SettingKey = keyof Settings;

/** Where a setting's value came from, as `omega13 config` prints it. */
export type SettingOrigin = 'default' | `config file ${string}` | `flag ${string}`;

const jackPortPattern = /^[^:]+:.+$/;

const isHttpUrl = (value: string): boolean => {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
};

const hotkeyProblem = (value: string): string | undefined => {
	if (value === 'off') {
		return undefined;
	}
	try {
		parseHotkey(value);
		return undefined;
	} catch (error) {
		// The message repeats the value; the config message already shows it.
		const message = (error as Error).message;
		const prefix = `bad hotkey "${value}": `;
		return message.startsWith(prefix) ? message.slice(prefix.length) : message;
	}
};

/** A setting's validation and documentation, in one place so the file, the flags and the help agree. */
export type SettingSpec = {
	readonly schema: z.ZodType;
	/** "expected ..." in messages: what a good value looks like. */
	readonly expected: string;
	/** For a list: what one item looks like. */
	readonly itemExpected?: string;
	/** The command-line flag that sets it. */
	readonly flag: string;
	/** The flag that sets a boolean to false, when there is one. */
	readonly negatedFlag?: string;
	/** One line for the commented starting file. */
	readonly about: string;
};

const boolean = (flag: string, negatedFlag: string | undefined, about: string): SettingSpec => ({
	schema: z.boolean(),
	expected: 'true or false',
	flag,
	...(negatedFlag === undefined ? {} : {negatedFlag}),
	about,
});

/** In display order. */
export const settingSpecs: {readonly [K in SettingKey]: SettingSpec} = {
	bufferSeconds: {
		schema: z.number().min(1).max(1800),
		expected: 'a number from 1 to 1800',
		flag: '--buffer-seconds',
		about: 'Seconds of audio kept in memory, 1 to 1800; each second takes 48000 x channels x 4 bytes.',
	},
	sessionsDir: {
		schema: z.string().refine((value) => path.isAbsolute(value) || value === '~' || value.startsWith('~/')),
		expected: 'an absolute path or one starting with "~/"',
		flag: '--sessions-dir',
		about: 'Where session directories go.',
	},
	fileNaming: {
		schema: z.enum(FileNaming),
		expected: '"sequential" or "timestamp"',
		flag: '--file-naming',
		about: '"sequential" names captures 001.wav, 002.wav, ...; "timestamp" names them {filePrefix}YYYYMMDD_HHMMSS.wav.',
	},
	filePrefix: {
		schema: z.string().regex(/^[\w.-]{0,32}$/),
		expected: 'up to 32 letters, digits, ".", "_" or "-"',
		flag: '--file-prefix',
		about: 'Starts each file name when fileNaming is "timestamp".',
	},
	channels: {
		schema: z.number().int().min(1).max(8),
		expected: 'a whole number from 1 to 8',
		flag: '--channels',
		about: 'Input ports in_1..in_N, 1 to 8.',
	},
	format: {
		schema: z.enum(AudioFormat),
		expected: '"wav", "flac" or "opus"',
		flag: '--format',
		about: 'What captures are kept as: "wav", "flac" (lossless; needs the flac program) or "opus" (small, for speech; needs opusenc). Captures are written as WAV first and encoded when they end.',
	},
	sampleFormat: {
		schema: z.enum(recordSampleFormats),
		expected: '"float32", "int24" or "int16"',
		flag: '--sample-format',
		about: 'WAV samples: "float32", "int24" or "int16". FLAC keeps int16 as 16-bit and stores the others as 24-bit.',
	},
	jackName: {
		schema: z.string().regex(/^[^:]{1,64}$/),
		expected: '1 to 64 characters without ":"',
		flag: '--jack-name',
		about: 'JACK client name; also names the control socket.',
	},
	autoConnect: boolean('--connect', undefined, 'Connect the physical capture ports when no inputs are remembered (false: connect nothing).'),
	inputs: {
		schema: z.array(z.string().regex(jackPortPattern)).max(8),
		expected: 'a list of up to 8 JACK port names like ["system:capture_1"]',
		itemExpected: 'a JACK port name like "system:capture_1"',
		flag: '--connect',
		about: 'JACK ports connected to in_1, in_2, ... in order (list them with jack_lsp); [] for the physical ones.',
	},
	silenceThresholdDb: {
		schema: z.union([z.number().min(-120).max(0), z.literal('off')]),
		expected: 'a number from -120 to 0 (dBFS) or "off"',
		flag: '--silence-threshold',
		about: 'Refuse a capture when every input is quieter than this, in dBFS, -120 to 0, or "off".',
	},
	silenceWindowSeconds: {
		schema: z.number().min(0.05).max(10),
		expected: 'a number from 0.05 to 10',
		flag: '--silence-window',
		about: 'How much recent input the silence gate looks at, 0.05 to 10 seconds.',
	},
	hotkey: {
		schema: z.string().superRefine((value, context) => {
			const problem = hotkeyProblem(value);
			if (problem !== undefined) {
				context.addIssue({code: 'custom', message: problem});
			}
		}),
		expected: 'a hotkey like "ctrl+alt+space" or "F9", or "off"',
		flag: '--hotkey',
		about: 'The global hotkey that toggles a capture (needs an X display), e.g. "ctrl+alt+space" or "F9"; "off" for none.',
	},
	transcription: boolean('--transcribe', '--no-transcribe', 'Transcribe each capture when it ends.'),
	model: {
		schema: z.string().refine((value) => isModelName(value) || value.includes('/') || value.endsWith('.bin')),
		expected: 'a model name like "base.en" or a path to a ggml .bin file',
		flag: '--model',
		about: 'The whisper model: a name like "base.en" (see `omega13 models`) or a path to a ggml .bin file.',
	},
	engineUrl: {
		schema: z.union([z.null(), z.string().refine(isHttpUrl)]),
		expected: 'an http:// or https:// URL, or null',
		flag: '--engine-url',
		about: 'A whisper server to send captures to, e.g. "http://127.0.0.1:8080"; null runs whisper.cpp here.',
	},
	clipboard: boolean('--clipboard', '--no-clipboard', 'Copy each finished transcript to the clipboard.'),
};

export const settingKeys = Object.keys(settingSpecs) as SettingKey[];

/** The config file: every key optional, unknown keys refused. */
export const settingsFileSchema = z
	.strictObject(Object.fromEntries(settingKeys.map((key) => [key, settingSpecs[key].schema])) as Record<SettingKey, z.ZodType>)
	.partial();

/** The defaults. Only `sessionsDir` depends on the environment (XDG_DATA_HOME). */
export const defaultSettings = (env: XdgEnv = process.env, home?: string): Settings => ({
	bufferSeconds: 13,
	sessionsDir: (home === undefined ? appDirs(env) : appDirs(env, home)).sessions,
	fileNaming: 'sequential',
	filePrefix: 'omega13_',
	channels: 2,
	format: 'wav',
	sampleFormat: 'float32',
	jackName: 'omega13',
	autoConnect: true,
	inputs: [],
	silenceThresholdDb: -60,
	silenceWindowSeconds: 0.5,
	hotkey: defaultHotkey,
	transcription: true,
	model: defaultModelName,
	engineUrl: null,
	clipboard: false,
});

/** The name of the config file inside the config directory. */
export const configFileName = 'config.json';

/** `$XDG_CONFIG_HOME/omega13/config.json`. */
export const defaultConfigPath = (env: XdgEnv = process.env, home?: string): string =>
	path.join((home === undefined ? appDirs(env) : appDirs(env, home)).config, configFileName);

/** The ports to connect, in the form the recorder takes (`--connect`'s). */
export const connectPlan = (settings: Pick<Settings, 'autoConnect' | 'inputs'>): readonly string[] | 'physical' | 'none' =>
	settings.inputs.length > 0 ? settings.inputs : settings.autoConnect ? 'physical' : 'none';

/** The silence gate threshold as the engine takes it: `-Infinity` when the gate is off. */
export const silenceThreshold = (settings: Pick<Settings, 'silenceThresholdDb'>): Decibels =>
	settings.silenceThresholdDb === 'off' ? Number.NEGATIVE_INFINITY : settings.silenceThresholdDb;

/** Sample rate the memory estimate assumes: JACK's usual rate (the real one is the server's). */
export const estimateRate = 48_000;

/** Bytes the pre-roll ring takes: seconds x rate x channels x 4 (it holds 32-bit floats). */
export const bufferBytes = (seconds: Seconds, channels: number, rate: number = estimateRate): number =>
	Math.round(seconds * rate) * channels * 4;
