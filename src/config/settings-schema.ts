import path from 'node:path';
import {z} from 'zod';
import {Keep} from '../session/keep-mode.js';
import {ringBytes} from '../engine/audio-ring.js';
import {jackClientNamePattern, jackPortNamePattern} from '../engine/jack-names.js';
import {defaultHotkey, parseHotkey} from '../hotkey/parse-hotkey.js';
import {AudioFormat, FileNaming, PersistFormat} from '../session/file-formats.js';
import {Trigger} from './trigger.js';
import {defaultModelName} from '../transcribe/model-catalog.js';
import {isModelName} from '../transcribe/model-resolve.js';
import {appDirs, type XdgEnv} from '../util/app-dirs.js';
import type {Decibels, Seconds} from '../util/units.js';
import {recordSampleFormats, type RecordSampleFormat} from '../wav/sample-format.js';
import {list, number, numberOr, text, type SettingSpec, type SpecValue} from './setting-spec.js';

/** Where a setting's value came from, as `omega13 config` prints it. */
export type SettingOrigin = 'default' | `config file ${string}` | `flag ${string}`;

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

const boolean = z.boolean();
const booleanExpected = 'true or false';

/** Keeps a row's value type while the table is written as an object literal. */
const row = <T>(spec: SettingSpec<T>): SettingSpec<T> => spec;

/** A number from `min` to `max` of `unit` (hours, seconds, megabytes); `help` is also the config comment. */
const range = (flag: string, arg: string, min: number, max: number, unit: string, fallback: number, help: string): SettingSpec<number> => ({
	flag,
	value: number(arg),
	schema: z.number().min(min).max(max),
	expected: `a number of ${unit} from ${min} to ${max}`,
	default: fallback,
	help,
	about: `${help}.`,
});

/**
 * Every setting, in the order `omega13 config`, `config init` and `--help` show them. A row makes the
 * setting's flag (and `--no-` form for a boolean), its check, its default, its `--help` line and its
 * comment in the config file; adding a setting is adding a row.
 */
/** A file that is not used unless named (null): absolute, or from the home directory (`~/`). */
const optionalFile = (flag: string, arg: string, help: string, about: string): SettingSpec<string | null> => ({
	flag,
	value: text(arg),
	path: 'file',
	schema: z.union([z.null(), z.string().refine(value => path.isAbsolute(value) || value.startsWith('~/'))]),
	expected: 'an absolute path or one starting with "~/", or null',
	default: null,
	help,
	helpDefault: '',
	about,
});

export const settingSpecs = {
	bufferSeconds: row({
		flag: 'buffer-seconds',
		value: number('S'),
		schema: z.number().min(1).max(1800),
		expected: 'a number from 1 to 1800',
		default: 13,
		help: 'Seconds of audio kept in memory, 1 to 1800',
		about: 'Seconds of audio kept in memory, 1 to 1800; each second takes 48000 x channels x 4 bytes.',
	}),
	sessionsDir: row({
		flag: 'sessions-dir',
		value: text('DIR'),
		path: 'directory',
		schema: z.string().refine(value => path.isAbsolute(value) || value === '~' || value.startsWith('~/')),
		expected: 'an absolute path or one starting with "~/"',
		default: dirs => dirs.sessions,
		help: 'Where session directories go',
		helpDefault: '$XDG_DATA_HOME/omega13/sessions',
		about: 'Where session directories go.',
	}),
	fileNaming: row({
		flag: 'file-naming',
		value: text('NAMING'),
		schema: z.enum(FileNaming),
		expected: '"sequential" or "timestamp"',
		default: FileNaming.sequential,
		help: 'sequential (001.wav) or timestamp (PREFIXYYYYMMDD_HHMMSS.wav)',
		about: '"sequential" names captures 001.wav, 002.wav, ...; "timestamp" names them {filePrefix}YYYYMMDD_HHMMSS.wav.',
	}),
	filePrefix: row({
		flag: 'file-prefix',
		value: text('PREFIX'),
		schema: z.string().regex(/^[\w.-]{0,32}$/),
		expected: 'up to 32 letters, digits, ".", "_" or "-"',
		default: 'omega13_',
		help: 'Start of timestamp file names',
		about: 'Starts each file name when fileNaming is "timestamp".',
	}),
	channels: row({
		flag: 'channels',
		value: number('N'),
		schema: z.number().int().min(1).max(8),
		expected: 'a whole number from 1 to 8',
		default: 2,
		help: 'Input ports in_1..in_N, 1 to 8',
		about: 'Input ports in_1..in_N, 1 to 8.',
	}),
	format: row({
		flag: 'format',
		value: text('FORMAT'),
		schema: z.enum(AudioFormat),
		expected: '"wav", "flac" or "opus"',
		default: AudioFormat.wav,
		help: 'Keep captures as wav, flac (lossless; needs flac) or opus (small, for speech; needs opusenc): written as WAV, encoded once transcribed',
		about: 'What captures are kept as: "wav", "flac" (lossless; needs the flac program) or "opus" (small, for speech; needs opusenc). Captures are written as WAV first and encoded when they end.',
	}),
	sampleFormat: row<RecordSampleFormat>({
		flag: 'sample-format',
		value: text('FORMAT'),
		schema: z.enum(recordSampleFormats),
		expected: '"float32", "int24" or "int16"',
		default: 'float32',
		help: 'WAV samples: float32, int24 or int16',
		about: 'WAV samples: "float32", "int24" or "int16". FLAC keeps int16 as 16-bit and stores the others as 24-bit.',
	}),
	jackName: row({
		flag: 'jack-name',
		value: text('NAME'),
		schema: z.string().regex(jackClientNamePattern),
		expected: '1 to 64 characters without ":"',
		default: 'omega13',
		help: 'JACK client name; also names the control socket',
		about: 'JACK client name; also names the control socket.',
	}),
	autoConnect: row({
		flag: 'auto-connect',
		schema: boolean,
		expected: booleanExpected,
		default: true,
		help: 'Connect the physical capture ports when no ports are given with --connect or remembered',
		about: 'Connect the physical capture ports when no inputs are remembered (false: connect nothing).',
	}),
	inputs: row({
		flag: 'connect',
		value: list('PORT'),
		flagWords: {none: {autoConnect: false, inputs: []}},
		schema: z.array(z.string().regex(jackPortNamePattern)).max(8).readonly(),
		expected: 'a list of up to 8 JACK port names like ["system:capture_1"]',
		itemExpected: 'a JACK port name like "system:capture_1"',
		default: [],
		help: 'Connect this JACK output port to the next input (in_1, in_2, ...); repeat for each input. "none" leaves the inputs unconnected.',
		helpDefault: 'the physical capture ports',
		about: 'JACK ports connected to in_1, in_2, ... in order (list them with jack_lsp); [] for the physical ones.',
	}),
	silenceThresholdDb: row<Decibels | 'off'>({
		flag: 'silence-threshold',
		value: numberOr('DB', 'off'),
		schema: z.union([z.number().min(-120).max(0), z.literal('off')]),
		expected: 'a number from -120 to 0 (dBFS) or "off"',
		default: -60,
		help: 'Refuse a capture when every input\'s peak is below this, in dBFS, -120 to 0, or "off"',
		about: 'Refuse a capture when every input is quieter than this, in dBFS, -120 to 0, or "off".',
	}),
	silenceWindowSeconds: row({
		flag: 'silence-window',
		value: number('S'),
		schema: z.number().min(0.05).max(10),
		expected: 'a number from 0.05 to 10',
		default: 0.5,
		help: 'How much recent input the silence gate looks at, 0.05 to 10 s',
		about: 'How much recent input the silence gate looks at, 0.05 to 10 seconds.',
	}),
	hotkey: row({
		flag: 'hotkey',
		value: text('KEY'),
		schema: z.string().superRefine((value, context) => {
			const problem = hotkeyProblem(value);
			if (problem !== undefined) {
				context.addIssue({code: 'custom', message: problem});
			}
		}),
		expected: 'a hotkey like "ctrl+alt+space" or "F9", or "off"',
		default: defaultHotkey,
		help: 'Global hotkey (X11) that toggles a capture, e.g. ctrl+alt+space, F9, ctrl+shift+r; "off" for none',
		about: 'The global hotkey that toggles a capture (needs an X display), e.g. "ctrl+alt+space" or "F9"; "off" for none.',
	}),
	trigger: row({
		flag: 'trigger',
		value: text('MODE'),
		schema: z.enum(Trigger),
		expected: '"key", "voice" or "both"',
		default: Trigger.key,
		help: 'What starts and stops captures: key (the hotkey, `omega13 toggle`), voice (speech, found by Silero VAD), or both',
		about: 'What starts and stops captures: "key" (the hotkey and `omega13 toggle`), "voice" (speech: an energy gate wakes Silero VAD) or "both" (the hotkey starts and stops early).',
	}),
	voiceBeginDb: range('voice-begin-db', 'DB', -90, 0, 'dBFS', -35, 'Voice trigger: input this loud (dBFS, any channel) wakes the speech detector, -90 to 0'),
	voiceEndDb: range('voice-end-db', 'DB', -90, 0, 'dBFS', -40, 'Voice trigger: below this (dBFS) the input counts as silence, -90 to 0 (above --voice-begin-db it is that)'),
	voiceSustainSeconds: range('voice-sustain', 'S', 0.01, 2, 'seconds', 0.1, 'Voice trigger: how long the input must stay above --voice-begin-db before the detector runs, 0.01 to 2 s'),
	voicePrerollSeconds: range('voice-preroll', 'S', 0, 1800, 'seconds', 1, 'Voice trigger: seconds kept before the speech began, 0 up to --buffer-seconds'),
	voiceHangoverSeconds: range('voice-hangover', 'S', 0.2, 60, 'seconds', 1.5, 'Voice trigger: seconds without speech that end a capture, 0.2 to 60'),
	voiceMaxSeconds: range('voice-max', 'S', 5, 3600, 'seconds', 120, 'Voice trigger: a capture this long goes on in a new one, with no frame lost or repeated, 5 to 3600 s'),
	voiceMinSpeechSeconds: range('voice-min-speech', 'S', 0.1, 10, 'seconds', 0.4, 'Voice trigger: a voice capture that held less speech than this is dropped when it ends, 0.1 to 10 s'),
	keep: row({
		flag: 'keep',
		value: text('WHAT'),
		schema: z.enum(Keep),
		expected: '"audio" or "transcript"',
		default: Keep.audio,
		help: 'What a capture leaves: audio (and its transcript), or transcript (the audio is deleted once transcribed)',
		about:
			'What a capture leaves: "audio" (the audio and its transcript) or "transcript" (privacy: the audio is deleted once its transcript is written, and --persist is off).',
	}),
	speechQueueSegments: row({
		flag: 'speech-queue',
		value: number('N'),
		schema: z.number().int().min(1).max(1000),
		expected: 'a whole number from 1 to 1000',
		default: 10,
		help: 'Voice captures waiting for transcripts, at most (past it the least salient is evicted and told), 1 to 1000',
		about: 'Voice captures waiting for transcripts, at most: past it (or --speech-queue-seconds) the least salient waiting one is evicted, not transcribed, and told with its score. 1 to 1000.',
	}),
	speechQueueSeconds: range('speech-queue-seconds', 'S', 1, 86_400, 'seconds', 100, 'Voice captures waiting for transcripts, at most this many seconds of audio in all, 1 to 86400'),
	transcription: row({
		flag: 'transcribe',
		schema: boolean,
		expected: booleanExpected,
		default: true,
		help: 'Transcribe each capture when it ends',
		about: 'Transcribe each capture when it ends.',
	}),
	model: row({
		flag: 'model',
		value: text('NAME|FILE'),
		schema: z.string().refine(value => isModelName(value) || value.includes('/') || value.endsWith('.bin')),
		expected: 'a model name like "base.en" or a path to a ggml .bin file',
		default: defaultModelName,
		help: 'Whisper model: a name (see omega13 models) or a ggml .bin file',
		about: 'The whisper model: a name like "base.en" (see `omega13 models`) or a path to a ggml .bin file.',
	}),
	engineUrl: row<string | null>({
		flag: 'engine-url',
		value: text('URL'),
		schema: z.union([z.null(), z.string().refine(isHttpUrl)]),
		expected: 'an http:// or https:// URL, or null',
		default: null,
		help: 'Send captures to this whisper.cpp server or OpenAI-compatible /v1/audio/transcriptions URL instead of running whisper.cpp here',
		helpDefault: '',
		about: 'A whisper server to send captures to, e.g. "http://127.0.0.1:8080"; null runs whisper.cpp here.',
	}),
	engineModel: row<string | null>({
		flag: 'engine-model',
		value: text('NAME'),
		schema: z.union([z.null(), z.string().regex(/^[\w.:/-]{1,100}$/)]),
		expected: 'a model name like "whisper-1" or "gpt-4o-transcribe", or null',
		default: null,
		help: 'The model an OpenAI-compatible --engine-url is asked for',
		helpDefault: 'whisper-1',
		about: 'The model an OpenAI-compatible engineUrl is asked for; null for "whisper-1".',
	}),
	engineKeyFile: optionalFile(
		'engine-key-file',
		'FILE',
		'A file (mode 0600) holding the key for an OpenAI-compatible --engine-url; OMEGA13_ENGINE_KEY or OPENAI_API_KEY win over it. The key itself is never a flag',
		'A file (mode 0600) whose first line is the key for an OpenAI-compatible engineUrl; OMEGA13_ENGINE_KEY or OPENAI_API_KEY win over it. The key itself is never a setting or a flag (a flag would show in `ps`).',
	),
	whisperBin: optionalFile(
		'whisper-bin',
		'PATH',
		'Your own whisper.cpp whisper-cli, run once per capture instead of the bundled whisper.cpp',
		'Your own whisper.cpp whisper-cli (built for your CPU or GPU), run once per capture instead of the bundled whisper.cpp; null for the bundled one.',
	),
	clipboard: row({
		flag: 'clipboard',
		schema: boolean,
		expected: booleanExpected,
		default: false,
		help: 'Copy each new transcript to the clipboard (wl-copy or xclip)',
		about: 'Copy each finished transcript to the clipboard.',
	}),
	type: row({
		flag: 'type',
		schema: boolean,
		expected: booleanExpected,
		default: false,
		help: 'Type each new transcript into the focused window (xdotool on X11, wtype or ydotool on Wayland)',
		about: 'Type each finished transcript into the focused window, as dictation does (xdotool on X11, wtype or ydotool on Wayland).',
	}),
	notify: row({
		flag: 'notify',
		schema: boolean,
		expected: booleanExpected,
		default: false,
		help: 'Show a desktop notification with the first words of each new transcript (notify-send)',
		about: 'Show a desktop notification (notify-send) with the first words of each finished transcript.',
	}),
	serve: row({
		flag: 'serve',
		schema: boolean,
		expected: booleanExpected,
		default: false,
		help: 'Serve the HTTP API (audio, waveform, status, captures; see the README) on 127.0.0.1',
		about: 'Serve the local HTTP API on 127.0.0.1; every request needs the token `omega13 serve token` prints.',
	}),
	servePort: row({
		flag: 'serve-port',
		value: number('N'),
		schema: z.number().int().min(0).max(65_535),
		expected: 'a whole number from 0 to 65535',
		default: 13_013,
		help: 'The HTTP API\'s port, 0 for any free one (printed at start)',
		about: 'The HTTP API port (0: any free port, printed at start).',
	}),
	serveHost: row({
		flag: 'serve-host',
		value: text('ADDR'),
		schema: z.string().min(1).max(253),
		expected: 'an address like "127.0.0.1"',
		default: '127.0.0.1',
		help: 'Listen on ADDR instead: anyone who reaches it (with the token) gets the audio; beyond loopback only as this flag, never from the config file',
		about: 'The address the API listens on. Anything but loopback must be given as the flag --serve-host (never from this file): it lets the network ask for the audio.',
	}),
	persist: range('persist', 'HOURS', 0, 8760, 'hours', 0, 'Keep this many hours of audio on disk in rolling chunk files (a dashcam), 0 for none'),
	persistDir: row({
		flag: 'persist-dir',
		value: text('DIR'),
		path: 'directory',
		schema: z.string().refine(value => path.isAbsolute(value) || value === '~' || value.startsWith('~/')),
		expected: 'an absolute path or one starting with "~/"',
		default: dirs => path.join(dirs.data, 'persist'),
		help: 'Where the persisted chunks go (a folder per UTC day)',
		helpDefault: '$XDG_DATA_HOME/omega13/persist',
		about: 'Where persisted chunks go (a folder per UTC day).',
	}),
	persistFormat: row({
		flag: 'persist-format',
		value: text('FORMAT'),
		schema: z.enum(PersistFormat),
		expected: '"opus", "flac" or "wav"',
		default: PersistFormat.opus,
		help: 'Persisted chunks as opus (32 kbit/s, about 14 MB an hour), flac (24-bit) or wav (float)',
		about: 'Persisted chunks as "opus" (32 kbit/s, about 14 MB an hour), "flac" (24-bit) or "wav" (float).',
	}),
	persistChunkSeconds: range('persist-chunk-seconds', 'S', 60, 300, 'seconds', 60, 'Length of one persisted chunk file, 60 to 300 s'),
	persistMaxMB: range('persist-max-mb', 'MB', 1, 100_000_000, 'megabytes', 2048, 'Past this many MB of chunks the oldest are deleted (as are chunks older than --persist hours)'),
	persistMinFreeMB: range('persist-min-free-mb', 'MB', 0, 100_000_000, 'megabytes', 500, 'Persisting pauses while the disk has less free space than this, and resumes when it is back'),
	archive: row<string | null>({
		flag: 'archive',
		value: text('s3://BUCKET/PREFIX'),
		schema: z.union([z.null(), z.string().regex(/^s3:\/\/[a-z\d][a-z\d.-]{1,61}[a-z\d](\/.*)?$/)]),
		expected: 'an s3:// URL like "s3://my-bucket/omega13", or null',
		default: null,
		help: 'Upload each persisted chunk to S3-compatible storage (credentials: the standard AWS environment/profile chain); chunks stay on disk until uploaded',
		helpDefault: '',
		about: 'Upload each persisted chunk to this S3 bucket and prefix (credentials from the standard AWS chain, never stored); null for none.',
	}),
	archiveCaptures: row({
		flag: 'archive-captures',
		schema: boolean,
		expected: booleanExpected,
		default: false,
		help: 'With --archive: also upload each capture (audio in its final format, and its transcript) once it is settled, under PREFIX/sessions/SESSION/',
		about: 'With "archive": also upload each capture and its transcript, under PREFIX/sessions/SESSION/, once transcribed and encoded.',
	}),
	archiveEndpoint: row<string | null>({
		flag: 'archive-endpoint',
		value: text('URL'),
		schema: z.union([z.null(), z.string().refine(isHttpUrl)]),
		expected: 'an http:// or https:// URL, or null for AWS',
		default: null,
		help: 'An S3-compatible endpoint for --archive (MinIO, R2, ...)',
		helpDefault: 'AWS',
		about: 'An S3-compatible endpoint (MinIO, R2, ...), e.g. "https://ACCOUNT.r2.cloudflarestorage.com"; null: AWS.',
	}),
};

export type SettingKey = keyof typeof settingSpecs;

/** Every setting, as the app uses it (checked, paths resolved). Keys are the config file's keys. */
export type Settings = {readonly [K in SettingKey]: SpecValue<(typeof settingSpecs)[K]>};

export const settingKeys = Object.keys(settingSpecs) as SettingKey[];

/** The rows as plain specs, for code that walks the table. */
export const specOf = (key: SettingKey): SettingSpec<unknown> => settingSpecs[key] as SettingSpec<unknown>;

/** The config file: every key optional, unknown keys refused. */
export const settingsFileSchema = z
	.strictObject(Object.fromEntries(settingKeys.map(key => [key, specOf(key).schema])) as Record<SettingKey, z.ZodType>)
	.partial();

/** The defaults. Only `sessionsDir` depends on the environment (XDG_DATA_HOME). */
export const defaultSettings = (env: XdgEnv = process.env, home?: string): Settings => {
	const dirs = home === undefined ? appDirs(env) : appDirs(env, home);
	return Object.fromEntries(
		settingKeys.map(key => {
			const value = specOf(key).default;
			return [key, typeof value === 'function' ? (value as (dirs: unknown) => unknown)(dirs) : value];
		}),
	) as Settings;
};

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

/** Bytes the pre-roll ring takes at the estimated rate. */
export const bufferBytes = (seconds: Seconds, channels: number): number => ringBytes(seconds, estimateRate, channels);
