import type {SpeechEvidence} from '../transcribe/salience.js';
import type {Decibels, Frames, Hertz} from '../util/units.js';

/**
 * Gathers, while a capture records, what its salience is computed from: the levels of its sounding
 * blocks (Welford's running mean and variance, so nothing grows with the capture's length) and the
 * speech Silero found in it (a union of frame intervals: the detector's windows overlap).
 */
export class SpeechEvidenceMeter {
	readonly #startFrame: Frames;
	readonly #rate: Hertz;
	#blocks = 0;
	#meanDb = 0;
	#squaredDeviations = 0;
	#power = 0;
	/** Disjoint, sorted `[start, end)` frame intervals of speech. */
	readonly #speech: Array<[Frames, Frames]> = [];

	constructor(startFrame: Frames, rate: Hertz) {
		this.#startFrame = startFrame;
		this.#rate = rate;
	}

	/** A 10 ms block above the silence threshold ended at `end`. */
	addBlock(end: Frames, db: Decibels): void {
		if (end <= this.#startFrame || !Number.isFinite(db)) {
			return;
		}
		this.#blocks++;
		const delta = db - this.#meanDb;
		this.#meanDb += delta / this.#blocks;
		this.#squaredDeviations += delta * (db - this.#meanDb);
		this.#power += 10 ** (db / 10);
	}

	/** Silero called `[start, end)` speech. */
	addSpeech(start: Frames, end: Frames): void {
		let from = Math.max(start, this.#startFrame);
		let to = end;
		if (to <= from) {
			return;
		}
		const kept: Array<[Frames, Frames]> = [];
		for (const [a, b] of this.#speech) {
			if (b < from || a > to) {
				kept.push([a, b]);
			} else {
				from = Math.min(from, a);
				to = Math.max(to, b);
			}
		}
		kept.push([from, to]);
		kept.sort((x, y) => x[0] - y[0]);
		this.#speech.splice(0, this.#speech.length, ...kept);
	}

	/** The evidence for a capture that ended at `endFrame`. */
	evidence(endFrame: Frames): SpeechEvidence {
		let speech = 0;
		for (const [a, b] of this.#speech) {
			speech += Math.max(0, Math.min(b, endFrame) - a);
		}
		return {
			durationSeconds: Math.max(0, endFrame - this.#startFrame) / this.#rate,
			speechSeconds: speech / this.#rate,
			loudnessDb: this.#blocks === 0 ? Number.NEGATIVE_INFINITY : 10 * Math.log10(this.#power / this.#blocks),
			variationDb: this.#blocks < 2 ? 0 : Math.sqrt(this.#squaredDeviations / (this.#blocks - 1)),
		};
	}
}
