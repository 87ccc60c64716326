import assert from 'node:assert/strict';
import {afterEach, beforeEach, describe, mock, test} from 'node:test';
import {XrunSummary} from '../src/app/xrun-summary.js';

const minute = 60_000;

describe('XrunSummary', () => {
	let lines: string[];
	let summary: XrunSummary;
	beforeEach(() => {
		mock.timers.enable({apis: ['setTimeout']});
		lines = [];
		summary = new XrunSummary(line => lines.push(line));
	});
	afterEach(() => {
		summary.dispose();
		mock.timers.reset();
	});

	test('tells the first xrun at once and the rest of the minute in one line when it ends', () => {
		summary.note(1);
		assert.deepEqual(lines, ['xrun reported by the JACK server (1 so far); more are counted and told once a minute']);
		for (let total = 2; total <= 13; total++) {
			summary.note(total);
		}
		mock.timers.tick(minute - 1);
		assert.equal(lines.length, 1, 'nothing more within the minute');
		mock.timers.tick(1);
		assert.deepEqual(lines.slice(1), ['12 xruns in the last minute (13 so far)']);
	});

	test('says at most one line a minute while they keep coming, and nothing for a quiet minute', () => {
		let total = 0;
		for (let second = 0; second < 5 * 60; second++) {
			total += 2;
			summary.note(total);
			mock.timers.tick(1000);
		}
		assert.deepEqual(lines, [
			'2 xruns reported by the JACK server (2 so far); more are counted and told once a minute',
			'118 xruns in the last minute (120 so far)',
			'120 xruns in the last minute (240 so far)',
			'120 xruns in the last minute (360 so far)',
			'120 xruns in the last minute (480 so far)',
			'120 xruns in the last minute (600 so far)',
		]);
		mock.timers.tick(10 * minute);
		assert.equal(lines.length, 6, 'a quiet minute says nothing');
		// After a quiet minute the next one is told at once again.
		summary.note(601);
		assert.deepEqual(lines.slice(6), ['xrun reported by the JACK server (601 so far); more are counted and told once a minute']);
	});

	test('counts from 0 again when a new audio source restarts the total', () => {
		summary.note(40);
		summary.note(3);
		mock.timers.tick(minute);
		assert.deepEqual(lines.slice(1), ['3 xruns in the last minute (3 so far)']);
	});

	test('ignores a total it has seen, and on dispose tells what is still counted, once', () => {
		summary.note(1);
		summary.note(1);
		summary.note(4);
		summary.dispose();
		summary.dispose();
		assert.deepEqual(lines.slice(1), ['3 xruns since the last report (4 so far)']);
		summary.note(9);
		mock.timers.tick(minute);
		assert.equal(lines.length, 2, 'nothing after dispose');
	});
});
