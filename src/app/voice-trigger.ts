import type {AudioEngine, TriggerResult} from '../engine/audio-engine.js';
import {levelBlockSeconds, type AudioStream} from '../engine/audio-tap.js';
import {downmixToMono, resample} from '../transcribe/resampler.js';
import {vadSampleRate, type SpeechDetector, type SpeechSegment, type VadParams} from '../transcribe/speech-detector.js';
import {captureNumber} from '../session/session.js';
import {localDateTime} from '../util/time-format.js';
import type {Decibels, Frames, Seconds} from '../util/units.js';
import type {SpeechEvidence} from '../transcribe/salience.js';
import {SpeechEvidenceMeter} from './speech-evidence.js';

export type VoiceTriggerOptions = {
	/** Input this loud (any channel) wakes the detector. */
	readonly beginDb: Decibels;
	/** Below this the input is silence (no detector run while a capture's speech may have ended). */
	readonly endDb: Decibels;
	/** How long the input stays above `beginDb` before the detector runs. */
	readonly sustainSeconds: Seconds;
	/** Kept before the speech began. */
	readonly prerollSeconds: Seconds;
	/** Without speech this long, a capture ends. */
	readonly hangoverSeconds: Seconds;
	/** A capture this long goes on in a new one. */
	readonly maxSeconds: Seconds;
	/** A capture that held less speech than this is dropped when it ends. */
	readonly minSpeechSeconds: Seconds;
	/** How often the detector may run. @default 150 */
	readonly tickMs?: number;
};

/** A voice capture as it ended: its salience evidence, and the line that says why it is dropped. */
export type VoiceCaptureEnd = {readonly evidence: SpeechEvidence; readonly drop?: string};

/** What the trigger is doing, for the banner and `status`. */
export const VoiceState = {
	/** Quiet: nothing runs but the energy gate. */
	listening: 'listening',
	/** The input is loud: Silero VAD is looking for speech in it. */
	checking: 'checking',
	/** Recording speech. */
	speech: 'speech',
	/** Recording, no speech for a moment: the capture ends when the hangover runs out. */
	hangover: 'hangover',
} as const;
export type VoiceState = (typeof VoiceState)[keyof typeof VoiceState];

/**
 * The detector sees this much before the gate opened: speech often begins quieter than the gate (a soft
 * consonant), and Silero needs some context to call it.
 */
const contextSeconds: Seconds = 1;
/** Longest window sent while looking for a start (a long loud stretch of noise is looked at from its end). */
const maxWindowSeconds: Seconds = 2;
/** The detector process is started afresh, while all is quiet, after this many calls (it keeps a little per call). */
const recycleAfterCalls = 300;
/** How often the trigger looks while all is quiet. */
const quietTickMs = 1000;
/**
 * Just after the gate opened, Silero has often heard too little to call it speech: it looks again this
 * soon, not a whole tick later, so a start is confirmed within 300 ms. Only for `eagerForMs`: a long
 * loud stretch of noise is then looked at once a tick, so noise does not cost three times the detector.
 */
const eagerTickMs = 50;
const eagerForMs = 500;
/**
 * Silero's own minimum (250 ms) would hold every start back by a quarter of a second: while looking for
 * a start, 100 ms of speech is enough to act on (what is too short is dropped at the end).
 */
const confirmParams: Partial<VadParams> = {minSpeechDurationMs: 100};
/** Window sent while recording, to see whether speech goes on. */
const followWindowSeconds: Seconds = 1;

type Ring = Pick<AudioEngine, 'ringSpan' | 'copyFromRing' | 'start' | 'stop' | 'split' | 'getSnapshot' | 'addLevelListener' | 'recording'>;

/**
 * Starts and ends captures on speech, in two stages: an energy gate on the live audio (cheap, in the
 * drain loop) wakes Silero VAD (in its own process, on windows copied from the ring), which confirms
 * speech and says where it began. A capture starts `prerollSeconds` before that onset, ends after
 * `hangoverSeconds` without speech, and at `maxSeconds` goes on in a new capture from the very next
 * frame. The hotkey keeps working beside it: a capture started by hand is ended by the hangover once it
 * held speech; one stopped by hand is not started again until the input has been quiet for a hangover.
 */
export class VoiceTrigger {
	readonly #engine: Ring;
	readonly #detector: SpeechDetector & {recycle?(): boolean};
	readonly #options: VoiceTriggerOptions;
	readonly #say: (line: string) => void;
	#timer: NodeJS.Timeout | undefined;
	readonly #untap: () => void;
	readonly #listeners = new Set<() => void>();
	#state: VoiceState = VoiceState.listening;
	#stream: AudioStream | undefined;
	/** First frame of the current stretch above `beginDb`, while it lasts. */
	#loudSince: Frames | undefined;
	/** End of the last block that was not silence (above `endDb`). */
	#lastSound: Frames = 0;
	/** End of the last speech Silero found in the open capture. */
	#lastSpeech: Frames | undefined;
	/** Speech before this frame belongs to a capture that ended: a new one looks only after it. */
	#searchFrom: Frames = 0;
	/** A capture was stopped by hand in speech: start none until the input has been quiet for a hangover. */
	#holdUntilQuiet = false;
	/** What the open capture's salience will be computed from, while the trigger owns that capture. */
	#evidence: {readonly index: number; readonly meter: SpeechEvidenceMeter} | undefined;
	/** Evidence of captures the trigger ended, until the after-capture chain takes it. */
	readonly #finishedEvidence = new Map<number, SpeechEvidence>();
	#busy = false;
	/** A capture is open that the trigger follows (its own, or one started by hand). */
	#captureOpen = false;
	/** A look is scheduled for right after the drain (the gate has just opened). */
	#wakePending = false;
	/** When the trigger began checking a loud stretch (performance.now()), while it checks. */
	#checkingSince: number | undefined;
	#calls = 0;
	readonly #abort = new AbortController();
	#disposed = false;

	constructor(engine: Ring, detector: SpeechDetector & {recycle?(): boolean}, options: VoiceTriggerOptions, say: (line: string) => void) {
		this.#engine = engine;
		this.#detector = detector;
		this.#options = options;
		this.#say = say;
		this.#untap = engine.addLevelListener(this.#onBlock);
		this.#schedule();
		this.#warmUp();
	}

	/**
	 * The next look: soon while something is going on, once a second in quiet (the gate wakes a look
	 * itself, so quiet needs only to notice a capture started by hand and to recycle the detector).
	 */
	#schedule(): void {
		if (this.#disposed) {
			return;
		}
		clearTimeout(this.#timer);
		const quiet = this.#state === VoiceState.listening && this.#loudSince === undefined && !this.#engine.recording;
		const eager = this.#checkingSince !== undefined && performance.now() - this.#checkingSince < eagerForMs;
		const tickMs = this.#options.tickMs ?? 150;
		this.#timer = setTimeout(() => {
			void this.#tick();
		}, quiet ? quietTickMs : eager ? Math.min(eagerTickMs, tickMs) : tickMs);
	}

	/** Starts the detector's process and loads the model now, not when the first speech is waiting. */
	#warmUp(): void {
		this.#detector.detectSpeech(new Float32Array(vadSampleRate / 2), {signal: this.#abort.signal}).catch((error: unknown) => {
			if (!this.#disposed) {
				this.#say(`voice trigger: the speech detector does not start: ${error instanceof Error ? error.message : String(error)}`);
			}
		});
	}

	get state(): VoiceState {
		return this.#state;
	}

	subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	getSnapshot = (): VoiceState => this.#state;

	/** The engine's level of each 10 ms block, from its meter's pass over the samples: the energy gate. */
	#onBlock = (stream: AudioStream, end: Frames, loudestMeanSquare: number): void => {
		if (stream !== this.#stream) {
			this.#stream = stream;
			this.#loudSince = undefined;
			this.#lastSound = end;
			this.#lastSpeech = undefined;
		}
		const db = loudestMeanSquare > 0 ? 10 * Math.log10(loudestMeanSquare) : Number.NEGATIVE_INFINITY;
		const blockFrames = Math.round(stream.sampleRate * levelBlockSeconds);
		const {beginDb} = this.#options;
		const endDb = Math.min(this.#options.endDb, beginDb);
		// Hysteresis: speech dips between syllables; the gate opens above `beginDb` and closes below `endDb`.
		if (db >= beginDb) {
			this.#loudSince ??= end - blockFrames;
		} else if (db < endDb) {
			this.#loudSince = undefined;
		}
		if (db >= endDb) {
			this.#lastSound = end;
			this.#evidence?.meter.addBlock(end, db);
		} else if (this.#holdUntilQuiet && end - this.#lastSound >= this.#options.hangoverSeconds * stream.sampleRate) {
			// Quiet for a hangover, not a pause between two words: that speech is over.
			this.#holdUntilQuiet = false;
		}
		// Loud for long enough while listening: look now, not at the next tick (up to 150 ms later). Not
		// from here: this runs inside the engine's drain, and a look drains the ring itself.
		const {sustainSeconds} = this.#options;
		if (this.#state === VoiceState.listening && !this.#wakePending && this.#loudSince !== undefined && end - this.#loudSince >= sustainSeconds * stream.sampleRate) {
			this.#wakePending = true;
			setImmediate(() => {
				this.#wakePending = false;
				void this.#tick();
			});
		}
	};

	async #tick(): Promise<void> {
		if (this.#busy || this.#disposed) {
			return;
		}
		this.#busy = true;
		try {
			// `recording`, not the snapshot: headless, a snapshot read rebuilds it (levels and all) every tick.
			const recording = this.#engine.recording;
			if (!recording && this.#captureOpen) {
				// It ended between two ticks, and not by the trigger.
				this.#endedElsewhere();
			}
			await (recording ? this.#follow() : this.#look());
		} catch (error) {
			if (!this.#disposed) {
				this.#say(`voice trigger: the speech detector failed: ${error instanceof Error ? error.message : String(error)}`);
			}
		} finally {
			this.#busy = false;
			this.#schedule();
		}
	}

	/** Idle: when the input has been loud long enough, ask Silero whether it is speech, and where it began. */
	async #look(): Promise<void> {
		this.#lastSpeech = undefined;
		const loudSince = this.#loudSince;
		// In silence nothing more runs: not even a drain of the ring (ringSpan drains).
		const span = loudSince === undefined || this.#holdUntilQuiet ? undefined : this.#engine.ringSpan();
		if (span === undefined || span.stream !== this.#stream || loudSince === undefined) {
			this.#setState(VoiceState.listening);
			if (this.#calls >= recycleAfterCalls && loudSince === undefined && this.#detector.recycle?.() === true) {
				this.#calls = 0;
				this.#warmUp();
			}
			return;
		}
		const {stream, firstFrame, endFrame} = span;
		const rate = stream.sampleRate;
		if (endFrame - loudSince < this.#options.sustainSeconds * rate) {
			return;
		}
		this.#setState(VoiceState.checking);
		const from = Math.max(firstFrame, this.#searchFrom, loudSince - Math.round(contextSeconds * rate), endFrame - Math.round(maxWindowSeconds * rate));
		// The first speech Silero finds starts a capture at once (its pre-roll reaches back before the
		// onset anyway); one that turns out to hold less than --voice-min-speech is dropped when it ends.
		const [speech] = await this.#detect(stream, from, endFrame, confirmParams);
		if (speech === undefined) {
			return;
		}
		const onset = from + Math.round(speech.start * rate);
		const fromFrame = Math.max(0, onset - Math.round(this.#options.prerollSeconds * rate));
		const confirmedIn = (this.#engine.ringSpan()?.endFrame ?? endFrame) - onset;
		const result = await this.#engine.start({fromFrame});
		if (!result.ok) {
			this.#say(`voice trigger: speech found, but the capture was refused: ${result.reason}`);
			this.#holdUntilQuiet = true;
			return;
		}
		this.#lastSpeech = from + Math.round(speech.end * rate);
		this.#captureOpen = true;
		this.#openEvidence(result, fromFrame, rate);
		this.#evidence?.meter.addSpeech(onset, this.#lastSpeech);
		this.#setState(VoiceState.speech);
		this.#say(
			`voice: speech at ${localDateTime(new Date(stream.axis.frameTime(onset)))}, confirmed ${(confirmedIn / rate).toFixed(2)} s after it began; ` +
				`capture ${captureLabel(result)} keeps ${((onset - fromFrame) / rate).toFixed(2)} s before it`,
		);
	}

	/** Recording: is there still speech? End after the hangover, split at the maximum length. */
	async #follow(): Promise<void> {
		const span = this.#engine.ringSpan();
		const capture = this.#engine.getSnapshot().capture;
		if (span === undefined || span.stream !== this.#stream || capture.kind !== 'recording') {
			return;
		}
		this.#captureOpen = true;
		const {stream, endFrame} = span;
		const rate = stream.sampleRate;
		if (capture.frames >= this.#options.maxSeconds * rate) {
			// A capture started by hand goes on as one: it is never dropped or evicted.
			const owned = this.#evidence !== undefined;
			this.#closeEvidence(endFrame);
			const {stopped, started} = await this.#engine.split();
			if (owned) {
				this.#openEvidence(started, this.#engine.ringSpan()?.endFrame ?? endFrame, rate);
			}
			if (stopped.ok && started.ok) {
				this.#say(`voice: capture ${captureLabel(stopped)} reached ${this.#options.maxSeconds} s; it goes on in capture ${captureLabel(started)} from the next frame`);
			}
			return;
		}
		const from = Math.max(span.firstFrame, endFrame - Math.round(followWindowSeconds * rate));
		// Silence since the window began: no speech there, and no need to ask.
		if (this.#lastSound > from) {
			for (const segment of await this.#detect(stream, from, endFrame)) {
				const end = from + Math.round(segment.end * rate);
				this.#lastSpeech = Math.max(this.#lastSpeech ?? 0, end);
				this.#evidence?.meter.addSpeech(from + Math.round(segment.start * rate), end);
			}
		}
		const now = this.#engine.ringSpan()?.endFrame ?? endFrame;
		if (this.#engine.getSnapshot().capture.kind !== 'recording') {
			this.#endedElsewhere();
			return;
		}
		const lastSpeech = this.#lastSpeech;
		if (lastSpeech === undefined) {
			// Started by hand and no speech yet: it is the person's to stop.
			return;
		}
		const quiet = (now - lastSpeech) / rate;
		if (quiet < this.#options.hangoverSeconds) {
			this.#setState(quiet > 0.3 ? VoiceState.hangover : VoiceState.speech);
			return;
		}
		// Before the stop: the after-capture chain asks for the evidence as the file is finished.
		this.#closeEvidence(now);
		this.#captureOpen = false;
		const stopped = await this.#engine.stop();
		this.#searchFrom = now;
		this.#setState(VoiceState.listening);
		if (stopped.ok) {
			this.#say(`voice: ${this.#options.hangoverSeconds} s without speech: capture ${captureLabel(stopped)} ends`);
		}
	}

	/**
	 * What became of a capture this trigger started and ended, once: its salience evidence, and why it is
	 * to be dropped when it held less speech than --voice-min-speech. Undefined for one made or ended by
	 * hand: a person asked for it, so it is kept and never leaves the speech queue untranscribed.
	 */
	takeFinished(index: number): VoiceCaptureEnd | undefined {
		const evidence = this.#finishedEvidence.get(index);
		this.#finishedEvidence.delete(index);
		if (evidence === undefined) {
			return undefined;
		}
		const {minSpeechSeconds} = this.#options;
		return evidence.speechSeconds < minSpeechSeconds
			? {evidence, drop: `voice: ${evidence.speechSeconds.toFixed(2)} s of speech is under the ${minSpeechSeconds} s minimum (--voice-min-speech): capture ${captureNumber(index)} dropped`}
			: {evidence};
	}

	#openEvidence(result: TriggerResult, startFrame: Frames, rate: number): void {
		this.#evidence = result.ok ? {index: result.capture.index, meter: new SpeechEvidenceMeter(startFrame, rate)} : undefined;
	}

	#closeEvidence(endFrame: Frames): void {
		const open = this.#evidence;
		this.#evidence = undefined;
		if (open !== undefined) {
			// A capture whose chain never asked (the session was closed meanwhile) does not stay forever.
			if (this.#finishedEvidence.size >= 16) {
				this.#finishedEvidence.clear();
			}
			this.#finishedEvidence.set(open.index, open.meter.evidence(endFrame));
		}
	}

	/**
	 * The capture ended without the trigger: stopped by hand (or the source went away). A person chose
	 * its end, so it is theirs (never dropped or evicted), and speech going on starts nothing until the
	 * input has gone quiet.
	 */
	#endedElsewhere(): void {
		this.#captureOpen = false;
		this.#evidence = undefined;
		this.#holdUntilQuiet = true;
		this.#searchFrom = this.#engine.ringSpan()?.endFrame ?? this.#searchFrom;
		this.#setState(VoiceState.listening);
	}

	/** Silero's speech segments in frames `[from, to)` of the ring, downmixed and resampled to 16 kHz. */
	async #detect(stream: AudioStream, from: Frames, to: Frames, params?: Partial<VadParams>): Promise<readonly SpeechSegment[]> {
		const audio = this.#engine.copyFromRing(stream, from, to);
		const mono = resample(downmixToMono(audio, stream.channels), stream.sampleRate, vadSampleRate);
		this.#calls++;
		return this.#detector.detectSpeech(mono, {signal: this.#abort.signal, ...(params === undefined ? {} : {params})});
	}

	#setState(state: VoiceState): void {
		if (state !== this.#state) {
			this.#checkingSince = state === VoiceState.checking ? performance.now() : undefined;
			this.#state = state;
			for (const listener of this.#listeners) {
				listener();
			}
		}
	}

	/** Stops looking (a detector call under way is abandoned). The open capture is the engine's. Idempotent. */
	dispose(): void {
		if (this.#disposed) {
			return;
		}
		this.#disposed = true;
		clearTimeout(this.#timer);
		this.#abort.abort();
		this.#untap();
		this.#listeners.clear();
	}
}

const captureLabel = (result: TriggerResult): string => (result.ok ? captureNumber(result.capture.index) : '?');
