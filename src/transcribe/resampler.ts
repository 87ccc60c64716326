import type {Hertz} from '../util/units.js';
import {kaiserBeta, kaiserWindow, sincTable} from '../util/windowed-sinc.js';

/**
 * A windowed-sinc (Kaiser) polyphase resampler for any ratio of whole sample rates.
 *
 * The rate ratio is reduced to `up / down` (48 kHz -> 16 kHz is 1/3, 44.1 kHz -> 16 kHz is 160/441)
 * and each output sample is one dot product of the input with one of `up` precomputed filter phases,
 * so nothing is computed at the (virtual) upsampled rate. The low-pass puts the stop band at the lower
 * Nyquist frequency, so nothing above it can fold back into the band (dropping samples would fold a
 * 12 kHz tone to 4 kHz). Streamable: `process` takes chunks of any size and `flush` ends the stream.
 */
export type ResamplerOptions = {
	/**
	 * Stop-band attenuation the filter is designed for.
	 * @default 80
	 */
	readonly attenuationDb?: number;
	/**
	 * Width of the transition band as a fraction of the lower Nyquist frequency: the pass band ends at
	 * `(1 - transition) * nyquist` (6 kHz at 16 kHz out) and the stop band starts at `nyquist`. Speech
	 * has little whisper needs between 6 and 8 kHz, and a narrower band costs taps (time) in inverse
	 * proportion.
	 * @default 0.25
	 */
	readonly transition?: number;
};

/** The filter's shape, worked out from the rates and options (exposed for tests and the bench). */
export type ResamplerDesign = {
	readonly inputRate: Hertz;
	readonly outputRate: Hertz;
	readonly up: number;
	readonly down: number;
	/** Taps per output sample. */
	readonly taps: number;
	readonly cutoff: Hertz;
	readonly beta: number;
};

const greatestCommonDivisor = (a: number, b: number): number => {
	while (b !== 0) {
		[a, b] = [b, a % b];
	}
	return a;
};

export const designResampler = (inputRate: Hertz, outputRate: Hertz, options: ResamplerOptions = {}): ResamplerDesign => {
	for (const [name, rate] of [['inputRate', inputRate], ['outputRate', outputRate]] as const) {
		if (!Number.isInteger(rate) || rate <= 0 || rate > 1_000_000) {
			throw new RangeError(`Resampler: ${name} must be a whole number of hertz from 1 to 1000000, got ${rate}`);
		}
	}
	const {attenuationDb = 80, transition = 0.25} = options;
	if (!(attenuationDb >= 20 && attenuationDb <= 200)) {
		throw new RangeError(`Resampler: attenuationDb must be from 20 to 200, got ${attenuationDb}`);
	}
	if (!(transition > 0.01 && transition < 0.9)) {
		throw new RangeError(`Resampler: transition must be between 0.01 and 0.9, got ${transition}`);
	}
	const divisor = greatestCommonDivisor(inputRate, outputRate);
	const up = outputRate / divisor;
	const down = inputRate / divisor;
	const nyquist = Math.min(inputRate, outputRate) / 2;
	const cutoff = nyquist * (1 - transition / 2);
	// Kaiser's estimate of the length for this attenuation and transition width, in input samples.
	const width = (2 * Math.PI * (nyquist * transition)) / inputRate;
	const length = Math.ceil((attenuationDb - 7.95) / (2.285 * width)) + 1;
	const taps = Math.ceil(length / 4) * 4;
	return {inputRate, outputRate, up, down, taps, cutoff, beta: kaiserBeta(attenuationDb)};
};

/**
 * `up` phases of `taps` coefficients each; phase p is used for outputs that fall p/up past an input
 * sample. The pass band ends at `cutoff`, as a fraction of the input's Nyquist frequency.
 */
const buildPhases = ({up, taps, cutoff, inputRate, beta}: ResamplerDesign): Float32Array =>
	sincTable({rows: up, divisions: up, taps, cutoff: (2 * cutoff) / inputRate, window: kaiserWindow(beta)});

export class Resampler {
	readonly design: ResamplerDesign;
	readonly #phases: Float32Array;
	/** Pending input; `#buffer[0]` is input sample number `#bufferStart` (negative for the leading zeros). */
	#buffer: Float32Array;
	#bufferLength = 0;
	#bufferStart: number;
	/** Input samples taken so far. */
	#inputCount = 0;
	/** The next output sample's number. */
	#outputIndex = 0;
	#ended = false;

	constructor(inputRate: Hertz, outputRate: Hertz, options: ResamplerOptions = {}) {
		this.design = designResampler(inputRate, outputRate, options);
		this.#phases = buildPhases(this.design);
		const half = this.design.taps / 2;
		// The filter is centred on each output instant, so it reaches half its length before sample 0.
		this.#bufferStart = -(half - 1);
		this.#buffer = new Float32Array(Math.max(4096, this.design.taps * 4));
		this.#bufferLength = half - 1;
	}

	/** Resamples the next chunk of mono input; returns the output it completes (possibly empty). */
	process(input: Float32Array): Float32Array {
		if (this.#ended) {
			throw new Error('Resampler.process: the stream was flushed');
		}
		if (!(input instanceof Float32Array)) {
			throw new TypeError('Resampler.process: input must be a Float32Array');
		}
		this.#append(input);
		this.#inputCount += input.length;
		return this.#produce(this.#bufferStart + this.#bufferLength);
	}

	/** Ends the stream: the output for the last input samples, as if zeros followed them. */
	flush(): Float32Array {
		if (this.#ended) {
			return new Float32Array(0);
		}
		this.#ended = true;
		this.#append(new Float32Array(this.design.taps));
		const {up, down} = this.design;
		const total = Math.ceil((this.#inputCount * up) / down);
		const output = this.#produce(this.#bufferStart + this.#bufferLength, total);
		this.#buffer = new Float32Array(0);
		return output;
	}

	#append(input: Float32Array): void {
		const needed = this.#bufferLength + input.length;
		if (needed > this.#buffer.length) {
			const grown = new Float32Array(Math.max(needed, this.#buffer.length * 2));
			grown.set(this.#buffer.subarray(0, this.#bufferLength));
			this.#buffer = grown;
		}
		this.#buffer.set(input, this.#bufferLength);
		this.#bufferLength = needed;
	}

	/** Emits every output whose taps lie below input sample `available` (and below `limit` outputs). */
	#produce(available: number, limit = Number.POSITIVE_INFINITY): Float32Array {
		const {up, down, taps} = this.design;
		const half = taps / 2;
		// Output n sits at input position n*down/up; its taps run from floor(that) - half + 1 to floor(that) + half.
		const lastBase = available - 1 - half;
		const end = Math.min(limit, Math.floor((lastBase * up) / down) + 1);
		const count = Math.max(0, end - this.#outputIndex);
		const output = new Float32Array(count);
		const buffer = this.#buffer;
		const phases = this.#phases;
		const start = this.#bufferStart;
		for (let o = 0; o < count; o++) {
			const n = this.#outputIndex + o;
			const position = n * down;
			const base = Math.floor(position / up);
			const phase = position - base * up;
			const first = base - half + 1 - start;
			const offset = phase * taps;
			// Four independent sums let the CPU overlap the multiplies (taps is always a multiple of 4).
			let s0 = 0;
			let s1 = 0;
			let s2 = 0;
			let s3 = 0;
			for (let k = 0; k < taps; k += 4) {
				const b = first + k;
				const c = offset + k;
				s0 += buffer[b]! * phases[c]!;
				s1 += buffer[b + 1]! * phases[c + 1]!;
				s2 += buffer[b + 2]! * phases[c + 2]!;
				s3 += buffer[b + 3]! * phases[c + 3]!;
			}
			output[o] = s0 + s1 + s2 + s3;
		}
		this.#outputIndex += count;
		// Keep only the input the next output still needs.
		const nextBase = Math.floor((this.#outputIndex * down) / up);
		const keepFrom = Math.min(nextBase - half + 1, start + this.#bufferLength) - start;
		if (keepFrom > 0) {
			this.#buffer.copyWithin(0, keepFrom, this.#bufferLength);
			this.#bufferLength -= keepFrom;
			this.#bufferStart += keepFrom;
		}
		return output;
	}
}

/** Resamples a whole mono signal in one call. */
export const resample = (input: Float32Array, inputRate: Hertz, outputRate: Hertz, options: ResamplerOptions = {}): Float32Array => {
	if (inputRate === outputRate) {
		return input.slice();
	}
	const resampler = new Resampler(inputRate, outputRate, options);
	const head = resampler.process(input);
	const tail = resampler.flush();
	const output = new Float32Array(head.length + tail.length);
	output.set(head);
	output.set(tail, head.length);
	return output;
};

/** Averages the channels of interleaved frames into one (averaging keeps a full-scale signal in range). */
export const downmixToMono = (interleaved: Float32Array, channels: number): Float32Array => {
	if (!Number.isInteger(channels) || channels < 1) {
		throw new RangeError(`downmixToMono: channels must be a whole number of at least 1, got ${channels}`);
	}
	if (interleaved.length % channels !== 0) {
		throw new RangeError(`downmixToMono: ${interleaved.length} samples are not whole frames of ${channels} channels`);
	}
	if (channels === 1) {
		return interleaved;
	}
	const frames = interleaved.length / channels;
	const mono = new Float32Array(frames);
	const scale = 1 / channels;
	for (let frame = 0, at = 0; frame < frames; frame++) {
		let sum = 0;
		for (let channel = 0; channel < channels; channel++, at++) {
			sum += interleaved[at]!;
		}
		mono[frame] = sum * scale;
	}
	return mono;
};
