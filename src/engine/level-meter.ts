import {amplitudeToDb, type Decibels} from '../util/units.js';

/** Peak and RMS of one channel over the frames seen since the last `take`. */
export type ChannelReading = {readonly peak: Decibels; readonly rms: Decibels; readonly clipped: boolean};

/**
 * Accumulates per-channel peak and sum of squares as blocks drain, so the meter sees every sample
 * between two screen refreshes (a short peak between refreshes still shows).
 */
export class LevelMeter {
	readonly #peak: Float64Array;
	readonly #sumSquares: Float64Array;
	#frames = 0;

	constructor(readonly channels: number) {
		this.#peak = new Float64Array(channels);
		this.#sumSquares = new Float64Array(channels);
	}

	add(block: Float32Array, frames: number): void {
		const {channels} = this;
		for (let c = 0; c < channels; c++) {
			let peak = this.#peak[c]!;
			let sum = this.#sumSquares[c]!;
			for (let i = c, end = frames * channels; i < end; i += channels) {
				const x = block[i]!;
				const magnitude = x < 0 ? -x : x;
				if (magnitude > peak) {
					peak = magnitude;
				}
				sum += x * x;
			}
			this.#peak[c] = peak;
			this.#sumSquares[c] = sum;
		}
		this.#frames += frames;
	}

	/** Readings since the last call, or undefined when nothing arrived; then starts over. */
	take(): ChannelReading[] | undefined {
		if (this.#frames === 0) {
			return undefined;
		}
		const readings: ChannelReading[] = [];
		for (let c = 0; c < this.channels; c++) {
			const peak = this.#peak[c]!;
			readings.push({
				peak: amplitudeToDb(peak),
				rms: amplitudeToDb(Math.sqrt(this.#sumSquares[c]! / this.#frames)),
				clipped: peak >= 1,
			});
		}
		this.#peak.fill(0);
		this.#sumSquares.fill(0);
		this.#frames = 0;
		return readings;
	}
}
