import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {AudioRing, ringBytes} from '../src/engine/audio-ring.js';
import {counterSample, fillCounter, verifyCounter} from './helpers/counter-signal.js';

/**
 * Writes the counter signal into a ring in blocks of the given sizes and, after every block, reads back
 * every length the ring can hold (and more) against the counter: each read must be exactly the newest
 * frames written, oldest first, whatever the write pointer's offset.
 */
const writeAndVerify = (capacity: number, channels: number, blocks: readonly number[]): AudioRing => {
	const ring = new AudioRing(capacity, channels);
	let total = 0;
	for (const frames of blocks) {
		const block = new Float32Array(frames * channels);
		fillCounter(block, total, frames, channels);
		ring.write(block, frames);
		total += frames;
		const filled = Math.min(total, capacity);
		assert.equal(ring.totalFrames, total);
		assert.equal(ring.bufferFilled, filled);
		assert.equal(ring.writePtr, total % capacity, `write pointer after ${total} frames`);
		assert.equal(ring.oldestFrame, total - filled);
		for (let want = 0; want <= capacity + 2; want++) {
			const copy = ring.copyLast(want);
			const got = Math.min(want, filled);
			assert.equal(copy.length, got * channels, `copyLast(${want}) after ${total} frames`);
			if (got > 0) {
				const {startFrame} = verifyCounter(copy, channels);
				assert.equal(startFrame, total - got, `copyLast(${want}) after ${total} frames starts at the right frame`);
			}
			// The views forEachLast gives are the same frames, in at most two runs.
			const runs: number[] = [];
			let at = total - got;
			const counted = ring.forEachLast(want, (view, frames) => {
				runs.push(frames);
				assert.equal(view.length, frames * channels);
				for (let i = 0; i < frames; i++, at++) {
					for (let c = 0; c < channels; c++) {
						assert.equal(view[i * channels + c], counterSample(at, c));
					}
				}
			});
			assert.equal(counted, got);
			assert.ok(runs.length <= 2, `forEachLast(${want}) gave ${runs.length} views`);
		}
	}
	return ring;
};

describe('AudioRing', () => {
	it('fills part way, then wraps, reading back every length at every write offset', () => {
		// A small odd capacity and block sizes that land the write pointer on every offset, wrap in the
		// middle of a block, and end exactly at the end of the buffer.
		writeAndVerify(7, 3, [1, 2, 3, 1, 4, 6, 7, 5, 1, 1, 1, 1, 1, 1, 1, 2, 9, 3]);
	});

	it('keeps only the tail of a block longer than the ring', () => {
		const ring = writeAndVerify(5, 2, [3, 12, 5, 11]);
		assert.equal(ring.totalFrames, 31);
	});

	it('holds a long run of varied blocks exactly, as the drain loop feeds it', () => {
		const sizes = Array.from({length: 300}, (_, i) => ((i * 37) % 97) + 1);
		writeAndVerify(128, 2, sizes);
	});

	it('writes nothing for an empty block', () => {
		const ring = writeAndVerify(4, 1, [0, 2, 0]);
		assert.equal(ring.bufferFilled, 2);
	});

	it('refuses a capacity or channel count that is not a positive whole number', () => {
		assert.throws(() => new AudioRing(0, 2), /ring capacity must be a positive whole number of frames, got 0/);
		assert.throws(() => new AudioRing(2.5, 2), /ring capacity must be a positive whole number of frames, got 2.5/);
		assert.throws(() => new AudioRing(4, 0), /ring channels must be a positive whole number, got 0/);
	});

	it('says what a ring takes in memory: whole frames x channels x 4 bytes', () => {
		assert.equal(ringBytes(13, 48_000, 2), 13 * 48_000 * 2 * 4);
		assert.equal(new AudioRing(624_000, 2).capacity * 2 * Float32Array.BYTES_PER_ELEMENT, ringBytes(13, 48_000, 2));
		// Rounded to whole frames, as the engine sizes the ring.
		assert.equal(ringBytes(0.5, 44_101, 1), 22_051 * 4);
	});
});
