import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {Seconds} from '../util/units.js';
import type {CapturePatch} from '../session/session.js';
import type {SessionManifest} from '../session/session-manifest.js';
import {keepFinishedTranscript, type TranscriptState} from '../session/transcript-state.js';
import {copyToClipboard, type ClipboardResult} from './clipboard.js';
import {dropHallucinations, segmentsText} from './hallucination-filter.js';
import {writeSessionTranscript} from '../session/session-transcript.js';
import {writeCaptureTranscript, transcriptJsonVersion} from './transcript-files.js';
import {TranscriptionError, failureReason} from './transcription-error.js';
import type {TranscriptionEngine} from './transcription-engine.js';
import type {SpeechSegment} from './speech-detector.js';
import type {SpeechGate} from './vad-gate.js';
import {writeWhisperWav, type WhisperAudio} from './whisper-audio.js';
import {salience, type SpeechEvidence} from './salience.js';
import {chooseEvictions, describeLimits, type SpeechQueueLimits, type SpeechQueueStats} from './speech-queue.js';

/** What the queue needs of a session; `Session` is one. */
export type TranscribableSession = {
	readonly dir: string;
	readonly manifest: SessionManifest;
	updateCapture(index: number, patch: CapturePatch): Promise<void>;
};

/** An engine made on first use (its model checked then); until then its labels are known. */
export type LazyEngine = {
	readonly model: string;
	readonly language: string;
	/** Silero VAD in front of the engine, when it comes with one. */
	readonly speech?: SpeechGate;
	/** Aborted when the queue is disposed. */
	readonly create: (signal: AbortSignal) => Promise<TranscriptionEngine>;
};

export type QueueEvent =
	| {readonly type: 'state'; readonly sessionDir: string; readonly index: number; readonly state: TranscriptState}
	| {readonly type: 'clipboard'; readonly sessionDir: string; readonly index: number; readonly result: ClipboardResult}
	/** A problem outside any one capture's state, e.g. the manifest could not be written. */
	| {readonly type: 'error'; readonly sessionDir: string; readonly index: number; readonly message: string}
	/** A voice capture joined the speech queue with its salience. */
	| {readonly type: 'speech'; readonly sessionDir: string; readonly index: number; readonly salience: number; readonly stats: SpeechQueueStats};

export type TranscriptionQueueOptions = {
	readonly engine: TranscriptionEngine | LazyEngine;
	/** Silero VAD before each transcription. @default the lazy engine's, else none */
	readonly speech?: SpeechGate;
	/**
	 * How long one capture may take before its whisper is killed and it is marked failed.
	 * @default 120 s + 10 × the audio's length
	 */
	readonly timeoutSeconds?: number | ((audioSeconds: Seconds) => number);
	/** Copy each new non-empty transcript to the clipboard. @default false */
	readonly copyToClipboard?: boolean;
	/** Replaces the clipboard copy (tests). */
	readonly clipboard?: (text: string) => Promise<ClipboardResult>;
	readonly onEvent?: (event: QueueEvent) => void;
	/**
	 * Caps the captures enqueued with speech evidence (the voice trigger's): past either cap the least
	 * salient waiting one is evicted, not transcribed, and told. @default no cap
	 */
	readonly speechQueue?: SpeechQueueLimits;
	/** The speech queue changed: a capture joined it, left it or was evicted. */
	readonly onSpeechQueue?: (stats: SpeechQueueStats) => void;
};

type Job = {
	readonly session: TranscribableSession;
	readonly index: number;
	readonly done: Promise<TranscriptState>;
	readonly resolve: (state: TranscriptState) => void;
	queuedAt: string;
	/** A voice capture in the speech queue. */
	readonly speech?: {readonly salience: number; readonly seconds: Seconds};
};

const defaultTimeout = (audioSeconds: Seconds): number => 120 + 10 * audioSeconds;

const isLazy = (engine: TranscriptionEngine | LazyEngine): engine is LazyEngine => 'create' in engine && typeof engine.create === 'function';

/**
 * Transcribes captures in the background, one at a time, in the order they were queued: `enqueue`
 * returns at once (a capture never waits for transcription). Each capture's state goes through
 * queued -> running -> done, `no speech` or failed in `session.json`; a failure is recorded with its
 * reason and the queue goes on with the next capture. Silero VAD (when its model is there) screens each
 * capture first: no speech ends it `no speech` without running Whisper, and the engine is told where the
 * speech is. The audio is never touched.
 */
export class TranscriptionQueue {
	readonly #options: TranscriptionQueueOptions;
	readonly #jobs: Job[] = [];
	#engine: TranscriptionEngine | undefined;
	#worker: Promise<void> | undefined;
	#current: {job: Job; controller: AbortController} | undefined;
	#disposed: Promise<void> | undefined;
	readonly #idleWaiters: Array<() => void> = [];
	#evictions = 0;

	constructor(options: TranscriptionQueueOptions) {
		if (typeof options !== 'object' || options === null || typeof options.engine !== 'object' || options.engine === null) {
			throw new TypeError('TranscriptionQueue: options.engine is required');
		}
		const {timeoutSeconds} = options;
		if (typeof timeoutSeconds === 'number' && !(timeoutSeconds > 0)) {
			throw new RangeError(`TranscriptionQueue: timeoutSeconds must be more than 0, got ${timeoutSeconds}`);
		}
		this.#options = options;
		if (!isLazy(options.engine)) {
			this.#engine = options.engine;
		}
	}

	/** Captures waiting, the running one included. */
	get pending(): number {
		return this.#jobs.length + (this.#current === undefined ? 0 : 1);
	}

	/**
	 * Queues a capture (again, to retry it) and returns at once with a promise of its final state. A
	 * capture already waiting or running is not queued twice: its pending promise is returned. With
	 * `evidence` (a voice capture) it joins the speech queue, which may evict it or another one.
	 */
	enqueue(session: TranscribableSession, index: number, evidence?: SpeechEvidence): Promise<TranscriptState> {
		if (this.#disposed !== undefined) {
			throw new Error('TranscriptionQueue.enqueue: the queue is disposed');
		}
		const record = session.manifest.captures.find((capture) => capture.index === index);
		if (record === undefined) {
			throw new RangeError(`TranscriptionQueue.enqueue: no capture ${index} in ${session.dir}`);
		}
		if (record.state === 'recording') {
			throw new Error(`TranscriptionQueue.enqueue: capture ${index} is still recording`);
		}
		const same = (job: Job): boolean => job.session.dir === session.dir && job.index === index;
		const existing = this.#jobs.find(same) ?? (this.#current !== undefined && same(this.#current.job) ? this.#current.job : undefined);
		if (existing !== undefined) {
			return existing.done;
		}
		let resolve!: (state: TranscriptState) => void;
		const done = new Promise<TranscriptState>((settle) => {
			resolve = settle;
		});
		const speech = evidence === undefined || this.#options.speechQueue === undefined ? undefined : {salience: salience(evidence), seconds: evidence.durationSeconds};
		const job: Job = {session, index, done, resolve, queuedAt: new Date().toISOString(), ...(speech === undefined ? {} : {speech})};
		this.#jobs.push(job);
		void this.#setState(job, {status: 'queued', ...this.#labels(), queuedAt: job.queuedAt});
		if (speech !== undefined) {
			// Told after the evictions it caused, so the line shows the queue as it is.
			const evicted = this.#evict();
			this.#options.onEvent?.({type: 'speech', sessionDir: session.dir, index, salience: speech.salience, stats: this.speechQueue});
			for (const {job: gone, state} of evicted) {
				void this.#setState(gone, state).then(() => gone.resolve(state));
			}
			this.#options.onSpeechQueue?.(this.speechQueue);
		}
		this.#worker ??= this.#work();
		return done;
	}

	/** The speech queue now: voice captures waiting or being transcribed, and how many were evicted. */
	get speechQueue(): SpeechQueueStats {
		const held = this.#heldSpeech().map(({job}) => job.speech!);
		return {
			segments: held.length,
			seconds: Math.round(held.reduce((total, item) => total + item.seconds, 0) * 1000) / 1000,
			evictions: this.#evictions,
			limits: this.#options.speechQueue ?? {maxSegments: Number.POSITIVE_INFINITY, maxSeconds: Number.POSITIVE_INFINITY},
		};
	}

	#heldSpeech(): Array<{job: Job; salience: number; seconds: Seconds; running: boolean}> {
		const current = this.#current?.job;
		return [...(current === undefined ? [] : [current]), ...this.#jobs]
			.filter(job => job.speech !== undefined)
			.map(job => ({job, ...job.speech!, running: job === current}));
	}

	/**
	 * Past a cap, the least salient waiting voice captures leave the queue untranscribed; returns each
	 * with the state that tells why, with its score.
	 */
	#evict(): Array<{job: Job; state: TranscriptState}> {
		const limits = this.#options.speechQueue;
		if (limits === undefined) {
			return [];
		}
		const held = this.#heldSpeech();
		return chooseEvictions(held, limits).map(({job, salience: score}) => {
			this.#jobs.splice(this.#jobs.indexOf(job), 1);
			this.#evictions++;
			const others = held.filter(item => item.job !== job).map(item => item.salience.toFixed(3));
			const reason =
				`evicted from the speech queue (full: ${describeLimits(limits)}) with salience ${score.toFixed(3)}, ` +
				`the lowest beside ${others.join(', ')}; not transcribed`;
			return {job, state: {status: 'failed', ...this.#labels(), queuedAt: job.queuedAt, reason}};
		});
	}

	/** Resolves once nothing is queued or running. */
	idle(): Promise<void> {
		if (this.pending === 0) {
			return Promise.resolve();
		}
		return new Promise((resolve) => this.#idleWaiters.push(resolve));
	}

	/**
	 * Stops: the running capture's whisper is killed (it is marked failed, to be retried), waiting
	 * captures stay `queued` in their manifests for a later `omega13 transcribe`, and the engine (a
	 * server process) is stopped. Idempotent.
	 */
	dispose(): Promise<void> {
		this.#disposed ??= (async () => {
			const waiting = this.#jobs.splice(0);
			this.#current?.controller.abort(
				new TranscriptionError('cancelled', 'omega13 stopped while this capture was being transcribed: retry with `omega13 transcribe`'),
			);
			await this.#worker;
			for (const job of waiting) {
				const stored = job.session.manifest.captures.find((capture) => capture.index === job.index)?.transcript;
				job.resolve(stored?.retry ?? stored ?? {status: 'queued'});
			}
			await this.#engine?.dispose();
			await this.#speechGate()?.dispose();
			this.#wakeIdle();
		})();
		return this.#disposed;
	}

	#labels(): {model: string; language: string; engine?: string} {
		const engine = this.#engine ?? this.#options.engine;
		return isLazy(engine) ? {model: engine.model, language: engine.language} : {model: engine.model, language: engine.language, engine: engine.description};
	}

	async #work(): Promise<void> {
		for (let job = this.#jobs.shift(); job !== undefined; job = this.#jobs.shift()) {
			const controller = new AbortController();
			this.#current = {job, controller};
			let state: TranscriptState;
			try {
				state = await this.#run(job, controller);
			} catch (error) {
				// #run records failures itself; this is a failure to record (the session went away).
				this.#options.onEvent?.({type: 'error', sessionDir: job.session.dir, index: job.index, message: failureReason(error)});
				state = {status: 'failed', reason: failureReason(error)};
			}
			this.#current = undefined;
			job.resolve(state);
			if (job.speech !== undefined) {
				this.#options.onSpeechQueue?.(this.speechQueue);
			}
			if (this.#jobs.length === 0) {
				this.#wakeIdle();
			}
		}
		this.#worker = undefined;
		this.#wakeIdle();
	}

	#wakeIdle(): void {
		if (this.pending === 0) {
			for (const resolve of this.#idleWaiters.splice(0)) {
				resolve();
			}
		}
	}

	async #run(job: Job, controller: AbortController): Promise<TranscriptState> {
		const {session, index} = job;
		const started = new Date();
		let vad: string | undefined;
		const base = (): Pick<TranscriptState, 'queuedAt' | 'startedAt' | 'vad'> => ({
			queuedAt: job.queuedAt,
			startedAt: started.toISOString(),
			...(vad === undefined ? {} : {vad}),
		});
		const gate = this.#speechGate();
		const choice = await gate?.choose().catch((error: unknown) => {
			this.#options.onEvent?.({type: 'error', sessionDir: session.dir, index, message: `Silero VAD is off: ${failureReason(error)}`});
			return {off: true} as const;
		});
		vad = choice === undefined ? undefined : 'model' in choice ? choice.model.name : 'off';
		await this.#setState(job, {status: 'running', ...this.#labels(), ...base()});
		const workDir = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcribe-'));
		let timer: NodeJS.Timeout | undefined;
		let audio: WhisperAudio | undefined;
		try {
			const record = session.manifest.captures.find((capture) => capture.index === index);
			if (record === undefined) {
				throw new TranscriptionError('bad-audio', `capture ${index} is no longer in the session`);
			}
			try {
				audio = await writeWhisperWav(path.join(session.dir, record.file), path.join(workDir, 'audio-16k.wav'));
			} catch (error) {
				throw new TranscriptionError('bad-audio', `could not read ${record.file}: ${failureReason(error)}`, {cause: error});
			}
			const limit = this.#timeoutFor(audio.seconds);
			timer = setTimeout(() => {
				controller.abort(new TranscriptionError('timeout', `timed out after ${Number(limit.toPrecision(3))} s; the audio is kept, retry with \`omega13 transcribe\``));
			}, limit * 1000);
			let speech: readonly SpeechSegment[] | undefined;
			if (gate !== undefined && choice !== undefined && 'model' in choice) {
				try {
					speech = await gate.detect(audio.path, choice.model, controller.signal);
				} catch (error) {
					if (controller.signal.aborted) {
						throw error;
					}
					vad = 'off';
					this.#options.onEvent?.({type: 'error', sessionDir: session.dir, index, message: `Silero VAD failed (${failureReason(error)}); the whole capture is transcribed`});
				}
			}
			const engine = await this.#ensureEngine(controller.signal);
			if (controller.signal.aborted) {
				throw controller.signal.reason as Error;
			}
			const noSpeech = speech !== undefined && speech.length === 0;
			const result = noSpeech
				? {segments: [], language: undefined}
				: await engine.transcribe({audioPath: audio.path, audioSeconds: audio.seconds, workDir, signal: controller.signal, ...(speech === undefined ? {} : {speech})});
			clearTimeout(timer);
			const {kept, dropped} = dropHallucinations(result.segments);
			const text = segmentsText(kept);
			const finished = new Date();
			const elapsedSeconds = round3((finished.getTime() - started.getTime()) / 1000);
			const language = result.language ?? engine.language;
			const files = await writeCaptureTranscript(session.dir, {
				version: transcriptJsonVersion,
				capture: index,
				audio: record.file,
				startedAt: record.startedAt,
				model: engine.model,
				language,
				engine: engine.description,
				audioSeconds: round3(audio.seconds),
				elapsedSeconds,
				transcribedAt: finished.toISOString(),
				text,
				segments: kept,
				dropped,
				...(speech === undefined ? {} : {speech: speech.map(({start, end}) => ({start: round3(start), end: round3(end)}))}),
			});
			const state: TranscriptState = {
				status: noSpeech ? 'no speech' : 'done',
				model: engine.model,
				language,
				engine: engine.description,
				...base(),
				finishedAt: finished.toISOString(),
				elapsedSeconds,
				audioSeconds: round3(audio.seconds),
				text,
				files,
			};
			await this.#setState(job, state);
			if (text.length > 0 && this.#options.copyToClipboard === true) {
				const copy = this.#options.clipboard ?? ((value: string) => copyToClipboard(value));
				this.#options.onEvent?.({type: 'clipboard', sessionDir: session.dir, index, result: await copy(text)});
			}
			return state;
		} catch (error) {
			const finished = new Date();
			const state: TranscriptState = {
				status: 'failed',
				...this.#labels(),
				...base(),
				// An abort surfaces as whatever the interrupted step threw; the signal's reason says why.
				reason: failureReason(controller.signal.aborted ? controller.signal.reason : error),
				finishedAt: finished.toISOString(),
				elapsedSeconds: round3((finished.getTime() - started.getTime()) / 1000),
				...(audio === undefined ? {} : {audioSeconds: round3(audio.seconds)}),
			};
			await this.#setState(job, state);
			return state;
		} finally {
			clearTimeout(timer);
			await rm(workDir, {recursive: true, force: true});
		}
	}

	#speechGate(): SpeechGate | undefined {
		const {engine, speech} = this.#options;
		return speech ?? (isLazy(engine) ? engine.speech : undefined);
	}

	async #ensureEngine(signal: AbortSignal): Promise<TranscriptionEngine> {
		if (this.#engine !== undefined) {
			return this.#engine;
		}
		// Not cached on failure: a later capture tries again (after the model is downloaded, say).
		const engine = await (this.#options.engine as LazyEngine).create(signal);
		if (this.#disposed !== undefined) {
			await engine.dispose();
			throw new TranscriptionError('cancelled', 'omega13 stopped before this capture was transcribed: retry with `omega13 transcribe`');
		}
		this.#engine = engine;
		return engine;
	}

	#timeoutFor(audioSeconds: Seconds): number {
		const {timeoutSeconds = defaultTimeout} = this.#options;
		return typeof timeoutSeconds === 'function' ? timeoutSeconds(audioSeconds) : timeoutSeconds;
	}

	/**
	 * Records a state in the manifest (an attempt that has not succeeded goes beside a finished transcript,
	 * never over it), then remakes transcript.md from it. Events tell the attempt's own state.
	 */
	async #setState(job: Job, state: TranscriptState): Promise<void> {
		const {session, index} = job;
		try {
			const previous = session.manifest.captures.find((capture) => capture.index === index)?.transcript;
			await session.updateCapture(index, {transcript: keepFinishedTranscript(previous, state)});
			await writeSessionTranscript(session.dir, session.manifest);
		} catch (error) {
			this.#options.onEvent?.({type: 'error', sessionDir: session.dir, index, message: `could not record the transcription state: ${failureReason(error)}`});
		}
		this.#options.onEvent?.({type: 'state', sessionDir: session.dir, index, state});
	}
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;
