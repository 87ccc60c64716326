import {execFile} from 'node:child_process';
import {constants, existsSync} from 'node:fs';
import {access, lstat, statfs} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {formatBytes} from '../config/format-settings.js';
import {bufferBytes, defaultSettings, estimateRate, type Settings} from '../config/settings-schema.js';
import {checkXDisplay} from '../hotkey/x-display.js';
import {encoderPrograms, missingPrograms} from '../session/encode-capture.js';
import type {EncodeFormat} from '../session/file-formats.js';
import {bytesPerSample} from '../wav/sample-format.js';
import {checkModelFile, resolveModel} from '../transcribe/model-resolve.js';
import {TranscriptionError} from '../transcribe/transcription-error.js';
import {findKnownModel, sileroModelName} from '../transcribe/model-catalog.js';
import {runSetup} from '../transcribe/run-setup.js';
import {networkCause} from '../transcribe/http-transcribe.js';
import {runningInstances} from '../control/find-instance.js';
import {appDirs} from '../util/app-dirs.js';
import {isExecutable} from '../util/tied-to-us.js';

/** One check: fine, or what is wrong and what to do about it. */
export type DoctorLine = {
	readonly ok: boolean;
	/** Neither fine nor wrong, but worth knowing (omega13 is running): shown as `info`, exits 0. */
	readonly info?: boolean;
	/** What was checked and what was found. */
	readonly what: string;
	/** What to do (always there when not ok; a hint on some ok lines). */
	readonly fix?: string;
};

export type DoctorOptions = {
	/** The effective settings (`resolveSettings`). @default the defaults */
	readonly settings?: Settings;
	/** The environment: JACK_DEFAULT_SERVER, DISPLAY, PATH, OMEGA13_MODELS_DIR, XDG dirs. @default process.env */
	readonly env?: NodeJS.ProcessEnv;
	/** How long the JACK and X display probes may take each. @default 3000 */
	readonly timeoutMs?: number;
};

/** Below this much free space the disk line is not ok. */
const minFreeBytes = 1024 ** 3;

/**
 * `omega13 doctor`: checks what omega13 needs, each line ok or what to do. Nothing is loaded into this
 * process (no JACK addon, no keyboard hook): JACK is asked through `jack_lsp`, the X display through a
 * throwaway probe process, so a broken setup cannot crash the doctor. The checks run at the same time.
 */
export const runDoctor = async (options: DoctorOptions = {}): Promise<DoctorLine[]> => {
	const env = options.env ?? process.env;
	const settings = options.settings ?? defaultSettings(env);
	const timeoutMs = options.timeoutMs ?? 3000;
	if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
		throw new RangeError(`runDoctor: timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
	}
	const groups = await Promise.all([
		checkJack(settings, env, timeoutMs),
		checkHotkey(settings, env, timeoutMs),
		checkTranscription(settings, env, timeoutMs),
		checkMemory(settings),
		checkDisk(settings),
		checkSessionsDir(settings.sessionsDir),
		checkEncoder('flac', settings, env),
		checkEncoder('opus', settings, env),
	]);
	return groups.flat();
};

/** The doctor's lines for a terminal: `ok` or `FIX` first, then what to do under a line that is not ok. */
export const formatDoctor = (lines: readonly DoctorLine[]): string =>
	lines
		.map((line) => {
			const head = `${line.ok ? (line.info === true ? 'info' : ' ok ') : 'FIX '} ${line.what}`;
			return line.fix === undefined ? head : `${head}\n       ${line.ok ? '(' : '-> '}${line.fix}${line.ok ? ')' : ''}`;
		})
		.join('\n');

/** 0 when every line is ok, else 1. */
export const doctorExitCode = (lines: readonly DoctorLine[]): number => (lines.every((line) => line.ok) ? 0 : 1);

type Run = {readonly ok: true; readonly stdout: string} | {readonly ok: false; readonly reason: 'missing' | 'timeout' | 'failed'; readonly message: string};

const runProgram = (program: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> =>
	new Promise((resolve) => {
		execFile(program, args, {env, timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 1024 * 1024}, (error, stdout, stderr) => {
			if (error === null) {
				resolve({ok: true, stdout});
			} else if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				resolve({ok: false, reason: 'missing', message: error.message});
			} else if (error.killed) {
				resolve({ok: false, reason: 'timeout', message: `no answer within ${timeoutMs} ms`});
			} else {
				resolve({ok: false, reason: 'failed', message: (stderr.trim().split('\n').at(-1) ?? '') || error.message});
			}
		});
	});

const startJackFix =
	'start JACK: `jackd -d alsa` (or QjackCtl, or PipeWire with pipewire-jack), then run omega13; for a test without a sound card: `jackd -d dummy`';

const checkJack = async (settings: Settings, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<DoctorLine[]> => {
	const server = env['JACK_DEFAULT_SERVER'] ?? 'default';
	// Without this, libjack may start a server of its own from ~/.jackdrc just to answer the question.
	const result = await runProgram('jack_lsp', ['-p'], {...env, JACK_NO_START_SERVER: '1'}, timeoutMs);
	if (!result.ok) {
		const notChecked: DoctorLine = {ok: false, what: 'JACK ports: not checked (no JACK server to ask)', fix: 'start the JACK server first'};
		if (result.reason === 'missing') {
			return [
				{ok: false, what: 'JACK server: cannot be checked, jack_lsp is not installed', fix: 'install JACK (Debian/Ubuntu: apt-get install jackd2)'},
				notChecked,
			];
		}
		if (result.reason === 'timeout') {
			return [{ok: false, what: `JACK server "${server}": ${result.message}`, fix: 'the server is stuck: restart it'}, notChecked];
		}
		return [{ok: false, what: `JACK server "${server}": not running`, fix: startJackFix}, notChecked];
	}
	const ports = parsePorts(result.stdout);
	const lines: DoctorLine[] = [{ok: true, what: `JACK server "${server}": running, ${ports.length} ports`}];
	const taken = ports.filter((port) => port.name.startsWith(`${settings.jackName}:`));
	if (taken.length > 0) {
		// omega13 itself holding the name is how things should be while it runs, not something to fix.
		const running = (await runningInstances(appDirs(env).runtime)).find((instance) => instance.jackName === settings.jackName);
		lines.push(
			running === undefined
				? {
						ok: false,
						what: `JACK client name "${settings.jackName}" is taken by another program (${taken[0]!.name})`,
						fix: 'stop that program, or give omega13 another --jack-name',
					}
				: {
						ok: true,
						info: true,
						what: `omega13 is running as "${settings.jackName}" (pid ${running.pid})`,
						fix: 'a second omega13 at the same time needs another --jack-name',
					},
		);
	}
	const outputs = ports.filter((port) => port.properties.includes('output'));
	if (settings.inputs.length > 0) {
		const missing = settings.inputs.filter((input) => !outputs.some((port) => port.name === input));
		lines.push(
			missing.length === 0
				? {ok: true, what: `JACK ports: the inputs ${settings.inputs.join(', ')} are there`}
				: {
						ok: false,
						what: `JACK ports: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not there`,
						fix: `list the ports with \`jack_lsp -p\` (outputs: ${outputs.slice(0, 6).map((port) => port.name).join(', ') || 'none'}) and fix "inputs" or --connect`,
					},
		);
	} else if (settings.autoConnect) {
		const physical = outputs.filter((port) => port.properties.includes('physical'));
		lines.push(
			physical.length === 0
				? {ok: false, what: 'JACK ports: no physical capture ports to connect', fix: 'connect a sound card to JACK, or name the ports with --connect PORT'}
				: {
						ok: true,
						what: `JACK ports: ${physical.length} physical capture port${physical.length === 1 ? '' : 's'} (${physical
							.slice(0, 4)
							.map((port) => port.name)
							.join(', ')}) for ${settings.channels} input${settings.channels === 1 ? '' : 's'}`,
					},
		);
	} else {
		lines.push({ok: true, what: 'JACK ports: the inputs are left unconnected (autoConnect is false)'});
	}
	return lines;
};

type Port = {readonly name: string; readonly properties: readonly string[]};

/** `jack_lsp -p` prints a port name, then an indented `properties: output,physical,terminal,` line. */
const parsePorts = (text: string): Port[] => {
	const ports: Array<{name: string; properties: string[]}> = [];
	for (const line of text.split('\n')) {
		const properties = /^\s+properties:\s*(.*)$/.exec(line);
		if (properties !== null) {
			const last = ports.at(-1);
			if (last !== undefined) {
				last.properties = properties[1]!.split(',').filter((value) => value !== '');
			}
		} else if (line.trim() !== '') {
			ports.push({name: line.trim(), properties: []});
		}
	}
	return ports;
};

const checkHotkey = async (settings: Settings, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<DoctorLine[]> => {
	if (settings.hotkey === 'off') {
		return [{ok: true, what: 'Hotkey: off (trigger with `omega13 toggle`, or bind it in your desktop)'}];
	}
	const display = await checkXDisplay({env, timeoutMs});
	if (display.ok) {
		return [{ok: true, what: `Hotkey ${settings.hotkey}: the X display ${display.display} works`}];
	}
	return [
		{
			ok: false,
			what: `Hotkey ${settings.hotkey}: ${display.reason}`,
			fix: 'run omega13 inside an X session (or with DISPLAY set), or on Wayland bind `omega13 toggle` to a key in your desktop\'s settings and set "hotkey": "off"',
		},
	];
};

const checkTranscription = async (settings: Settings, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<DoctorLine[]> => {
	if (!settings.transcription) {
		return [{ok: true, what: 'Transcription: off'}];
	}
	if (settings.engineUrl !== null) {
		return [await checkEngineUrl(settings.engineUrl, timeoutMs)];
	}
	const lines: DoctorLine[] = [];
	if (settings.whisperBin === null) {
		try {
			const setup = await runSetup({env});
			lines.push({ok: true, what: `${setup.engine}: loads`});
		} catch (error) {
			lines.push({ok: false, what: `whisper.cpp: ${(error as Error).message}`, fix: 'run `npm ci` in omega13 again, or set "whisperBin" to your own whisper-cli'});
		}
	} else {
		lines.push(
			isExecutable(settings.whisperBin)
				? {ok: true, what: `whisper.cpp: your whisper-cli at ${settings.whisperBin}`}
				: {ok: false, what: `whisper.cpp: ${settings.whisperBin} is not an executable file`, fix: 'set "whisperBin" to whisper.cpp\'s whisper-cli, or to null for the bundled whisper.cpp'},
		);
	}
	const silero = resolveModel(sileroModelName, env);
	lines.push(
		existsSync(silero.path)
			? {ok: true, what: `Silero VAD: ${silero.path}`}
			: {ok: false, what: 'Silero VAD: no model, so silence is transcribed too', fix: 'run `omega13 models download silero` (0.9 MB)'},
	);
	let model;
	try {
		model = resolveModel(settings.model, env);
		await checkModelFile(model);
		lines.push({ok: true, what: `Whisper model ${model.name}: ${model.path}`});
	} catch (error) {
		const name = model?.name ?? settings.model;
		const found = error instanceof TranscriptionError && error.code === 'model-invalid' ? 'is not a valid whisper model' : 'is not there';
		lines.push({
			ok: false,
			what: `Whisper model ${name}: ${model === undefined ? (error as Error).message : `${model.path} ${found}`}`,
			// Only a name the catalog knows can be downloaded (not `bad1` from `/path/bad1.bin`).
			fix: findKnownModel(name) !== undefined
				? `run \`omega13 models download ${name}\`, or set "model" to a ggml .bin file you have`
				: 'set "model" to a ggml .bin file, or to a model name like "base.en" and download it with `omega13 models download base.en`',
		});
	}
	return lines;
};

/** Any HTTP answer means the server is there (what it says to a GET does not matter); no answer is the problem. */
const checkEngineUrl = async (url: string, timeoutMs: number): Promise<DoctorLine> => {
	try {
		const response = await fetch(url, {signal: AbortSignal.timeout(timeoutMs)});
		await response.body?.cancel();
		return {ok: true, what: `Transcription: by the server at ${url} (it answers, HTTP ${response.status})`};
	} catch (error) {
		const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : networkCause(error);
		return {
			ok: false,
			what: `Transcription: the server at ${url} cannot be reached (${why})`,
			fix: 'start the server, or correct --engine-url ("engineUrl"), or set it to null to transcribe here with whisper.cpp',
		};
	}
};

const checkDisk = async (settings: Settings): Promise<DoctorLine[]> => {
	const dir = await nearestExisting(settings.sessionsDir);
	let free: number;
	try {
		const info = await statfs(dir);
		free = info.bavail * info.bsize;
	} catch (error) {
		return [{ok: false, what: `Disk: cannot tell the free space in ${dir} (${(error as Error).message})`, fix: 'check that the sessions directory is on a mounted file system'}];
	}
	const bytesPerMinute = estimateRate * settings.channels * bytesPerSample(settings.sampleFormat) * 60;
	const minutes = Math.floor(free / bytesPerMinute);
	const room = minutes >= 120 ? `${Math.floor(minutes / 60)} hours` : `${minutes} minutes`;
	const what = `Disk: ${formatBytes(free)} free for ${settings.sessionsDir} (about ${room} of ${settings.channels}-channel ${settings.sampleFormat} WAV at 48 kHz)`;
	return free >= minFreeBytes
		? [{ok: true, what}]
		: [{ok: false, what, fix: 'free some space, or point "sessionsDir" (--sessions-dir) at a disk with room'}];
};

const checkSessionsDir = async (dir: string): Promise<DoctorLine[]> => {
	let info;
	try {
		info = await lstat(dir);
	} catch {
		const parent = await nearestExisting(dir);
		try {
			await access(parent, constants.W_OK | constants.X_OK);
			return [{ok: true, what: `Sessions directory ${dir}: not there yet, will be made (mode 0700) at the first capture`}];
		} catch {
			return [{ok: false, what: `Sessions directory ${dir}: cannot be made, ${parent} is not writable`, fix: `choose another "sessionsDir", or make it yourself: mkdir -m 700 -p ${dir}`}];
		}
	}
	if (info.isSymbolicLink() || !info.isDirectory()) {
		return [{ok: false, what: `Sessions directory ${dir}: is not a directory (a symlink or a file is in the way)`, fix: 'move it away, or choose another "sessionsDir"'}];
	}
	const uid = process.getuid?.();
	if (uid !== undefined && info.uid !== uid) {
		return [{ok: false, what: `Sessions directory ${dir}: belongs to uid ${info.uid}, not to you (uid ${uid})`, fix: 'choose a directory of your own for "sessionsDir"'}];
	}
	try {
		await access(dir, constants.W_OK | constants.X_OK);
	} catch {
		return [{ok: false, what: `Sessions directory ${dir}: not writable`, fix: `chmod 700 ${dir}`}];
	}
	const mode = info.mode & 0o7777;
	if ((mode & 0o077) !== 0) {
		// Left so by omega13 (it may be a folder shared on purpose); the sessions in it are private.
		return [
			{
				ok: true,
				what: `Sessions directory ${dir}: mode ${mode.toString(8).padStart(4, '0')}, open to others, but each session in it is private (0700, files 0600)`,
				fix: `chmod 700 ${dir} to hide even the sessions' names`,
			},
		];
	}
	return [{ok: true, what: `Sessions directory ${dir}: private (0700)`}];
};

const checkEncoder = async (format: EncodeFormat, settings: Settings, env: NodeJS.ProcessEnv): Promise<DoctorLine[]> => {
	const {programs, debianPackage} = encoderPrograms[format];
	const missing = await missingPrograms(format, env);
	const name = format === 'flac' ? 'FLAC' : 'Opus';
	const install = `apt-get install ${debianPackage}`;
	if (missing.length === 0) {
		return [{ok: true, what: `${name}: ${programs.join(' and ')} found`}];
	}
	const what = `${name}: ${missing.join(' and ')} not installed`;
	return settings.format === format
		? [{ok: false, what: `${what}, but "format" is "${format}"`, fix: `install them (Debian/Ubuntu: ${install}), or set "format": "wav"`}]
		: [{ok: true, what: `${what} (only needed for "format": "${format}")`, fix: install}];
};

const nearestExisting = async (dir: string): Promise<string> => {
	let current = path.resolve(dir);
	for (;;) {
		try {
			await lstat(current);
			return current;
		} catch {
			const parent = path.dirname(current);
			if (parent === current) {
				return current;
			}
			current = parent;
		}
	}
};

/** The pre-roll buffer lives in memory for as long as omega13 runs: it must fit with room to spare. */
const checkMemory = (settings: Settings): DoctorLine[] => {
	const bytes = bufferBytes(settings.bufferSeconds, settings.channels);
	const total = os.totalmem();
	const what = `Memory: the ${settings.bufferSeconds} s buffer of ${settings.channels} channels takes ${formatBytes(bytes)} at 48 kHz (this machine has ${formatBytes(total)})`;
	return bytes <= total / 4 ? [{ok: true, what}] : [{ok: false, what, fix: 'lower "bufferSeconds" or "channels"'}];
};
