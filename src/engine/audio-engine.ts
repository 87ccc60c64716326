import {ActiveCapture} from './active-capture.js';
import {AudioRing} from './audio-ring.js';
import type {AudioSource, GapCause, SourceGap} from './audio-source.js';
import {levelBlockSeconds, type AudioStream, type AudioTap, type BlockLevels, type RingSpan} from './audio-tap.js';
import {CaptureRefusedError, type CaptureGap, type CaptureSinkFactory} from './capture-sink.js';
import type {EngineEvent, EngineEventListener} from './engine-events.js';
import type {CaptureStatus, EngineSnapshot, FinishedCapture} from './engine-snapshot.js';
import {LevelMeter, type ChannelReading} from './level-meter.js';
import {checkSilenceGate, type SilenceGateOptions} from './silence-gate.js';
import {TimeAxis} from './time-axis.js';
import {framesToSeconds, secondsToFrames, type EpochMs, type Frames, type Seconds} from '../util/units.js';

export type AudioEngineOptions = {
	readonly source: AudioSource;
	/** Length of the pre-roll ring (a checked setting: the engine takes it as given). */
	readonly bufferSeconds: Seconds;
	readonly silenceGate: SilenceGateOptions;
	/** Makes the file (and its session record) for each capture. */
	readonly openCapture: CaptureSinkFactory;
	/**
	 * How often the ring drains the source. Triggers drain first, so this sets only the meters' latency
	 * and the wakeups a second (CPU); the native ring holds 8 s. @default 50
	 */
	readonly drainIntervalMs?: number;
	/** How often the snapshot (meters, fill) is refreshed for viewers. @default 50 (20 fps) */
	readonly publishIntervalMs?: number;
};

/** What a trigger did. */
export type TriggerResult =
	| {readonly ok: true; readonly action: 'started'; readonly capture: Extract<CaptureStatus, {kind: 'recording'}>}
	| {readonly ok: true; readonly action: 'stopped' | 'saved'; readonly capture: FinishedCapture}
	| {readonly ok: false; readonly reason: string};

const shuttingDown: TriggerResult = {ok: false, reason: 'the recorder is shutting down'};

const silentReading: ChannelReading = {peak: Number.NEGATIVE_INFINITY, rms: Number.NEGATIVE_INFINITY, clipped: false};

/**
 * A gap longer than this (and than the ring) is not filled: omega13 was stopped for that long, and an
 * hour of silence written into a capture (and held in memory on its way to the disk) helps no one. The
 * open capture ends where the audio stopped, and a new stream begins, as after a server restart.
 */
const longGapSeconds: Seconds = 600;

/** A gap filled in the stream, while the ring may still hold it (a trigger's pre-roll lists it). */
type StreamGap = {readonly streamFrame: Frames; readonly frames: Frames; readonly cause: GapCause};

/**
 * Keeps the last `bufferSeconds` of the source in a ring and turns triggers into captures that begin in
 * the past. Everything runs on the JavaScript thread from one drain timer: the real-time thread only
 * fills the native ring, so the seam between pre-roll and live audio is a drain boundary and exact.
 *
 * A plain store (`subscribe`/`getSnapshot`) for viewers, events for log lines; no UI imports.
 */
export class AudioEngine {
	readonly bufferSeconds: Seconds;
	readonly #gate: SilenceGateOptions;
	readonly #openCapture: CaptureSinkFactory;
	readonly #publishIntervalMs: number;
	#source: AudioSource;
	#ring: AudioRing;
	#meter: LevelMeter;
	#readBuffer: Float32Array;
	#levels: readonly ChannelReading[];
	#active: ActiveCapture | undefined;
	/** A start waiting for its file to open: dispose must let it finish, then stop it. */
	#starting: Promise<TriggerResult> | undefined;
	/** Captures stopped but still finishing on disk: dispose waits for them. */
	readonly #finishing = new Set<Promise<unknown>>();
	#lastCapture: FinishedCapture | undefined;
	#lastRefusal: EngineSnapshot['lastRefusal'];
	#lastFailure: EngineSnapshot['lastFailure'];
	#stoppedReason: string | undefined;
	#sessionDir: string | undefined;
	#seenXruns = 0;
	/** Frames the source delivered (its own count: the silence put in for gaps is not in it). */
	#sourceRead: Frames = 0;
	/** Gaps the source told of that come after frames not read yet. */
	#waitingGaps: SourceGap[] = [];
	#ringGaps: StreamGap[] = [];
	/** Frames filled with silence since the source started. */
	#gapFrames: Frames = 0;
	/** The newest frame that really arrived: its index in the stream and in the source (for wall-clock times). */
	#newestReal: {readonly stream: Frames; readonly source: Frames} | undefined;
	#silence: Float32Array;
	/** The stream the ring holds; set by the first audio of each source (its time axis needs it). */
	#stream: AudioStream | undefined;
	#streams = 0;
	readonly #taps = new Set<AudioTap>();
	readonly #levelListeners = new Set<BlockLevels>();
	#timer: NodeJS.Timeout | undefined;
	#lastPublish = 0;
	#snapshot: EngineSnapshot;
	/** The snapshot lags the engine (nobody was subscribed to be told): rebuild it when read. */
	#stale = false;
	readonly #listeners = new Set<() => void>();
	readonly #eventListeners = new Set<EngineEventListener>();
	#disposed = false;

	constructor(options: AudioEngineOptions) {
		this.bufferSeconds = options.bufferSeconds;
		this.#gate = options.silenceGate;
		this.#openCapture = options.openCapture;
		this.#publishIntervalMs = options.publishIntervalMs ?? 50;
		this.#source = options.source;
		this.#ring = this.#makeRing();
		this.#meter = new LevelMeter(this.#source.channels);
		this.#measureBlocks();
		this.#readBuffer = this.#makeReadBuffer();
		this.#silence = this.#makeReadBuffer();
		this.#levels = this.#silentLevels();
		this.#snapshot = this.#buildSnapshot();
		const drainIntervalMs = options.drainIntervalMs ?? 50;
		this.#timer = setInterval(() => {
			this.drain();
		}, drainIntervalMs);
	}

	get source(): AudioSource {
		return this.#source;
	}

	/** Next slot the ring writes, for inspection and tests. */
	get writePtr(): Frames {
		return this.#ring.writePtr;
	}

	/** Frames of pre-roll the ring holds now. */
	get bufferFilled(): Frames {
		return this.#ring.bufferFilled;
	}

	get recording(): boolean {
		return this.#active !== undefined;
	}

	subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	getSnapshot = (): EngineSnapshot => {
		if (this.#stale && this.#listeners.size === 0) {
			this.#snapshot = this.#buildSnapshot();
			this.#stale = false;
		}
		return this.#snapshot;
	};

	onEvent(listener: EngineEventListener): () => void {
		this.#eventListeners.add(listener);
		return () => this.#eventListeners.delete(listener);
	}

	/** Tells viewers where captures go (the app creates the session on the first capture). */
	setSessionDir(dir: string | undefined): void {
		this.#sessionDir = dir;
		this.#publish();
	}

	/**
	 * Moves everything the source has into the ring (and into an open capture). The timer calls it; tests
	 * and the trigger call it too so that a trigger's pre-roll includes the very latest frames.
	 */
	drain(): void {
		if (this.#disposed || this.#stoppedReason !== undefined) {
			return;
		}
		const source = this.#source;
		const capacity = this.#readBuffer.length / source.channels;
		for (;;) {
			const frames = source.read(this.#readBuffer);
			this.#take(frames);
			if (frames < capacity) {
				break;
			}
		}
		this.#checkSource();
		if (this.#listeners.size === 0) {
			// Headless: nobody watches the meters, so build nothing until someone asks (status).
			this.#stale = true;
			return;
		}
		const now = Date.now();
		if (now - this.#lastPublish >= this.#publishIntervalMs) {
			this.#publish(now);
		}
	}

	/**
	 * `frames` just read into the read buffer, with the gaps that fall among them (or right after them)
	 * filled with silence of their exact length: so frame N of the stream, and of a capture, is always
	 * N periods of the sample clock after frame 0.
	 */
	#take(frames: Frames): void {
		const start = this.#sourceRead;
		const gaps = this.#source.takeGaps?.();
		if (gaps !== undefined && gaps.length > 0) {
			this.#waitingGaps.push(...gaps);
		}
		let done = 0;
		while (this.#waitingGaps[0] !== undefined && this.#waitingGaps[0].atFrame <= start + frames) {
			const gap = this.#waitingGaps.shift()!;
			const at = Math.min(frames, Math.max(done, gap.atFrame - start));
			this.#feed(done, at);
			done = at;
			this.#fillGap(gap);
		}
		this.#feed(done, frames);
		this.#sourceRead = start + frames;
	}

	/** Frames `[from, to)` of the read buffer go to the ring, the taps, the meter and the open capture. */
	#feed(from: Frames, to: Frames): void {
		if (to <= from) {
			return;
		}
		const {channels} = this.#source;
		const block = this.#readBuffer.subarray(from * channels, to * channels);
		const frames = to - from;
		const firstFrame = this.#ring.totalFrames;
		this.#ring.write(block, frames);
		const stream = (this.#stream ??= this.#startStream());
		for (const tap of this.#taps) {
			tap.write(stream, block, frames, firstFrame);
		}
		this.#meter.add(block, frames, firstFrame);
		this.#active?.append(block, frames);
		this.#newestReal = {stream: firstFrame + frames - 1, source: this.#sourceRead + to - 1};
	}

	#fillGap(gap: SourceGap): void {
		const capture = this.#active;
		this.#gapFrames += gap.frames;
		const event = {type: 'gap', frames: gap.frames, cause: gap.cause, total: this.#gapFrames, capture: capture?.sink?.index} as const;
		const {sampleRate} = this.#source;
		if (gap.frames > Math.max(this.#ring.capacity, longGapSeconds * sampleRate)) {
			if (capture?.sink) {
				void this.#stopNow(capture);
			} else {
				capture?.requestStop();
			}
			this.#emit({...event, filled: false});
			this.#newStream();
			return;
		}
		const stream = (this.#stream ??= this.#startStream());
		const firstFrame = this.#ring.totalFrames;
		this.#ringGaps.push({streamFrame: firstFrame, frames: gap.frames, cause: gap.cause});
		// Only the gaps the ring still holds are kept.
		while (this.#ringGaps[0] !== undefined && this.#ringGaps[0].streamFrame + this.#ringGaps[0].frames <= this.#ring.oldestFrame) {
			this.#ringGaps.shift();
		}
		capture?.noteGap(gap.frames, gap.cause);
		this.#ring.writeSilence(gap.frames);
		const block = this.#silence.length / this.#source.channels;
		for (let done = 0; done < gap.frames; done += block) {
			const frames = Math.min(block, gap.frames - done);
			for (const tap of this.#taps) {
				tap.write(stream, this.#silence, frames, firstFrame + done);
			}
			capture?.append(this.#silence, frames);
		}
		this.#emit({...event, filled: true});
	}

	/** Wall-clock time of frame `frame` of the stream, from the newest frame that really arrived. */
	#frameTime(frame: Frames): EpochMs {
		const newest = this.#newestReal;
		if (newest === undefined) {
			return Date.now();
		}
		return this.#source.frameTime(newest.source) - ((newest.stream - frame) * 1000) / this.#source.sampleRate;
	}

	/**
	 * Hangs a consumer off the drain loop: from the next drain on it gets every frame the ring gets.
	 * Returns a function that takes it off again.
	 */
	addTap(tap: AudioTap): () => void {
		this.#taps.add(tap);
		return () => this.#taps.delete(tap);
	}

	/**
	 * `listener` is told the level of every 10 ms block (`levelBlockSeconds`) as it drains: the loudest
	 * channel's mean square, measured in the meter's own pass over the samples (no second pass). Called
	 * from the drain loop: it must return at once. Returns the unsubscribe.
	 */
	addLevelListener(listener: BlockLevels): () => void {
		this.#levelListeners.add(listener);
		this.#measureBlocks();
		return () => {
			this.#levelListeners.delete(listener);
			this.#measureBlocks();
		};
	}

	#measureBlocks(): void {
		const blockFrames = Math.round(this.#source.sampleRate * levelBlockSeconds);
		this.#meter.measureBlocks(
			blockFrames,
			this.#levelListeners.size === 0
				? undefined
				: (endFrame, loudestMeanSquare) => {
						const stream = (this.#stream ??= this.#startStream());
						for (const listener of this.#levelListeners) {
							listener(stream, endFrame, loudestMeanSquare, blockFrames);
						}
					},
		);
	}

	/** What the ring holds now, with the very latest frames (it drains first); undefined before any audio. */
	ringSpan(): RingSpan | undefined {
		this.drain();
		const stream = this.#stream;
		return stream && {stream, firstFrame: this.#ring.oldestFrame, endFrame: this.#ring.totalFrames};
	}

	/**
	 * A copy of frames `[first, end)` of `stream`, which the ring must still hold (see `ringSpan`; nothing
	 * drains in between as long as no await does).
	 */
	copyFromRing(stream: AudioStream, first: Frames, end: Frames): Float32Array {
		if (stream !== this.#stream) {
			throw new RangeError(`stream ${stream.id} is gone: the ring holds stream ${this.#stream?.id ?? 'none'}`);
		}
		return this.#ring.copyFrames(first, end);
	}

	/** Starts a capture when idle, stops it when recording. */
	async toggle(): Promise<TriggerResult> {
		return this.#active ? this.stop() : this.start();
	}

	/**
	 * Starts a capture whose first frame is the oldest frame in the ring, or frame `fromFrame` of the
	 * ring's stream (see `ringSpan`) when given: the voice trigger starts a second before speech began.
	 */
	async start(options: {readonly fromFrame?: Frames} = {}): Promise<TriggerResult> {
		const starting = this.#start(options.fromFrame);
		this.#starting = starting;
		try {
			return await starting;
		} finally {
			if (this.#starting === starting) {
				this.#starting = undefined;
			}
		}
	}

	async #start(fromFrame: Frames | undefined): Promise<TriggerResult> {
		if (this.#disposed) {
			return shuttingDown;
		}
		if (this.#active) {
			return {ok: false, reason: 'already recording: stop the current capture first'};
		}
		const refused = this.#checkReady(this.#gate);
		if (refused) {
			return refused;
		}
		const {totalFrames, bufferFilled} = this.#ring;
		const preroll = fromFrame === undefined ? bufferFilled : Math.max(0, Math.min(bufferFilled, totalFrames - fromFrame));
		return this.#begin(this.#newCapture(preroll));
	}

	/**
	 * Ends the open capture at the current drain boundary and goes on at once in a new one that begins with
	 * the very next frame (no pre-roll): a long capture cut in parts with no frame lost or repeated.
	 */
	async split(): Promise<{readonly stopped: TriggerResult; readonly started: TriggerResult}> {
		const capture = this.#active;
		if (!capture?.sink || this.#disposed) {
			const refused: TriggerResult = this.#disposed ? shuttingDown : {ok: false, reason: 'not recording'};
			return {stopped: refused, started: refused};
		}
		this.drain();
		// Both captures change hands here, between two drains: the seam is exact.
		const next = this.#newCapture(0);
		this.#active = undefined;
		const stopping = this.#finishTracked(capture);
		const [stopped, started] = await Promise.all([stopping, this.#begin(next)]);
		return {stopped, started};
	}

	/** Makes `capture` the open one and opens its file; the one path of start and split. */
	async #begin(capture: ActiveCapture): Promise<TriggerResult> {
		this.#active = capture;
		this.#lastRefusal = undefined;
		const failed = await this.#open(capture);
		if (failed) {
			this.#active = undefined;
			return failed;
		}
		const status = this.#captureStatus();
		if (status.kind !== 'recording') {
			throw new Error('unreachable: capture vanished while opening');
		}
		this.#emit({type: 'capture-started', capture: status});
		this.#publish();
		if (capture.stopRequested) {
			return this.stop();
		}
		return {ok: true, action: 'started', capture: status};
	}

	/** Ends the open capture at the current drain boundary and waits until its file is final. */
	async stop(): Promise<TriggerResult> {
		const capture = this.#active;
		if (!capture) {
			return {ok: false, reason: 'not recording'};
		}
		if (!capture.sink) {
			// Still opening: `start` stops it as soon as the file exists, and how that went is this stop's answer.
			capture.requestStop();
			return this.#starting ?? {ok: false, reason: 'the capture is still opening; it will stop right after'};
		}
		this.drain();
		return this.#stopNow(capture);
	}

	async #stopNow(capture: ActiveCapture): Promise<TriggerResult> {
		this.#active = undefined;
		this.#publish();
		return this.#finishTracked(capture);
	}

	/**
	 * Saves the last `seconds` held in the ring as a capture of their own, with no live tail (the
	 * ring-buffer recorder's "save that"). Refused when the whole stretch is below the silence gate.
	 */
	async saveLast(seconds: Seconds): Promise<TriggerResult> {
		const refused = this.#checkReady({...this.#gate, windowSeconds: seconds});
		if (refused) {
			return refused;
		}
		// Copied now: the ring moves on while the file opens.
		const capture = this.#newCapture(Math.min(secondsToFrames(seconds, this.#source.sampleRate), this.#ring.bufferFilled));
		const failed = await this.#open(capture);
		if (failed) {
			return failed;
		}
		const result = await this.#finishTracked(capture);
		return result.ok && result.action === 'stopped' ? {...result, action: 'saved'} : result;
	}

	/** Whether a capture may begin now: a refusal (with its reason) when not. Drains first. */
	#checkReady(gate: SilenceGateOptions): TriggerResult | undefined {
		if (this.#disposed) {
			return shuttingDown;
		}
		if (this.#stoppedReason !== undefined) {
			return this.#refuse(`no audio source: ${this.#stoppedReason}`);
		}
		this.drain();
		const source = this.#source;
		const verdict = checkSilenceGate(this.#ring, source.sampleRate, source.portNames, gate);
		return verdict.allowed ? undefined : this.#refuse(verdict.reason);
	}

	/** A capture whose first `frames` are the newest in the ring (all of it, for a trigger). */
	#newCapture(frames: Frames): ActiveCapture {
		const source = this.#source;
		const first = this.#ring.totalFrames - frames;
		const start = {
			sampleRate: source.sampleRate,
			channels: source.channels,
			// From the newest frame back: the silence of any gap in the pre-roll counts, as it does in the file.
			startedAt: this.#frameTime(first),
			triggeredAt: Date.now(),
			prerollFrames: frames,
		};
		const gaps = this.#ringGaps.flatMap((gap): CaptureGap[] => {
			const from = Math.max(gap.streamFrame, first);
			const to = Math.min(gap.streamFrame + gap.frames, this.#ring.totalFrames);
			return to > from ? [{atFrame: from - first, frames: to - from, cause: gap.cause}] : [];
		});
		return new ActiveCapture(start, this.#ring.copyLast(frames), gaps);
	}

	/** Opens the capture's file; when it cannot, says why (event and result). The one path for every capture. */
	async #open(capture: ActiveCapture): Promise<TriggerResult | undefined> {
		try {
			capture.attach(await this.#openCapture(capture.start, {writeFailed: reason => this.#writeFailed(capture, reason)}));
			return undefined;
		} catch (error) {
			if (error instanceof CaptureRefusedError) {
				return this.#refuse(error.message);
			}
			return this.#failed(`could not open the capture file: ${errorMessage(error)}`, undefined);
		}
	}

	/** The capture's file takes no more frames: said at once, and a live capture ends at its last good frame. */
	#writeFailed(capture: ActiveCapture, reason: string): void {
		this.#failed(reason, capture.sink?.path);
		if (this.#active === capture && capture.sink) {
			void this.#stopNow(capture);
		}
	}

	/** Tells of a failed capture (event and `lastFailure`, kept until a capture is saved whole). */
	#failed(reason: string, path: string | undefined): TriggerResult {
		this.#lastFailure = {reason, at: Date.now()};
		this.#emit({type: 'capture-failed', reason, path});
		this.#publish();
		return {ok: false, reason};
	}

	/** Finishes the capture's file; dispose waits for it meanwhile. */
	async #finishTracked(capture: ActiveCapture): Promise<TriggerResult> {
		const finishing = this.#finish(capture);
		this.#finishing.add(finishing);
		try {
			return await finishing;
		} finally {
			this.#finishing.delete(finishing);
		}
	}

	/** Swaps in a new source (after the JACK server came back); the old pre-roll is dropped. */
	replaceSource(source: AudioSource): void {
		const old = this.#source;
		this.#source = source;
		if (old !== source) {
			old.dispose();
		}
		this.#newStream();
		this.#meter = new LevelMeter(source.channels);
		this.#measureBlocks();
		this.#readBuffer = this.#makeReadBuffer();
		this.#silence = this.#makeReadBuffer();
		this.#levels = this.#silentLevels();
		this.#stoppedReason = undefined;
		this.#seenXruns = 0;
		this.#sourceRead = 0;
		this.#waitingGaps = [];
		this.#gapFrames = 0;
		this.#emit({type: 'source-started', name: source.name});
		this.#publish();
	}

	/** Finalizes an open capture, stops the timer and releases the source. Idempotent. */
	async dispose(): Promise<void> {
		if (this.#disposed) {
			await Promise.allSettled(this.#finishing);
			return;
		}
		// Take what the source still holds, so a capture ends at the moment of quitting.
		this.drain();
		this.#disposed = true;
		if (this.#starting) {
			this.#active?.requestStop();
			await this.#starting;
		}
		if (this.#active?.sink) {
			await this.#stopNow(this.#active);
		}
		clearInterval(this.#timer);
		this.#timer = undefined;
		await Promise.allSettled(this.#finishing);
		this.#source.dispose();
		this.#listeners.clear();
		this.#taps.clear();
	}

	async #finish(capture: ActiveCapture): Promise<TriggerResult> {
		const sink = capture.sink!;
		const {start} = capture;
		const {droppedFrames, gaps} = capture;
		let final;
		try {
			final = await sink.finish({frames: capture.frames, droppedFrames, gaps, endedAt: Date.now()});
		} catch (error) {
			return this.#failed(`capture ${sink.index} could not be finished: ${errorMessage(error)}`, sink.path);
		}
		const frames = final?.frames ?? capture.frames;
		const finished: FinishedCapture = {
			index: sink.index,
			path: sink.path,
			startedAt: start.startedAt,
			frames,
			duration: framesToSeconds(frames, start.sampleRate),
			prerollFrames: start.prerollFrames,
			droppedFrames,
			...(final?.ended === undefined ? {} : {ended: final.ended}),
		};
		this.#lastCapture = finished;
		if (finished.ended === undefined) {
			this.#lastFailure = undefined;
		}
		this.#emit({type: 'capture-saved', capture: finished});
		this.#publish();
		return {ok: true, action: 'stopped', capture: finished};
	}

	#refuse(reason: string): TriggerResult {
		this.#lastRefusal = {reason, at: Date.now()};
		this.#emit({type: 'capture-refused', reason});
		this.#publish();
		return {ok: false, reason};
	}

	#checkSource(): void {
		const stats = this.#source.stats();
		if (stats.xruns !== this.#seenXruns) {
			this.#seenXruns = stats.xruns;
			this.#emit({type: 'xrun', total: stats.xruns});
		}
		if (stats.shutdownReason !== undefined && this.#stoppedReason === undefined) {
			this.#stoppedReason = stats.shutdownReason;
			this.#emit({type: 'source-stopped', reason: stats.shutdownReason});
			// The audio that made it is kept: finish the open capture right away.
			if (this.#active?.sink) {
				void this.stop();
			}
			this.#publish();
		}
	}

	#captureStatus(): CaptureStatus {
		const capture = this.#active;
		if (!capture?.sink) {
			return {kind: 'idle'};
		}
		return {
			kind: 'recording',
			index: capture.sink.index,
			path: capture.sink.path,
			startedAt: capture.start.startedAt,
			triggeredAt: capture.start.triggeredAt,
			prerollFrames: capture.start.prerollFrames,
			frames: capture.frames,
		};
	}

	#publish(now: EpochMs = Date.now()): void {
		this.#lastPublish = now;
		this.#stale = false;
		this.#snapshot = this.#buildSnapshot();
		for (const listener of this.#listeners) {
			listener();
		}
	}

	#buildSnapshot(): EngineSnapshot {
		this.#levels = this.#meter.take() ?? this.#levels;
		const source = this.#source;
		const stats = source.stats();
		return {
			source: {
				kind: source.kind,
				name: source.name,
				sampleRate: source.sampleRate,
				periodFrames: source.periodFrames,
				status: this.#stoppedReason === undefined ? 'running' : 'stopped',
				message: this.#stoppedReason,
			},
			bufferSeconds: this.bufferSeconds,
			bufferFilledSeconds: framesToSeconds(this.#ring.bufferFilled, source.sampleRate),
			levels: this.#levels.map((reading, channel) => ({port: source.portNames[channel] ?? `in_${channel + 1}`, ...reading})),
			capture: this.#captureStatus(),
			lastRefusal: this.#lastRefusal,
			lastCapture: this.#lastCapture,
			lastFailure: this.#lastFailure,
			xruns: stats.xruns,
			droppedFrames: this.#gapFrames,
			sessionDir: this.#sessionDir,
		};
	}

	#emit(event: EngineEvent): void {
		for (const listener of this.#eventListeners) {
			listener(event);
		}
	}

	/** Frame 0's time is read once the source has delivered audio: JACK's clock anchor exists from then on. */
	#startStream(): AudioStream {
		const source = this.#source;
		return {id: ++this.#streams, sampleRate: source.sampleRate, channels: source.channels, axis: new TimeAxis(source.frameTime(0), source.sampleRate)};
	}

	/** An empty ring and a new stream (frame indices from 0, a new time axis), for the taps too. */
	#newStream(): void {
		this.#ring = this.#makeRing();
		this.#stream = undefined;
		this.#ringGaps = [];
		this.#newestReal = undefined;
	}

	#makeRing(): AudioRing {
		return new AudioRing(secondsToFrames(this.bufferSeconds, this.#source.sampleRate), this.#source.channels);
	}

	/** Room for a second of audio per read: a stalled loop catches up in a few reads. */
	#makeReadBuffer(): Float32Array {
		return new Float32Array(this.#source.sampleRate * this.#source.channels);
	}

	#silentLevels(): ChannelReading[] {
		return Array.from({length: this.#source.channels}, () => silentReading);
	}
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
