import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {clipLit, heldLevel, nextPeakHold} from '../src/ui/peak-hold.js';

describe('peak hold', () => {
	test('a peak holds for 1.5 s, then falls at 20 dB/s until a louder peak resets it', () => {
		let hold = nextPeakHold(undefined, -6, false, 0);
		assert.equal(heldLevel(hold, 0), -6);
		hold = nextPeakHold(hold, -30, false, 1000);
		assert.equal(heldLevel(hold, 1000), -6, 'still held after 1 s');
		assert.equal(heldLevel(hold, 1500), -6);
		assert.equal(heldLevel(hold, 2000), -16, 'fell 10 dB in the half second after the hold');
		hold = nextPeakHold(hold, -20, false, 2000);
		assert.equal(heldLevel(hold, 2000), -16, 'a quieter peak does not reset it');
		hold = nextPeakHold(hold, -10, false, 2000);
		assert.equal(hold.db, -10);
		assert.equal(hold.heldAt, 2000);
	});

	test('the same reading at the same time gives the same mark (render-safe)', () => {
		const first = nextPeakHold(undefined, -12, false, 100);
		const again = nextPeakHold(first, -12, false, 100);
		assert.deepEqual(again, first);
		const quieter = nextPeakHold(first, -40, false, 200);
		assert.equal(quieter, first);
		assert.equal(nextPeakHold(quieter, -40, false, 200), first);
	});

	test('the clip mark stays lit 2 s after the last clip', () => {
		let hold = nextPeakHold(undefined, 0, true, 1000);
		assert.equal(clipLit(hold, 1000), true);
		hold = nextPeakHold(hold, -20, false, 2500);
		assert.equal(clipLit(hold, 2999), true);
		assert.equal(clipLit(hold, 3000), false);
		assert.equal(clipLit(nextPeakHold(undefined, -3, false, 0), 0), false);
	});

	test('options change the timing', () => {
		const hold = nextPeakHold(undefined, -6, true, 0);
		assert.equal(heldLevel(hold, 600, {holdMs: 500, decayDbPerSecond: 60}), -12);
		assert.equal(clipLit(hold, 600, {clipHoldMs: 500}), false);
	});
});
