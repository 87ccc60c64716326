import {secondsToFrames, type Frames, type Hertz, type Seconds} from '../util/units.js';

/** Bytes a ring of `seconds` at `rate` takes: its whole frames x channels x 4 (it holds 32-bit floats). */
export const ringBytes = (seconds: Seconds, rate: Hertz, channels: number): number =>
	secondsToFrames(seconds, rate) * channels * Float32Array.BYTES_PER_ELEMENT;

/**
 * The pre-roll: the last `capacity` frames of interleaved float audio, preallocated once.
 *
 * Only the JavaScript drain loop touches it (single thread), so it needs no atomics; the real-time side
 * lives in the native addon's own lock-free ring. Nothing here allocates except `copyLast`, which a
 * trigger calls once.
 */
export class AudioRing {
	readonly channels: number;
	readonly capacity: Frames;
	readonly #data: Float32Array;
	/** Next frame slot to write, in [0, capacity). */
	#writePtr: Frames = 0;
	/** How many slots hold audio: grows to `capacity`, then stays there while the ring wraps. */
	#filled: Frames = 0;
	/** Frames written since creation: the absolute index of the next frame. */
	#total: Frames = 0;

	constructor(capacity: Frames, channels: number) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`ring capacity must be a positive whole number of frames, got ${capacity}`);
		}
		if (!Number.isInteger(channels) || channels < 1) {
			throw new RangeError(`ring channels must be a positive whole number, got ${channels}`);
		}
		this.capacity = capacity;
		this.channels = channels;
		this.#data = new Float32Array(capacity * channels);
	}

	get writePtr(): Frames {
		return this.#writePtr;
	}

	get bufferFilled(): Frames {
		return this.#filled;
	}

	/** Absolute index of the next frame to arrive (frames ever written). */
	get totalFrames(): Frames {
		return this.#total;
	}

	/** Absolute index of the oldest frame still held. */
	get oldestFrame(): Frames {
		return this.#total - this.#filled;
	}

	/** Appends `frames` interleaved frames from `block`, overwriting the oldest when full. */
	write(block: Float32Array, frames: Frames): void {
		const {channels, capacity} = this;
		let offset = 0;
		let remaining = frames;
		// A block larger than the ring only leaves its tail.
		if (remaining > capacity) {
			offset = remaining - capacity;
			this.#advance(offset);
			remaining = capacity;
		}
		while (remaining > 0) {
			const run = Math.min(remaining, capacity - this.#writePtr);
			this.#data.set(
				block.subarray(offset * channels, (offset + run) * channels),
				this.#writePtr * channels,
			);
			this.#advance(run);
			offset += run;
			remaining -= run;
		}
	}

	/** Appends `frames` of silence (frames that never arrived), as cheaply for an hour as for a period. */
	writeSilence(frames: Frames): void {
		const {channels, capacity} = this;
		const written = Math.min(frames, capacity);
		let at = (this.#writePtr + frames - written) % capacity;
		for (let remaining = written; remaining > 0; ) {
			const run = Math.min(remaining, capacity - at);
			this.#data.fill(0, at * channels, (at + run) * channels);
			at = (at + run) % capacity;
			remaining -= run;
		}
		this.#advance(frames);
	}

	/**
	 * Calls `visit` with the last `frames` frames (at most `bufferFilled`), oldest to newest, as at most two
	 * views into the ring. The views are only valid during the call.
	 */
	forEachLast(frames: Frames, visit: (view: Float32Array, frames: Frames) => void): Frames {
		const {channels, capacity} = this;
		const count = Math.min(frames, this.#filled);
		let start = (this.#writePtr - count + capacity) % capacity;
		let remaining = count;
		while (remaining > 0) {
			const run = Math.min(remaining, capacity - start);
			visit(this.#data.subarray(start * channels, (start + run) * channels), run);
			start = (start + run) % capacity;
			remaining -= run;
		}
		return count;
	}

	/** A new array with the last `frames` frames (at most `bufferFilled`), oldest to newest. */
	copyLast(frames: Frames): Float32Array {
		const out = new Float32Array(Math.min(frames, this.#filled) * this.channels);
		let at = 0;
		this.forEachLast(frames, view => {
			out.set(view, at);
			at += view.length;
		});
		return out;
	}

	/**
	 * A new array with absolute frames `[first, end)`, which must all still be held (`oldestFrame` to
	 * `totalFrames`).
	 */
	copyFrames(first: Frames, end: Frames): Float32Array {
		if (!Number.isInteger(first) || !Number.isInteger(end) || first < this.oldestFrame || end > this.#total || end < first) {
			throw new RangeError(`frames ${first} to ${end} are not in the ring (it holds ${this.oldestFrame} to ${this.#total})`);
		}
		const out = new Float32Array((end - first) * this.channels);
		let at = 0;
		// The last (total - first) frames, of which the first (end - first) are wanted.
		this.forEachLast(this.#total - first, view => {
			const take = Math.min(view.length, out.length - at);
			out.set(view.subarray(0, take), at);
			at += take;
		});
		return out;
	}

	#advance(frames: Frames): void {
		this.#writePtr = (this.#writePtr + frames) % this.capacity;
		this.#filled = Math.min(this.capacity, this.#filled + frames);
		this.#total += frames;
	}
}
