import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import os from 'node:os';
import {fileURLToPath} from 'node:url';
import {tiedToUs} from '../util/tied-to-us.js';
import type {ChildReply, DetectSpeechRequest, TranscribeRequest} from './engine-protocol.js';
import {whisperVadDefaults, type SpeechDetector, type SpeechSegment, type VadParams} from './speech-detector.js';
import {TranscriptionError} from './transcription-error.js';
import {abortReason, type EngineSegment} from './transcription-engine.js';
import {meaningfulLines, tellingLine} from './whisper-stderr.js';

export type WhisperChildOptions = {
	/** The Silero model for `detectSpeech` (live audio); file requests name theirs. */
	readonly vadModel?: string;
	/**
	 * Lowered priority (nice 10): right for transcription, background work. The voice trigger's detector
	 * decides when a capture starts and runs at the recorder's priority. @default true
	 */
	readonly background?: boolean;
	/** Told about each process as it starts (tests kill one mid-job). */
	readonly onSpawn?: (child: ChildProcess) => void;
	readonly env?: NodeJS.ProcessEnv;
};

/** What the process has been asked to do since this object was made (all processes together). */
export type ChildCounters = {
	/** Processes started (1, plus one per restart after a crash). */
	starts: number;
	/** Whisper runs asked for: a capture that VAD found silent never adds one. */
	transcriptions: number;
	detections: number;
	/** Milliseconds whisper.cpp and Silero computed, answers only (for the bench's overhead figure). */
	transcribeMs: number;
	detectMs: number;
};

type Running = {
	readonly child: ChildProcess;
	readonly ready: Promise<string>;
	readonly stderr: string[];
	exited: boolean;
	/** Requests sent to this process and not answered: its end fails them, and no other process's. */
	readonly pending: Map<number, Pending>;
	/** Settles when the process has gone (or never started). */
	readonly gone: Promise<void>;
};

type Pending = {
	readonly resolve: (reply: ChildReply & {ok: true}) => void;
	readonly reject: (error: Error) => void;
	readonly doing: string;
};

type Exit = {readonly code: number | null; readonly signal: NodeJS.Signals | null};

const childScript = fileURLToPath(new URL('./engine-child.js', import.meta.url));
const stderrLinesKept = 40;

/**
 * omega13's side of the transcription process (see `engine-protocol.ts`): started on the first
 * request, tied to omega13's life (`setpriv --pdeathsig KILL`), started again on the next request after
 * it died. Whatever it was doing when it died fails with a reason a person understands; the recorder
 * does not notice. An aborted request (a time-out, `dispose()`) kills the process, because a running
 * whisper.cpp cannot be interrupted sooner.
 */
export class WhisperChild implements SpeechDetector {
	readonly counters: ChildCounters = {starts: 0, transcriptions: 0, detections: 0, transcribeMs: 0, detectMs: 0};
	readonly #options: WhisperChildOptions;
	#running: Running | undefined;
	/** A recycled process on its way out. */
	#retiring: Running | undefined;
	#nextId = 1;
	#disposed = false;
	/** `cpu`, `cuda` or `vulkan` once a process has started. */
	variant: string | undefined;

	constructor(options: WhisperChildOptions = {}) {
		this.#options = options;
	}

	/** The running process's pid, if one is up. */
	get pid(): number | undefined {
		return this.#running?.exited === false ? this.#running.child.pid : undefined;
	}

	/** Starts the process if it is not running and waits until the addon is loaded; gives its variant. */
	async start(): Promise<string> {
		if (this.#disposed) {
			throw new TranscriptionError('cancelled', 'the transcription process was shut down');
		}
		return this.#ensureRunning().ready;
	}

	async transcribe(
		request: Omit<TranscribeRequest, 'id' | 'op'>,
		signal: AbortSignal,
	): Promise<{segments: readonly EngineSegment[]; language: string | undefined; computeMs: number}> {
		this.counters.transcriptions++;
		const reply = await this.#request({...request, op: 'transcribe'}, 'transcribing', signal);
		if (reply.op !== 'transcribe') {
			throw new TranscriptionError('crashed', 'the transcription process answered a transcription with something else');
		}
		this.counters.transcribeMs += reply.computeMs;
		return reply;
	}

	/** Silero VAD over a 16 kHz mono WAV file. */
	async detectSpeechInFile(audioPath: string, vadModel: string, signal: AbortSignal, params: Partial<VadParams> = {}): Promise<readonly SpeechSegment[]> {
		return this.#detect({audioPath, vadModel, params: {...whisperVadDefaults, ...params}, threads: 1}, signal);
	}

	async detectSpeech(pcm16kMono: Float32Array, options: {readonly signal?: AbortSignal; readonly params?: Partial<VadParams>} = {}): Promise<readonly SpeechSegment[]> {
		if (!(pcm16kMono instanceof Float32Array)) {
			throw new TypeError('detectSpeech: pcm16kMono must be a Float32Array of 16 kHz mono samples');
		}
		const vadModel = this.#options.vadModel;
		if (vadModel === undefined || !existsSync(vadModel)) {
			throw new TranscriptionError('model-missing', `no Silero VAD model${vadModel === undefined ? '' : ` at ${vadModel}`}: run \`omega13 models download silero\``);
		}
		return this.#detect({pcm: pcm16kMono, vadModel, params: {...whisperVadDefaults, ...options.params}, threads: 1}, options.signal ?? new AbortController().signal);
	}

	/**
	 * Ends the process if it has nothing to do, so the next request starts a fresh one: whisper.cpp's VAD
	 * keeps about 10 KB per call, which a live detector making several calls a second must give back.
	 * Returns whether it did.
	 */
	recycle(): boolean {
		const running = this.#running;
		if (running === undefined || running.exited || running.pending.size > 0) {
			return false;
		}
		running.child.kill('SIGTERM');
		// Until it has gone, a request must not reach it (it would fail with this SIGTERM): the next one
		// starts a fresh process at once. It is still killed by `dispose()` if it lingers.
		this.#retiring = running;
		this.#running = undefined;
		return true;
	}

	/** Stops the process (a running job fails as cancelled). Idempotent. */
	async dispose(): Promise<void> {
		this.#disposed = true;
		const processes = [this.#running, this.#retiring].filter(running => running !== undefined);
		for (const running of processes) {
			if (!running.exited) {
				running.child.kill('SIGKILL');
			}
		}
		await Promise.all(processes.map(running => running.gone));
	}

	async #detect(request: Omit<DetectSpeechRequest, 'id' | 'op'>, signal: AbortSignal): Promise<readonly SpeechSegment[]> {
		this.counters.detections++;
		const reply = await this.#request({...request, op: 'detect-speech'} as Omit<DetectSpeechRequest, 'id'>, 'detecting speech', signal);
		this.counters.detectMs += reply.computeMs;
		return reply.segments as readonly SpeechSegment[];
	}

	async #request(
		message: Omit<TranscribeRequest, 'id'> | Omit<DetectSpeechRequest, 'id'>,
		doing: string,
		signal: AbortSignal,
	): Promise<ChildReply & {type: 'reply'; ok: true}> {
		if (this.#disposed) {
			throw new TranscriptionError('cancelled', 'the transcription process was shut down');
		}
		signal.throwIfAborted();
		const running = this.#ensureRunning();
		let onAbortWhileStarting = (): void => undefined;
		const aborted = new Promise<never>((_, reject) => {
			onAbortWhileStarting = () => reject(abortReason(signal));
			signal.addEventListener('abort', onAbortWhileStarting, {once: true});
		});
		aborted.catch(() => undefined);
		try {
			await Promise.race([running.ready, aborted]);
		} catch (error) {
			if (signal.aborted && message.op === 'transcribe') {
				// Whatever held the start up (a model load, a hang) goes with the process.
				running.child.kill('SIGKILL');
			}
			throw error;
		} finally {
			// A live caller passes one long-lived signal to every request: a listener left on it would keep
			// each request (and its audio) alive until that signal aborts.
			signal.removeEventListener('abort', onAbortWhileStarting);
		}
		const id = this.#nextId++;
		const onAbort = (): void => {
			const pending = running.pending.get(id);
			running.pending.delete(id);
			pending?.reject(abortReason(signal));
			// A running whisper.cpp cannot be stopped sooner: the next request starts a fresh process. A
			// VAD request (a few milliseconds) is only dropped, so a live caller never kills a transcription.
			if (message.op === 'transcribe') {
				running.child.kill('SIGKILL');
			}
		};
		signal.addEventListener('abort', onAbort, {once: true});
		try {
			return await new Promise<ChildReply & {type: 'reply'; ok: true}>((resolve, reject) => {
				running.pending.set(id, {resolve: resolve as Pending['resolve'], reject, doing});
				// With a callback a closed channel is reported here, never as an 'error' event nobody handles.
				running.child.send({...message, id}, (error) => {
					if (error !== null && running.pending.delete(id)) {
						reject(new TranscriptionError('crashed', `the transcription process could not be reached (${error.message}) while ${doing}`));
					}
				});
			});
		} catch (error) {
			throw signal.aborted ? abortReason(signal) : error;
		} finally {
			signal.removeEventListener('abort', onAbort);
		}
	}

	#ensureRunning(): Running {
		if (this.#running !== undefined && !this.#running.exited) {
			return this.#running;
		}
		const command = tiedToUs(process.execPath, [childScript]);
		const child = spawn(command.file, command.args, {
			stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
			serialization: 'advanced',
			env: this.#options.env ?? process.env,
		});
		this.counters.starts++;
		if (child.pid !== undefined && this.#options.background !== false) {
			try {
				// Transcription is background work: it yields the CPU to the recorder and the audio server.
				os.setPriority(child.pid, 10);
			} catch {
				// Not allowed here: it runs at our priority.
			}
		}
		const stderr: string[] = [];
		let pendingText = '';
		child.stderr?.setEncoding('utf8');
		child.stderr?.on('data', (chunk: string) => {
			pendingText += chunk;
			const lines = pendingText.split('\n');
			pendingText = lines.pop() ?? '';
			// gdb's backtrace (ggml attaches it on an abort) is dropped, so it cannot crowd out the reason.
			stderr.push(...meaningfulLines(lines));
			stderr.splice(0, Math.max(0, stderr.length - stderrLinesKept));
		});
		let settleReady!: {resolve: (variant: string) => void; reject: (error: Error) => void};
		const ready = new Promise<string>((resolve, reject) => {
			settleReady = {resolve, reject};
		});
		// A failed start is reported to whoever waits; nobody waiting is not an unhandled rejection.
		ready.catch(() => undefined);
		let settleGone!: () => void;
		const gone = new Promise<void>((resolve) => {
			settleGone = resolve;
		});
		const running: Running = {child, ready, stderr, exited: false, pending: new Map(), gone};
		child.on('message', (reply: ChildReply) => {
			if (reply.type === 'ready') {
				this.variant = reply.variant;
				settleReady.resolve(reply.variant);
			} else if (reply.type === 'fatal') {
				settleReady.reject(new TranscriptionError('engine-missing', reply.message));
			} else {
				const pending = running.pending.get(reply.id);
				running.pending.delete(reply.id);
				if (reply.ok) {
					pending?.resolve(reply);
				} else {
					pending?.reject(new TranscriptionError(reply.code, reply.message));
				}
			}
		});
		const onExit = (exit: Exit): void => {
			if (running.exited) {
				return;
			}
			running.exited = true;
			settleGone();
			const why = this.#exitError(exit, running, 'starting');
			settleReady.reject(why);
			if (this.#retiring === running) {
				this.#retiring = undefined;
			}
			for (const [id, pending] of running.pending) {
				running.pending.delete(id);
				pending.reject(this.#exitError(exit, running, pending.doing));
			}
		};
		child.once('exit', (code, signal) => onExit({code, signal}));
		child.on('error', () => onExit({code: null, signal: null}));
		this.#running = running;
		this.#options.onSpawn?.(child);
		return running;
	}

	#exitError(exit: Exit, running: Running, doing: string): TranscriptionError {
		if (this.#disposed) {
			return new TranscriptionError('cancelled', 'omega13 stopped the transcription process');
		}
		const how =
			exit.signal === 'SIGKILL'
				? 'was killed (SIGKILL: killed by hand, or by the kernel for want of memory)'
				: exit.signal === 'SIGABRT'
					? 'aborted inside whisper.cpp (SIGABRT)'
					: exit.signal !== null
						? `ended with signal ${exit.signal}`
						: exit.code === null
							? 'could not be started'
							: `ended with code ${exit.code}`;
		return new TranscriptionError(
			'crashed',
			`the transcription process (whisper.cpp) ${how} while ${doing}${tellingLine(running.stderr, ': ')}; the audio is kept, retry with \`omega13 transcribe\``,
		);
	}
}
