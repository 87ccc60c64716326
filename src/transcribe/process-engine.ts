import {execFile, type ChildProcess} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {tiedToUs} from '../util/tied-to-us.js';
import {checkModelFile, modelFix, type ResolvedModel} from './model-resolve.js';
import {TranscriptionError} from './transcription-error.js';
import {checkEngineOptions, type EngineOptions} from './engine-options.js';
import {abortReason, type EngineRequest, type EngineResult, type TranscriptionEngine} from './transcription-engine.js';
import {parseMainJson} from './whisper-output.js';
import {failedLoadingModel, lastError, modelLoadError} from './whisper-stderr.js';

export type ProcessEngineOptions = EngineOptions & {
	/** The user's own whisper.cpp command-line program (`whisper-cli`, or `main` before 1.7). */
	readonly bin: string;
	readonly model: ResolvedModel;
	/** Told about each whisper process as it starts (tests use it to kill one mid-run). */
	readonly onSpawn?: (child: ChildProcess) => void;
};

/** Generous: stdout carries every segment as it is decoded, and a long capture has many. */
const maxOutputBytes = 256 * 1024 * 1024;

/**
 * Runs the user's own whisper.cpp (`--whisper-bin`, e.g. one built for this CPU or a GPU) once per
 * capture: `execFile` (no shell, so paths need no quoting), JSON output to a scratch file, and the exit
 * status and stderr turned into a reason a person can act on. The model is loaded for each capture, and
 * the program runs tied to omega13 (`setpriv --pdeathsig KILL`).
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
		const {language, threads} = checkEngineOptions('ProcessEngine', options);
		this.#options = options;
		this.#threads = threads;
		this.model = options.model.name;
		this.language = language;
		this.description = `whisper.cpp (${path.basename(options.bin)} from --whisper-bin)`;
	}

	async transcribe(request: EngineRequest): Promise<EngineResult> {
		if (this.#disposed) {
			throw new TranscriptionError('cancelled', 'the transcriber was shut down');
		}
		const {model, bin} = this.#options;
		await checkModelFile(model);
		const outputBase = path.join(request.workDir, 'whisper');
		const args = ['-m', model.path, '-f', request.audioPath, '-oj', '-of', outputBase, '-t', String(this.#threads), '-l', this.language];
		const {stderr, failure} = await new Promise<{stderr: string; failure: Error | undefined}>((resolve) => {
			const command = tiedToUs(bin, args);
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
		const {model, bin} = this.#options;
		if (error.code === 'ENOENT' || error.code === 'EACCES') {
			return new TranscriptionError(
				'engine-missing',
				`cannot run whisper.cpp at ${bin} (${String(error.code)}): point --whisper-bin at whisper.cpp's whisper-cli, or leave it out to use the bundled whisper.cpp`,
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
				`whisper.cpp could not load the model ${model.path}${modelLoadError(stderr)}: it is damaged or not a valid whisper model; ${modelFix(model)}`,
			);
		}
		return new TranscriptionError('crashed', `whisper exited with code ${String(error.code)}${lastError(stderr, ': ')}`);
	}
}
