import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {LevelMeter} from '../src/engine/level-meter.js';

describe('LevelMeter', () => {
	it('measures short blocks in the same pass, across chunks of any length, without changing its own readings', () => {
		const channels = 2;
		const frames = 1000;
		// Channel 1 steps up every 100 frames; channel 2 is always quieter.
		const samples = new Float32Array(frames * channels);
		for (let i = 0; i < frames; i++) {
			samples[i * 2] = 0.1 * (1 + Math.floor(i / 100));
			samples[i * 2 + 1] = 0.01;
		}
		const plain = new LevelMeter(channels);
		plain.add(samples, frames);
		const blocks: Array<[number, number]> = [];
		const measured = new LevelMeter(channels);
		measured.measureBlocks(100, (end, meanSquare) => blocks.push([end, meanSquare]));
		for (let at = 0; at < frames; ) {
			const n = Math.min(frames - at, 37 + (at % 91));
			measured.add(samples.subarray(at * channels, (at + n) * channels), n, 5000 + at);
			at += n;
		}
		assert.deepEqual(
			blocks.map(([end]) => end),
			Array.from({length: 10}, (_, k) => 5000 + 100 * (k + 1)),
		);
		for (const [k, [, meanSquare]] of blocks.entries()) {
			const level = 0.1 * (k + 1);
			assert.ok(Math.abs(meanSquare - level * level) < 1e-6, `block ${k}: ${meanSquare}`);
		}
		const [a, b] = [plain.take()!, measured.take()!];
		for (let c = 0; c < channels; c++) {
			assert.equal(b[c]!.peak, a[c]!.peak);
			assert.ok(Math.abs(b[c]!.rms - a[c]!.rms) < 1e-9);
		}
		measured.measureBlocks(100, undefined);
		measured.add(samples, frames);
		assert.equal(blocks.length, 10, 'no block is told once the listener is gone');
	});
});
