import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {tiedToUs} from '../util/tied-to-us.js';
import {freeLoopbackPort} from './free-port.js';
import {postAudio} from './http-transcribe.js';
import {checkModelFile, type ResolvedModel} from './model-resolve.js';
import {TranscriptionError} from './transcription-error.js';
import {abortReason, type EngineRequest, type EngineResult, type TranscriptionEngine} from './transcription-engine.js';
import type {WhisperBinaries} from './whisper-build.js';
import {parseVerboseJson} from './whisper-output.js';
import {failedLoadingModel, lastError} from './whisper-stderr.js';
import {defaultThreads} from './whisper-threads.js';

export type ServerEngineOptions = {
	readonly binaries: WhisperBinaries;
	readonly model: ResolvedModel;
	/** @default 'en' */
	readonly language?: string;
	/** @default the number of cores, at most 8 */
	readonly threads?: number;
	/** How long loading the model and binding the port may take. @default 120000 */
	readonly startTimeoutMs?: number;
	/** Told about each server process as it starts (tests use it to kill one mid-run). */
	readonly onSpawn?: (child: ChildProcess) => void;
};

type Exit = {readonly code: number | null; readonly signal: NodeJS.Signals | null};

type RunningServer = {
	readonly child: ChildProcess;
	readonly port: number;
	readonly exited: Promise<Exit>;
	exit: Exit | undefined;
	readonly stderr: string[];
};

const stderrLinesKept = 60;
const bindAttempts = 3;

/**
 * Keeps a model loaded between captures: whisper.cpp's `server` on a free loopback port, started on the
 * first transcription, sent each capture over HTTP, restarted if it dies, stopped by `dispose()`. It
 * runs in a private scratch directory because the 1.5.0 server writes each upload to a fixed file name
 * in its working directory. A time-out kills it (a running inference cannot be cancelled otherwise); the
 * next capture starts a new one.
 */
export class WhisperServerEngine implements TranscriptionEngine {
	readonly description: string;
	readonly model: string;
	readonly language: string;
	readonly #options: ServerEngineOptions;
	readonly #threads: number;
	#server: Promise<RunningServer> | undefined;
	#workDir: Promise<string> | undefined;
	#disposed: Promise<void> | undefined;
	/** Milliseconds the last start took (model load included), for the bench. */
	lastStartMs: number | undefined;

	constructor(options: ServerEngineOptions) {
		const {language = 'en', threads = defaultThreads()} = options;
		if (!Number.isInteger(threads) || threads < 1) {
			throw new RangeError(`WhisperServerEngine: threads must be a whole number of at least 1, got ${threads}`);
		}
		if (!/^(auto|[a-z]{2,3}(-[a-z]+)?)$/i.test(language)) {
			throw new RangeError(`WhisperServerEngine: language must be a whisper language code such as en or de, or auto; got ${JSON.stringify(language)}`);
		}
		this.#options = options;
		this.#threads = threads;
		this.model = options.model.name;
		this.language = language;
		this.description = `${options.binaries.engine} (server)`;
	}

	/** The port of the running server, if one is up (for tests and diagnostics). */
	async port(): Promise<number | undefined> {
		const server = await this.#server?.catch(() => undefined);
		return server?.exit === undefined ? server?.port : undefined;
	}

	async transcribe(request: EngineRequest): Promise<EngineResult> {
		if (this.#disposed !== undefined) {
			throw new TranscriptionError('cancelled', 'the transcriber was shut down');
		}
		// A model deleted or replaced since the server started is noticed here, not only at the next start.
		await checkModelFile(this.#options.model);
		const server = await this.#ensureServer(request.signal);
		const onAbort = (): void => {
			server.child.kill('SIGKILL');
		};
		request.signal.addEventListener('abort', onAbort, {once: true});
		try {
			const answer = await Promise.race([
				postAudio({
					url: `http://127.0.0.1:${server.port}/inference`,
					audioPath: request.audioPath,
					fields: {'response-format': 'verbose_json', response_format: 'verbose_json'},
					signal: request.signal,
					peer: 'the whisper.cpp server',
				}),
				server.exited.then((exit) => {
					throw diedWhileTranscribing(exit, server);
				}),
			]);
			return parseVerboseJson(answer);
		} catch (error) {
			if (request.signal.aborted) {
				throw abortReason(request.signal);
			}
			// The socket usually closes a moment before the exit is reported: give the exit a chance to
			// explain the failure.
			const exit = await Promise.race([server.exited, delay(1000, undefined)]);
			if (exit !== undefined) {
				throw diedWhileTranscribing(exit, server);
			}
			throw error instanceof TranscriptionError ? error : new TranscriptionError('crashed', `the whisper.cpp server failed: ${(error as Error).message}`);
		} finally {
			request.signal.removeEventListener('abort', onAbort);
		}
	}

	dispose(): Promise<void> {
		this.#disposed ??= (async () => {
			const server = await this.#server?.catch(() => undefined);
			if (server !== undefined) {
				await stopServer(server);
			}
			const workDir = await this.#workDir?.catch(() => undefined);
			if (workDir !== undefined) {
				await rm(workDir, {recursive: true, force: true});
			}
		})();
		return this.#disposed;
	}

	#ensureServer(signal: AbortSignal): Promise<RunningServer> {
		const current = this.#server;
		if (current !== undefined) {
			return current.then(
				(server) => (server.exit === undefined ? server : this.#restart(signal)),
				() => this.#restart(signal),
			);
		}
		return this.#restart(signal);
	}

	#restart(signal: AbortSignal): Promise<RunningServer> {
		const starting = this.#start(signal);
		this.#server = starting;
		return starting;
	}

	async #start(signal: AbortSignal): Promise<RunningServer> {
		const {binaries, model, startTimeoutMs = 120_000} = this.#options;
		if (binaries.server === undefined) {
			throw new TranscriptionError(
				'not-built',
				`there is no whisper.cpp server next to ${binaries.main} to keep the model loaded: use the process engine, or run \`omega13 setup\` to build both`,
			);
		}
		this.#workDir ??= mkdtemp(path.join(os.tmpdir(), 'omega13-whisper-server-'));
		const cwd = await this.#workDir;
		const started = performance.now();
		for (let attempt = 1; ; attempt++) {
			const port = await freeLoopbackPort();
			const args = [
				...['-m', model.path, '-l', this.language, '-t', String(this.#threads)],
				// main's decoding (beam search of 5, best of 5) rather than the 1.5.0 server's greedy best of
				// 2, so both engines give the same transcript for the same audio.
				...['-bs', '5', '-bo', '5'],
				...['--host', '127.0.0.1', '--port', String(port)],
			];
			const command = tiedToUs(binaries.server, args);
			const child = spawn(command.file, command.args, {cwd, stdio: ['ignore', 'ignore', 'pipe']});
			const server = watch(child, port);
			this.#options.onSpawn?.(child);
			const ready = await waitUntilListening(server, signal, startTimeoutMs);
			if (ready) {
				this.lastStartMs = performance.now() - started;
				return server;
			}
			const stderr = server.stderr.join('\n');
			if (signal.aborted) {
				await stopServer(server);
				throw abortReason(signal);
			}
			if (server.exit === undefined) {
				await stopServer(server);
				throw new TranscriptionError('timeout', `the whisper.cpp server did not start listening within ${Math.round(startTimeoutMs / 1000)} s`);
			}
			if (/couldn't bind/.test(stderr) && attempt < bindAttempts) {
				continue;
			}
			if (server.exit.code === null && server.exit.signal === null) {
				throw new TranscriptionError('not-built', `cannot run the whisper.cpp server at ${binaries.server}: run \`omega13 setup\` to build it`);
			}
			if (failedLoadingModel(stderr)) {
				throw new TranscriptionError(
					'model-invalid',
					`the whisper.cpp server could not load the model ${model.path}${lastError(stderr, ' (', ')')}: it is damaged or not a whisper model; download it again (\`omega13 models download ${model.name}\`) or pass --model`,
				);
			}
			throw new TranscriptionError('crashed', `the whisper.cpp server ${describeExit(server.exit)} while starting${lastError(stderr, ': ')}`);
		}
	}
}

const watch = (child: ChildProcess, port: number): RunningServer => {
	const stderr: string[] = [];
	let pending = '';
	child.stderr?.setEncoding('utf8');
	child.stderr?.on('data', (chunk: string) => {
		pending += chunk;
		const lines = pending.split('\n');
		pending = lines.pop() ?? '';
		stderr.push(...lines);
		stderr.splice(0, Math.max(0, stderr.length - stderrLinesKept));
	});
	const server: RunningServer = {
		child,
		port,
		exit: undefined,
		stderr,
		exited: new Promise<Exit>((resolve) => {
			// 'error' without 'exit' is a spawn failure (ENOENT): reported as an exit with neither code nor signal.
			child.once('error', () => {
				server.exit ??= {code: null, signal: null};
				resolve(server.exit);
			});
			child.once('exit', (code, signal) => {
				server.exit ??= {code, signal};
				resolve(server.exit);
			});
		}),
	};
	return server;
};

/** Polls `GET /` until the server answers; the 1.5.0 server binds only after the model is loaded. */
const waitUntilListening = async (server: RunningServer, signal: AbortSignal, timeoutMs: number): Promise<boolean> => {
	const deadline = performance.now() + timeoutMs;
	while (server.exit === undefined && !signal.aborted && performance.now() < deadline) {
		try {
			const response = await fetch(`http://127.0.0.1:${server.port}/`, {signal: AbortSignal.timeout(2000)});
			await response.body?.cancel();
			return true;
		} catch {
			await Promise.race([delay(20, undefined), server.exited]);
		}
	}
	return false;
};

const stopServer = async (server: RunningServer): Promise<void> => {
	if (server.exit !== undefined) {
		return;
	}
	server.child.kill('SIGTERM');
	const exit = await Promise.race([server.exited, delay(3000, undefined)]);
	if (exit === undefined) {
		server.child.kill('SIGKILL');
		await server.exited;
	}
};

const describeExit = (exit: Exit): string =>
	exit.signal !== null ? `exited with signal ${exit.signal}` : `exited with code ${String(exit.code)}`;

const diedWhileTranscribing = (exit: Exit, server: RunningServer): TranscriptionError =>
	new TranscriptionError(
		'crashed',
		`the whisper.cpp server ${describeExit(exit)} while transcribing${lastError(server.stderr.join('\n'), ': ')}; the audio is kept, retry with \`omega13 transcribe\``,
	);
