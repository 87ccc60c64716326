import {GapCause, type AudioSource, type SourceGap, type SourceKind, type SourceStats} from './audio-source.js';
import {ClipReader, type Clip} from './clip-reader.js';
import type {EpochMs, Frames, Hertz, Seconds} from '../util/units.js';

export type LoopingClipSourceOptions = {
	readonly kind: SourceKind;
	/** What the screen calls the source: "demo", or the file's path. */
	readonly name: string;
	/** Client part of the port names: `demo` gives `demo:in_1`. */
	readonly client: string;
	readonly clip: Clip;
	/** @default the clip's rate */
	readonly sampleRate?: Hertz;
	/** @default the clip's channel count */
	readonly channels?: number;
	/** Audio becomes available in blocks of this many frames, as from a JACK period. @default 256 */
	readonly periodFrames?: Frames;
	/**
	 * The most audio kept for a reader that stopped reading (a stalled event loop, a suspended laptop);
	 * anything older is dropped and counted, as JACK's ring would. @default 4
	 */
	readonly maxBacklogSeconds?: Seconds;
	/** The clock, in epoch milliseconds. @default a monotonic clock anchored at `performance.timeOrigin` */
	readonly now?: () => EpochMs;
};

/** Where the delivered frames jump ahead of the ones they follow, because a backlog was dropped. */
type Skip = {readonly fromFrame: Frames; readonly skippedBefore: Frames};

const monotonicNow = (): EpochMs => performance.timeOrigin + performance.now();

/**
 * Plays a clip in a loop, in real time: frame n becomes readable n / rate seconds after the source opened.
 * There is no timer of its own: `read` works out from the clock how much audio has "arrived" since the last
 * call (in whole periods), so the engine's drain timer is the only clock that ticks. A monotonic clock keeps
 * the rate right when the wall clock is adjusted.
 */
export class LoopingClipSource implements AudioSource {
	readonly kind: SourceKind;
	readonly name: string;
	readonly sampleRate: Hertz;
	readonly channels: number;
	readonly periodFrames: Frames;
	readonly portNames: readonly string[];
	readonly #reader: ClipReader;
	readonly #now: () => EpochMs;
	readonly #startedAt: EpochMs;
	readonly #maxBacklog: Frames;
	readonly #skips: Skip[] = [];
	/** Skips not yet taken by `takeGaps`. */
	#gaps: SourceGap[] = [];
	/** Frames handed out so far: the next frame's index. */
	#delivered: Frames = 0;
	/** Frames dropped so far (the clock's frame count is delivered + skipped). */
	#skipped: Frames = 0;
	#disposed = false;

	constructor(options: LoopingClipSourceOptions) {
		const periodFrames = options.periodFrames ?? 256;
		if (!Number.isInteger(periodFrames) || periodFrames < 1) {
			throw new RangeError(`periodFrames must be a whole number >= 1, got ${periodFrames}`);
		}
		const maxBacklogSeconds = options.maxBacklogSeconds ?? 4;
		if (!(maxBacklogSeconds > 0) || !Number.isFinite(maxBacklogSeconds)) {
			throw new RangeError(`maxBacklogSeconds must be a positive number of seconds, got ${maxBacklogSeconds}`);
		}
		this.#reader = new ClipReader(options.clip, options.sampleRate, options.channels);
		this.kind = options.kind;
		this.name = options.name;
		this.sampleRate = this.#reader.sampleRate;
		this.channels = this.#reader.channels;
		this.periodFrames = periodFrames;
		this.portNames = Array.from({length: this.channels}, (_, c) => `${options.client}:in_${c + 1}`);
		this.#maxBacklog = Math.max(periodFrames, Math.round(maxBacklogSeconds * this.sampleRate));
		this.#now = options.now ?? monotonicNow;
		this.#startedAt = this.#now();
	}

	/** Length of one pass through the clip at the output rate. */
	get loopFrames(): Frames {
		return this.#reader.loopFrames;
	}

	read(into: Float32Array): Frames {
		if (this.#disposed) {
			return 0;
		}
		// The epsilon keeps float rounding of epoch-sized times from holding back a period that is due.
		const elapsed = ((this.#now() - this.#startedAt) * this.sampleRate) / 1000 + 1e-6;
		const arrived = Math.floor(elapsed / this.periodFrames) * this.periodFrames;
		let due = arrived - this.#delivered - this.#skipped;
		if (due > this.#maxBacklog) {
			const drop = due - this.#maxBacklog;
			this.#skipped += drop;
			this.#skips.push({fromFrame: this.#delivered, skippedBefore: this.#skipped});
			this.#gaps.push({atFrame: this.#delivered, frames: drop, cause: GapCause.ringOverflow});
			due = this.#maxBacklog;
		}
		const frames = Math.max(0, Math.min(due, Math.floor(into.length / this.channels)));
		this.#reader.render(into, 0, this.#delivered + this.#skipped, frames);
		this.#delivered += frames;
		return frames;
	}

	frameTime(frame: Frames): EpochMs {
		let skippedBefore = 0;
		for (let i = this.#skips.length - 1; i >= 0; i--) {
			const skip = this.#skips[i]!;
			if (skip.fromFrame <= frame) {
				skippedBefore = skip.skippedBefore;
				break;
			}
		}
		return this.#startedAt + ((frame + skippedBefore) * 1000) / this.sampleRate;
	}

	takeGaps(): SourceGap[] {
		const gaps = this.#gaps;
		this.#gaps = [];
		return gaps;
	}

	stats(): SourceStats {
		return {xruns: 0, droppedFrames: this.#skipped, shutdownReason: undefined};
	}

	dispose(): void {
		this.#disposed = true;
	}
}
