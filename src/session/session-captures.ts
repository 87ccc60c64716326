import {access} from 'node:fs/promises';
import {join} from 'node:path';
import type {Keep} from './keep-mode.js';
import {captureFileBase} from './capture-file-name.js';
import type {FileNaming} from './file-formats.js';
import type {CaptureEnd, CaptureFinal, CaptureSink, CaptureSinkEvents, CaptureSinkFactory, CaptureStart} from '../engine/capture-sink.js';
import type {EpochMs} from '../util/units.js';
import {framesToSeconds} from '../util/units.js';
import {bytesPerSample, type SampleFormat} from '../wav/sample-format.js';
import {captureNumber, Session} from './session.js';
import {CaptureRoom, endedAdvice, endedBy} from './capture-room.js';
import type {WavWriterError} from '../wav/wav-writer-error.js';
import {WavWriter} from '../wav/wav-writer.js';

export type SessionCapturesOptions = {
	readonly sessionsRoot: string;
	readonly sampleFormat: SampleFormat;
	/** `sequential` (001.wav) or `timestamp` (`{filePrefix}YYYYMMDD_HHMMSS.wav`). */
	readonly fileNaming: FileNaming;
	readonly filePrefix: string;
	/** Told once the session directory exists (it is made at the first capture, not at start). */
	readonly onSession?: (session: Session) => void;
	/** Told when a capture's file is final, e.g. to queue it for transcription. */
	readonly onCaptureFinished?: (session: Session, index: number) => void;
	/** Recorded in each new session's manifest: `transcript` deletes its audio once transcribed. @default audio */
	readonly keep?: Keep;
};

const iso = (ms: number): string => new Date(ms).toISOString();
const exists = async (file: string): Promise<boolean> =>
	access(file).then(
		() => true,
		() => false,
	);

/**
 * Turns engine captures into numbered WAV files in a session directory with their records in
 * `session.json`. The record is written as `recording` before the first frame, so a capture cut off by
 * a crash is found and repaired at the next start.
 */
export class SessionCaptures {
	readonly #options: SessionCapturesOptions;
	#session: Promise<Session> | undefined;
	readonly #previous: Array<Promise<Session>> = [];
	readonly #room: CaptureRoom;

	constructor(options: SessionCapturesOptions) {
		this.#options = options;
		this.#room = new CaptureRoom(options.sessionsRoot);
	}

	/** Bytes a second of the capture takes on disk. */
	bytesPerSecond(start: Pick<CaptureStart, 'sampleRate' | 'channels'>): number {
		return start.sampleRate * start.channels * bytesPerSample(this.#options.sampleFormat);
	}

	/** How long a capture of `fileBytes` so far can go on before the disk (or the file size limit) is full. */
	async secondsLeft(fileBytes: number, start: Pick<CaptureStart, 'sampleRate' | 'channels'>): Promise<number> {
		return this.#room.secondsLeft(fileBytes, this.bytesPerSecond(start));
	}

	/** The session once the first capture made it. */
	async current(): Promise<Session | undefined> {
		return this.#session;
	}

	/**
	 * Starts a new session: the next capture goes into a new directory. The old session stays open
	 * (a capture may still be finishing, a transcript still coming) until dispose.
	 */
	renew(): void {
		if (this.#session) {
			this.#previous.push(this.#session);
		}
		this.#session = undefined;
	}

	readonly open: CaptureSinkFactory = async (start: CaptureStart, events: CaptureSinkEvents): Promise<CaptureSink> => {
		const perSecond = this.bytesPerSecond(start);
		await this.#room.check((start.prerollFrames / start.sampleRate) * perSecond, perSecond);
		const session = await this.#ensureSession();
		await this.#room.keepIn(session.dir);
		const {index, ...numbered} = session.nextCapture('wav');
		const {file, path} = await this.#name(session.dir, index, numbered, start.startedAt);
		let finishing = false;
		const writer = await WavWriter.create(path, {
			sampleRate: start.sampleRate,
			channels: start.channels,
			sampleFormat: this.#options.sampleFormat,
			onError: error => {
				// A failure while finishing is told by finish() itself.
				if (!finishing) {
					events.writeFailed(writeFailure(error, index, start.sampleRate, this.#options.sessionsRoot));
				}
			},
		});
		// Not awaited here: the record's fsync need not delay the pre-roll reaching the disk. A crash
		// before it lands leaves a WAV the start-up repair adds as recovered.
		const recorded = session.addCapture({
			index,
			file,
			state: 'recording',
			startedAt: iso(start.startedAt),
			triggeredAt: iso(start.triggeredAt),
			frames: 0,
			durationSeconds: 0,
			channels: start.channels,
			sampleRate: start.sampleRate,
			sampleFormat: this.#options.sampleFormat,
			prerollFrames: start.prerollFrames,
			droppedFrames: 0,
		});
		// Handled in finish(); this keeps an early failure from counting as unhandled meanwhile.
		recorded.catch(() => undefined);
		const onFinished = this.#options.onCaptureFinished;
		return {
			index,
			path,
			append: (block, frames) => {
				writer.append(block, frames);
			},
			flush: async () => writer.flush(),
			finish: async (end: CaptureEnd): Promise<CaptureFinal> => {
				finishing = true;
				await recorded;
				let frames = end.frames;
				let failure: unknown;
				try {
					({frames} = await writer.finalize());
				} catch (error) {
					// Whatever reached the disk stays; the record says how much that is.
					failure = error;
					frames = writer.framesWritten;
				}
				const code = writer.error?.code;
				if (code === 'ENOSPC' || code === 'EDQUOT') {
					// The record must still be written, with room the disk no longer has.
					await this.#room.release();
				}
				const ended = code === undefined ? undefined : endedBy(code);
				// A file closed cleanly at its last good frame is as good as a stopped one, only shorter.
				const whole = failure === undefined || writer.whole;
				// A file cut short holds only the gaps before the cut.
				const gaps = end.gaps.filter(gap => gap.atFrame < frames).map(gap => ({...gap, frames: Math.min(gap.frames, frames - gap.atFrame)}));
				await session.updateCapture(index, {
					state: whole ? 'complete' : 'recovered',
					endedAt: iso(end.endedAt),
					frames,
					durationSeconds: framesToSeconds(frames, start.sampleRate),
					droppedFrames: ended === undefined ? end.droppedFrames : gaps.reduce((sum, gap) => sum + gap.frames, 0),
					gaps: ended === undefined ? end.gaps : gaps,
					...(ended === undefined ? {} : {ended}),
				});
				if (!whole) {
					throw failure;
				}
				onFinished?.(session, index);
				return ended === undefined ? {frames} : {frames, ended};
			},
		};
	};

	/** Waits for pending manifest writes. Idempotent. */
	async dispose(): Promise<void> {
		await this.#room.release();
		const sessions = [...this.#previous, ...(this.#session ? [this.#session] : [])];
		this.#previous.length = 0;
		for (const pending of sessions) {
			const session = await pending.catch(() => undefined);
			await session?.dispose();
		}
	}

	/** The capture's file name per the naming setting; a timestamp taken twice in a second gets `-2`. */
	async #name(dir: string, index: number, numbered: {file: string; path: string}, startedAt: EpochMs): Promise<{file: string; path: string}> {
		if (this.#options.fileNaming === 'sequential') {
			return numbered;
		}
		const base = captureFileBase('timestamp', this.#options.filePrefix, index, new Date(startedAt));
		for (let attempt = 1; ; attempt++) {
			const file = `${base}${attempt === 1 ? '' : `-${attempt}`}.wav`;
			const candidate = join(dir, file);
			if (!(await exists(candidate))) {
				return {file, path: candidate};
			}
		}
	}

	async #ensureSession(): Promise<Session> {
		if (!this.#session) {
			const creating = Session.create(this.#options.sessionsRoot, this.#options.keep === undefined ? {} : {keep: this.#options.keep});
			this.#session = creating;
			creating.then(
				session => this.#options.onSession?.(session),
				() => {
					// Let the next capture try again (the directory may be fixed by then).
					if (this.#session === creating) {
						this.#session = undefined;
					}
				},
			);
		}
		return this.#session;
	}
}

/** What the person is told the moment a capture's file takes no more frames. */
const writeFailure = (error: WavWriterError, index: number, sampleRate: number, sessionsRoot: string): string => {
	const seconds = framesToSeconds(error.framesWritten, sampleRate).toFixed(1);
	return `capture ${captureNumber(index)} ended: ${endedBy(error.code)} (${error.code}) after ${seconds} s, saved up to there in ${error.path}; ${endedAdvice(error.code, sessionsRoot)}`;
};
