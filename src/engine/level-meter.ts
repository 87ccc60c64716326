import {amplitudeToDb, type Decibels, type Frames} from '../util/units.js';

/** Peak and RMS of one channel over the frames seen since the last `take`. */
export type ChannelReading = {readonly peak: Decibels; readonly rms: Decibels; readonly clipped: boolean};

/**
 * Accumulates per-channel peak and sum of squares as blocks drain, so the meter sees every sample
 * between two screen refreshes (a short peak between refreshes still shows).
 */
/** Told at the end of each short block: the frame after it, and its loudest channel's mean square. */
export type BlockLevelListener = (endFrame: Frames, loudestMeanSquare: number) => void;

export class LevelMeter {
	readonly #peak: Float64Array;
	readonly #sumSquares: Float64Array;
	#frames = 0;
	/** Per channel, the sum of squares of the short block under way (only with a block listener). */
	readonly #blockSums: Float64Array;
	#blockFrames: Frames = 0;
	#blockFilled: Frames = 0;
	#onBlock: BlockLevelListener | undefined;

	constructor(readonly channels: number) {
		this.#peak = new Float64Array(channels);
		this.#sumSquares = new Float64Array(channels);
		this.#blockSums = new Float64Array(channels);
	}

	/**
	 * Also measures blocks of `blockFrames` (the voice trigger's energy gate), in the same pass over the
	 * samples as the meter's own sums; undefined stops it.
	 */
	measureBlocks(blockFrames: Frames, listener: BlockLevelListener | undefined): void {
		this.#blockFrames = Math.max(1, Math.round(blockFrames));
		this.#onBlock = listener;
		this.#blockSums.fill(0);
		this.#blockFilled = 0;
	}

	/** `frames` interleaved frames, the first of them frame `firstFrame` of the stream. */
	add(block: Float32Array, frames: Frames, firstFrame: Frames = 0): void {
		const onBlock = this.#onBlock;
		if (onBlock === undefined) {
			this.#addRange(block, 0, frames, undefined);
			return;
		}
		for (let offset = 0; offset < frames; ) {
			const n = Math.min(frames - offset, this.#blockFrames - this.#blockFilled);
			this.#addRange(block, offset, offset + n, this.#blockSums);
			offset += n;
			this.#blockFilled += n;
			if (this.#blockFilled === this.#blockFrames) {
				let loudest = 0;
				for (let c = 0; c < this.channels; c++) {
					loudest = Math.max(loudest, this.#blockSums[c]! / this.#blockFrames);
				}
				this.#blockSums.fill(0);
				this.#blockFilled = 0;
				onBlock(firstFrame + offset, loudest);
			}
		}
	}

	#addRange(block: Float32Array, from: Frames, to: Frames, blockSums: Float64Array | undefined): void {
		const {channels} = this;
		for (let c = 0; c < channels; c++) {
			let peak = this.#peak[c]!;
			let sum = 0;
			for (let i = from * channels + c, end = to * channels; i < end; i += channels) {
				const x = block[i]!;
				const magnitude = x < 0 ? -x : x;
				if (magnitude > peak) {
					peak = magnitude;
				}
				sum += x * x;
			}
			this.#peak[c] = peak;
			this.#sumSquares[c]! += sum;
			if (blockSums !== undefined) {
				blockSums[c]! += sum;
			}
		}
		this.#frames += to - from;
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
