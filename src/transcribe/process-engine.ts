import {execFile, type ChildProcess} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {tiedToUs} from '../util/tied-to-us.js';
import {checkModelFile, type ResolvedModel} from './model-resolve.js';
import {TranscriptionError} from './transcription-error.js';
import {abortReason, type EngineRequest, type EngineResult, type TranscriptionEngine} from './transcription-engine.js';
import type {WhisperBinaries} from './whisper-build.js';
import {parseMainJson} from './whisper-output.js';
import {failedLoadingModel, lastError, modelLoadError} from './whisper-stderr.js';
import {defaultThreads} from './whisper-threads.js';

export type ProcessEngineOptions = {
	readonly binaries: WhisperBinaries;
	readonly model: ResolvedModel;
	/** A whisper language code, or `auto`. @default 'en' */
	readonly language?: string;
	/** @default the number of cores, at most 8 */
	readonly threads?: number;
	/** Told about each whisper process as it starts (tests use it to kill one mid-run). */
	readonly onSpawn?: (child: ChildProcess) => void;
};

/** Generous: stdout carries every segment as it is decoded, and a long capture has many. */
const maxOutputBytes = 256 * 1024 * 1024;

/**
 * Runs whisper.cpp's `main` once per capture: `execFile` (no shell, so paths need no quoting), JSON
 * output to a scratch file, and the exit status and stderr turned into a reason a person can act on.
 * The model is loaded for each capture; see `WhisperServerEngine` for keeping it loaded.
 */
export class ProcessEngine implements TranscriptionEngine {
	readonly description: string;
	readonly model: string;
	readonly language: string;
	readonly #options: ProcessEngineOptions;
	readonly #threads: number;
	readonly #children = new Set<ChildProcess>();
	#disposed = false;

	constructor(options: ProcessEngineOptions) {
		const {language = 'en', threads = defaultThreads()} = options;
		if (!Number.isInteger(threads) || threads < 1) {
			throw new RangeError(`ProcessEngine: threads must be a whole number of at least 1, got ${threads}`);
		}
		if (!/^(auto|[a-z]{2,3}(-[a-z]+)?)$/i.test(language)) {
			throw new RangeError(`ProcessEngine: language must be a whisper language code such as en or de, or auto; got ${JSON.stringify(language)}`);
		}
		this.#options = options;
		this.#threads = threads;
		this.model = options.model.name;
		this.language = language;
		this.description = `${options.binaries.engine} (process)`;
	}

	async transcribe(request: EngineRequest): Promise<EngineResult> {
		if (this.#disposed) {
			throw new TranscriptionError('cancelled', 'the transcriber was shut down');
		}
		const {model, binaries} = this.#options;
		await checkModelFile(model);
		const outputBase = path.join(request.workDir, 'whisper');
		const args = ['-m', model.path, '-f', request.audioPath, '-oj', '-of', outputBase, '-t', String(this.#threads), '-l', this.language];
		const {stderr, failure} = await new Promise<{stderr: string; failure: Error | undefined}>((resolve) => {
			const command = tiedToUs(binaries.main, args);
			const child = execFile(
				command.file,
				command.args,
				{maxBuffer: maxOutputBytes, killSignal: 'SIGKILL', encoding: 'utf8', windowsHide: true},
				(error, _stdout, stderrText) => {
					// Report back only once the process is really gone, so a time-out never leaves a whisper running.
					const settle = (): void => {
						request.signal.removeEventListener('abort', kill);
						this.#children.delete(child);
						resolve({stderr: stderrText, failure: error ?? undefined});
					};
					if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
						child.once('exit', settle);
					} else {
						settle();
					}
				},
			);
			// SIGKILL: a whisper busy in its encoder has no reason to get a chance to finish.
			const kill = (): void => {
				child.kill('SIGKILL');
			};
			request.signal.addEventListener('abort', kill, {once: true});
			if (request.signal.aborted) {
				kill();
			}
			this.#children.add(child);
			this.#options.onSpawn?.(child);
		});
		if (request.signal.aborted) {
			throw abortReason(request.signal);
		}
		if (failure !== undefined) {
			throw this.#explain(failure as Error & {code?: unknown; signal?: NodeJS.Signals | null}, stderr);
		}
		let json: string;
		try {
			json = await readFile(`${outputBase}.json`, 'utf8');
		} catch {
			throw new TranscriptionError('crashed', `whisper.cpp finished without writing a transcript${lastError(stderr, ': ')}`);
		}
		try {
			return parseMainJson(json);
		} catch (error) {
			throw new TranscriptionError('crashed', `whisper.cpp wrote a transcript that could not be read: ${(error as Error).message}`);
		}
	}

	async dispose(): Promise<void> {
		this.#disposed = true;
		for (const child of this.#children) {
			child.kill('SIGKILL');
		}
	}

	#explain(error: Error & {code?: unknown; signal?: NodeJS.Signals | null}, stderr: string): TranscriptionError {
		const {model, binaries} = this.#options;
		if (error.code === 'ENOENT' || error.code === 'EACCES') {
			return new TranscriptionError(
				'not-built',
				`cannot run whisper.cpp at ${binaries.main} (${String(error.code)}): run \`omega13 setup\` to build it`,
			);
		}
		if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
			return new TranscriptionError('crashed', 'whisper.cpp printed more than 256 MiB and was stopped');
		}
		if (typeof error.signal === 'string') {
			return new TranscriptionError('crashed', `whisper exited with signal ${error.signal}${lastError(stderr, ' after: ')}; the audio is kept, retry with \`omega13 transcribe\``);
		}
		if (failedLoadingModel(stderr)) {
			return new TranscriptionError(
				'model-invalid',
				`whisper.cpp could not load the model ${model.path}${modelLoadError(stderr)}: it is damaged or not a whisper model; download it again (\`omega13 models download ${model.name}\`) or pass --model`,
			);
		}
		return new TranscriptionError('crashed', `whisper exited with code ${String(error.code)}${lastError(stderr, ': ')}`);
	}
}
