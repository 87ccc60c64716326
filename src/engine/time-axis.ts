import type {EpochMs, Frames, Hertz} from '../util/units.js';

/**
 * The time axis of one stream of audio: frame N was captured at `origin + N / rate`. Chunk files, `/audio`
 * ranges and the waveform all derive time from frame indices through this one line, so a stream whose
 * frame axis is true (every lost frame filled with silence of the exact length) has true times
 * everywhere, and two pieces of it line up to the frame whatever stored them.
 */
export class TimeAxis {
	/** Wall-clock time of frame 0. */
	readonly origin: EpochMs;
	readonly sampleRate: Hertz;

	constructor(origin: EpochMs, sampleRate: Hertz) {
		if (!Number.isFinite(origin)) {
			throw new RangeError(`time axis origin must be a finite time, got ${origin}`);
		}
		if (!(sampleRate > 0)) {
			throw new RangeError(`time axis sample rate must be above 0, got ${sampleRate}`);
		}
		this.origin = origin;
		this.sampleRate = sampleRate;
	}

	/** When frame `frame` was captured. */
	frameTime(frame: Frames): EpochMs {
		return this.origin + (frame * 1000) / this.sampleRate;
	}

	/** The frame captured at `time` (rounded to the nearest frame; may be negative or in the future). */
	frameAt(time: EpochMs): Frames {
		return Math.round(((time - this.origin) * this.sampleRate) / 1000);
	}
}
