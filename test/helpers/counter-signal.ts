/**
 * The counter signal: every sample says which frame and channel it is, so a recording can be checked
 * sample by sample for gaps, repeats, reordering and channel swaps (after ringbuf.js's sequence
 * generator and verifier).
 *
 *   counterSample(n, c) = (((n + c * 2^18) mod 2^21) + 1) * 2^-22
 *
 * Each value is k * 2^-22 with 1 <= k <= 2^21, so it is exact in float32 (and in 24-bit PCM, and in
 * 16-bit PCM never: use float WAV for exact checks), lies in (0, 0.5], never repeats within 2^21 frames
 * (43 s at 48 kHz), and differs per channel. Zero never occurs, so silence before the signal starts is
 * easy to trim.
 */
import {AssertionError} from 'node:assert';
import type {Frames} from '../../src/util/units.js';

const period = 2 ** 21;
const channelOffset = 2 ** 18;
const step = 2 ** -22;

/** The value of channel `channel` at absolute frame `frame`. */
export const counterSample = (frame: Frames, channel: number): number => ((((frame + channel * channelOffset) % period) + period) % period + 1) * step;

/**
 * The frame index (mod 2^21) a sample value stands for on `channel`, or undefined if the value is not a
 * counter sample at all.
 */
export const counterFrameOf = (value: number, channel: number): number | undefined => {
	const k = value / step;
	if (!Number.isInteger(k) || k < 1 || k > period) {
		return undefined;
	}
	return (((k - 1 - channel * channelOffset) % period) + period) % period;
};

/** Writes `frames` frames of the counter, from absolute frame `startFrame`, interleaved into `buf`. */
export const fillCounter = (buf: Float32Array, startFrame: Frames, frames: Frames, channels: number): void => {
	if (frames * channels > buf.length) {
		throw new RangeError(`fillCounter: ${frames} frames of ${channels} channels do not fit in ${buf.length} samples`);
	}
	for (let c = 0; c < channels; c++) {
		// Counting k up and wrapping by hand is several times faster than the modulo per sample.
		let k = (((startFrame + c * channelOffset) % period) + period) % period;
		for (let i = 0, at = c; i < frames; i++, at += channels) {
			buf[at] = (k + 1) * step;
			k = k + 1 === period ? 0 : k + 1;
		}
	}
};

/** Says what a wrong sample is: another channel's value for this frame, or this channel's from elsewhere. */
const describe = (got: number, frame: number, channel: number, channels: number): string => {
	for (let other = 0; other < channels; other++) {
		if (other !== channel && got === counterSample(frame, other)) {
			return `${got}, channel ${other}'s value for this frame (channels swapped or shifted)`;
		}
	}
	const at = counterFrameOf(got, channel);
	if (at === undefined) {
		return `${got} (not a counter value${got === 0 ? ': silence' : ''})`;
	}
	// Signed distance, modulo the counter's period: ahead is a gap (frames missing), behind a repeat.
	const delta = ((((at - frame) % period) + period + period / 2) % period) - period / 2;
	return `${got}, the value of frame ${at}: ${Math.abs(delta)} frames ${delta > 0 ? 'ahead (frames missing)' : 'behind (frames repeated)'}`;
};

/**
 * Checks that `interleaved` is one unbroken stretch of the counter signal, starting wherever its first
 * sample says. Returns that start (mod 2^21) and the frame count; throws an AssertionError naming the
 * first bad frame, its channel, the value expected and the value found (decoded: a gap or a repeat
 * shows as a different frame number, a swap as another channel's value).
 */
export const verifyCounter = (interleaved: Float32Array, channels: number): {startFrame: number; frames: Frames} => {
	if (!Number.isInteger(channels) || channels < 1) {
		throw new RangeError(`verifyCounter: channels must be a whole number >= 1, got ${channels}`);
	}
	const fail = (message: string): never => {
		throw new AssertionError({message: `counter signal: ${message}`});
	};
	if (interleaved.length % channels !== 0) {
		fail(`${interleaved.length} samples is not a whole number of ${channels}-channel frames`);
	}
	const frames = interleaved.length / channels;
	if (frames === 0) {
		fail('there are no frames to verify');
	}
	const startFrame = counterFrameOf(interleaved[0]!, 0);
	if (startFrame === undefined) {
		fail(`the first sample, ${interleaved[0]}, is not a counter value${interleaved[0] === 0 ? ' (silence: trim it first)' : ''}`);
	}
	const start = startFrame!;
	for (let c = 0; c < channels; c++) {
		let k = (start + c * channelOffset) % period;
		for (let i = 0, at = c; i < frames; i++, at += channels) {
			const expected = (k + 1) * step;
			const got = interleaved[at]!;
			if (got !== expected) {
				// Report the earliest bad frame over all channels, not the first bad one of channel 0.
				const first = firstBad(interleaved, channels, start, frames);
				fail(
					`frame ${first.frame} (absolute ${(start + first.frame) % period}), channel ${first.channel}: ` +
						`expected ${first.expected}, got ${describe(first.got, (start + first.frame) % period, first.channel, channels)}`,
				);
			}
			k = k + 1 === period ? 0 : k + 1;
		}
	}
	return {startFrame: start, frames};
};

const firstBad = (interleaved: Float32Array, channels: number, start: number, frames: Frames) => {
	for (let i = 0; i < frames; i++) {
		for (let c = 0; c < channels; c++) {
			const expected = counterSample(start + i, c);
			const got = interleaved[i * channels + c]!;
			if (got !== expected) {
				return {frame: i, channel: c, expected, got};
			}
		}
	}
	throw new Error('unreachable: a mismatch was seen');
};

/** Where the counter went wrong for a moment and went on. */
export type CounterDisturbance = {
	/** The first frame (from the start of the data) that does not continue the counter. */
	readonly frame: number;
	/** Frames after it that are not in order (torn: channels from different periods, or stale values). */
	readonly tornFrames: number;
	/** Counter frames the data skips over there, less the torn frames in their place (a missed period: `period`). */
	readonly skipped: number;
	/**
	 * Frames that repeat the period before them (an async server that finds the player late reads the
	 * player's port buffer again, which still holds its previous period). Only a whole period counts.
	 */
	readonly repeated?: number;
	/**
	 * Frames of exact silence on every channel: a gap omega13 filled, as long as the time it stands for.
	 * The counter goes on after it up to that many frames ahead (`skipped`): exactly that many when only
	 * omega13 missed the cycles, none when the player missed them too (nothing was played then).
	 */
	readonly filled?: number;
};

/** Frames of unbroken counter that show the signal is back in order after a disturbance. */
const settleFrames = 32;

/**
 * What a recording from an asynchronous JACK server can promise: the counter in order, except at a
 * cycle that went wrong (a client late at an xrun), where it may jump ahead (a missed period) or be
 * torn for less than a period (another client's port read half-written); it never goes back, and never
 * repeats or reorders what it got. Returns the disturbances; throws on anything else.
 */
export const verifyCounterInOrder = (interleaved: Float32Array, channels: number, periodFrames: Frames): {frames: Frames; disturbances: CounterDisturbance[]} => {
	const frames = interleaved.length / channels;
	/** The frame every channel of frame `i` stands for, or undefined if they disagree (torn). */
	const frameAt = (i: number): number | undefined => {
		const at = counterFrameOf(interleaved[i * channels]!, 0);
		for (let c = 1; c < channels && at !== undefined; c++) {
			if (counterFrameOf(interleaved[i * channels + c]!, c) !== at) {
				return undefined;
			}
		}
		return at;
	};
	const ahead = (to: number, from: number): number => (((to - from) % period) + period) % period;
	const inOrderFrom = (j: number): boolean => {
		const first = frameAt(j);
		for (let k = 1; k < Math.min(settleFrames, frames - j) && first !== undefined; k++) {
			if (frameAt(j + k) !== (first + k) % period) {
				return false;
			}
		}
		return first !== undefined;
	};
	/** How many frames from `i` on are 0 on every channel. */
	const silentRunAt = (i: number): number => {
		let j = i;
		while (j < frames && interleaved.subarray(j * channels, (j + 1) * channels).every(sample => sample === 0)) {
			j++;
		}
		return j - i;
	};
	/** Frames `[i, i + periodFrames)` are the period just before them again, frame for frame. */
	const repeatsPeriodBefore = (i: number): boolean => {
		if (i < periodFrames || i + periodFrames > frames) {
			return false;
		}
		for (let k = 0; k < periodFrames; k++) {
			const before = frameAt(i - periodFrames + k);
			if (before === undefined || frameAt(i + k) !== before) {
				return false;
			}
		}
		return true;
	};
	let last = frameAt(0);
	if (last === undefined || !inOrderFrom(0)) {
		throw new AssertionError({message: `counter signal: the data does not start with the counter in order (first sample ${interleaved[0]})`});
	}
	const disturbances: CounterDisturbance[] = [];
	for (let i = 1; i < frames; i++) {
		if (frameAt(i) === (last + 1) % period) {
			last = (last + 1) % period;
			continue;
		}
		const silent = silentRunAt(i);
		const after = silent > 0 && i + silent < frames ? frameAt(i + silent) : undefined;
		if (after !== undefined && ahead(after, last) >= 1 && ahead(after, last) <= silent + 1 && inOrderFrom(i + silent)) {
			disturbances.push({frame: i, tornFrames: 0, skipped: ahead(after, last) - 1, filled: silent});
			last = after;
			i += silent;
			continue;
		}
		if (repeatsPeriodBefore(i)) {
			disturbances.push({frame: i, tornFrames: 0, skipped: 0, repeated: periodFrames});
			i += periodFrames - 1;
			continue;
		}
		// Back in order within the period, and ahead of where it was (half the counter's range is "behind").
		const end = Math.min(i + periodFrames, frames);
		let j = i;
		while (j < end && !(inOrderFrom(j) && ahead(frameAt(j)!, last) > 0 && ahead(frameAt(j)!, last) < period / 2)) {
			j++;
		}
		if (j === end && end === frames) {
			// The data ends inside the disturbance.
			disturbances.push({frame: i, tornFrames: frames - i, skipped: 0});
			break;
		}
		if (j === end) {
			throw new AssertionError({
				message: `counter signal: frame ${i} (after counter frame ${last}) does not go on in order within a period: ${describe(interleaved[i * channels]!, (last + 1) % period, 0, channels)}`,
			});
		}
		const next = frameAt(j)!;
		const skip = {tornFrames: j - i, skipped: ahead(next, last) - 1 - (j - i)};
		const previous = disturbances.at(-1);
		if (previous?.repeated !== undefined && previous.frame + previous.repeated === i) {
			// The period read again and then a period missed are one late cycle.
			disturbances[disturbances.length - 1] = {...previous, ...skip};
		} else {
			disturbances.push({frame: i, ...skip});
		}
		last = next;
		i = j;
	}
	return {frames, disturbances};
};
