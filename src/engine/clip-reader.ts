import type {Frames, Hertz} from '../util/units.js';
import {blackmanWindow, sincTable} from '../util/windowed-sinc.js';

/** Interleaved audio held in memory. */
export type Clip = {
	readonly sampleRate: Hertz;
	readonly channels: number;
	readonly frames: Frames;
	/** `frames * channels` interleaved samples. */
	readonly data: Float32Array;
};

/** Zero crossings of the sinc on each side of the interpolation point (at the narrower of the two rates). */
const zeroCrossings = 8;
/** Fractional positions the kernel table holds; positions in between are interpolated linearly. */
const phases = 256;
/** Keeps the pass band a little below Nyquist so the short kernel's transition band does not alias. */
const cutoffMargin = 0.95;

/**
 * Reads a clip as an endless loop at another rate and channel count. Rate conversion is band-limited
 * (a Blackman-windowed sinc from a polyphase table), wrapping around the clip's ends so the loop has no
 * seam; at equal rates samples are copied. Output channel c is input channel c mod N, except that a mono
 * output from a multichannel clip is the mean of its channels.
 *
 * `render` allocates nothing: it runs on every drain of the engine.
 */
export class ClipReader {
	readonly sampleRate: Hertz;
	readonly channels: number;
	/** Length of the loop at the output rate. */
	readonly loopFrames: Frames;
	readonly #clip: Clip;
	/** Input frames per output frame (exactly `clip.frames / loopFrames`, so the loop closes). */
	readonly #step: number;
	readonly #taps: number;
	/** `(phases + 1) * taps` weights; row p is the kernel for a fractional position p / phases. */
	readonly #table: Float32Array | undefined;
	readonly #accumulators: Float32Array;
	readonly #mixDown: boolean;

	constructor(clip: Clip, sampleRate: Hertz = clip.sampleRate, channels: number = clip.channels) {
		if (!Number.isInteger(clip.channels) || clip.channels < 1) {
			throw new RangeError(`clip channels must be a whole number >= 1, got ${clip.channels}`);
		}
		if (!Number.isInteger(clip.frames) || clip.frames < 1 || clip.data.length < clip.frames * clip.channels) {
			throw new RangeError(`the clip has no audio (${clip.frames} frames, ${clip.data.length} samples)`);
		}
		if (!(clip.sampleRate > 0) || !Number.isFinite(clip.sampleRate)) {
			throw new RangeError(`clip sample rate must be a positive number of hertz, got ${clip.sampleRate}`);
		}
		if (!Number.isInteger(sampleRate) || sampleRate < 1) {
			throw new RangeError(`sampleRate must be a whole number of hertz >= 1, got ${sampleRate}`);
		}
		if (!Number.isInteger(channels) || channels < 1) {
			throw new RangeError(`channels must be a whole number >= 1, got ${channels}`);
		}
		this.#clip = clip;
		this.sampleRate = sampleRate;
		this.channels = channels;
		this.#mixDown = channels === 1 && clip.channels > 1;
		this.#accumulators = new Float32Array(clip.channels);
		if (sampleRate === clip.sampleRate) {
			this.loopFrames = clip.frames;
			this.#step = 1;
			this.#taps = 0;
			this.#table = undefined;
		} else {
			this.loopFrames = Math.max(1, Math.round((clip.frames * sampleRate) / clip.sampleRate));
			this.#step = clip.frames / this.loopFrames;
			// Below the input rate the kernel's cutoff drops to the output's Nyquist and it widens to match.
			const cutoff = Math.min(1, 1 / this.#step) * cutoffMargin;
			const halfWidth = Math.ceil(zeroCrossings / cutoff);
			this.#taps = 2 * halfWidth;
			this.#table = sincTable({rows: phases + 1, divisions: phases, taps: this.#taps, cutoff, window: blackmanWindow});
		}
	}

	/**
	 * Writes `frames` interleaved output frames into `into` at frame offset `at`, starting at position
	 * `loopFrame` of the loop (any whole number; it wraps).
	 */
	render(into: Float32Array, at: Frames, loopFrame: number, frames: Frames): void {
		const {channels} = this;
		let position = ((loopFrame % this.loopFrames) + this.loopFrames) % this.loopFrames;
		for (let i = 0; i < frames; i++) {
			this.#readFrame(position);
			const base = (at + i) * channels;
			if (this.#mixDown) {
				let sum = 0;
				for (let c = 0; c < this.#accumulators.length; c++) {
					sum += this.#accumulators[c]!;
				}
				into[base] = sum / this.#accumulators.length;
			} else {
				for (let c = 0; c < channels; c++) {
					into[base + c] = this.#accumulators[c % this.#accumulators.length]!;
				}
			}
			position++;
			if (position === this.loopFrames) {
				position = 0;
			}
		}
	}

	/** Puts the clip's value at output position `position` (0 <= position < loopFrames), per input channel, into the accumulators. */
	#readFrame(position: number): void {
		const clip = this.#clip;
		const inChannels = clip.channels;
		const accumulators = this.#accumulators;
		const table = this.#table;
		if (table === undefined) {
			const base = position * inChannels;
			for (let c = 0; c < inChannels; c++) {
				accumulators[c] = clip.data[base + c]!;
			}
			return;
		}
		const exact = position * this.#step;
		const whole = Math.floor(exact);
		const phase = (exact - whole) * phases;
		const row = Math.floor(phase);
		const blend = phase - row;
		const taps = this.#taps;
		const rowA = row * taps;
		const rowB = rowA + taps;
		accumulators.fill(0);
		// Tap k weighs input frame whole - halfWidth + 1 + k.
		let frame = whole - taps / 2 + 1;
		frame = ((frame % clip.frames) + clip.frames) % clip.frames;
		for (let k = 0; k < taps; k++) {
			const weight = table[rowA + k]! + (table[rowB + k]! - table[rowA + k]!) * blend;
			const base = frame * inChannels;
			for (let c = 0; c < inChannels; c++) {
				accumulators[c] = accumulators[c]! + weight * clip.data[base + c]!;
			}
			frame++;
			if (frame === clip.frames) {
				frame = 0;
			}
		}
	}
}
