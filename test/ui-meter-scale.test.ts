import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {formatDb, formatSeconds, tildify, truncate, truncateStart} from '../src/ui/format.js';
import {formatDuration, formatElapsed} from '../src/util/time-format.js';
import {dbToCells, dbToFraction, meterBar, scaleLine} from '../src/ui/meter-scale.js';

describe('meter scale', () => {
	test('known levels fill known cells of a 50-cell bar (-60..0 dBFS, 1.2 dB a cell)', () => {
		const cases: Array<[number, number]> = [
			[Number.NEGATIVE_INFINITY, 0],
			[Number.NaN, 0],
			[-120, 0],
			[-60, 0],
			[-59.5, 0],
			[-58.8, 1],
			[-48, 10],
			[-30, 25],
			[-12, 40],
			[-6, 45],
			[-1.2, 49],
			[-0.1, 50],
			[0, 50],
			[3, 50],
		];
		for (const [db, cells] of cases) {
			assert.equal(dbToCells(db, 50), cells, `${db} dB`);
		}
	});

	test('the fraction is linear in dB and clamped', () => {
		assert.equal(dbToFraction(-60), 0);
		assert.equal(dbToFraction(-45), 0.25);
		assert.equal(dbToFraction(0), 1);
		assert.equal(dbToFraction(-20, -40), 0.5);
	});

	test('the bar: filled to the level, the hold mark where the held level ends, empty after', () => {
		assert.equal(meterBar(10, -30, -30), '█████░░░░░');
		assert.equal(meterBar(10, -30, -12), '█████░░│░░');
		assert.equal(meterBar(10, Number.NEGATIVE_INFINITY, 0), '░░░░░░░░░│');
		assert.equal(meterBar(10, 0, 0), '██████████');
		assert.equal(meterBar(10, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY), '░░░░░░░░░░');
		// A hold mark inside the bar is hidden by it.
		assert.equal(meterBar(10, -6, -30), '█████████░');
	});

	test('the scale labels sit on their cell boundaries and drop out when they would touch', () => {
		assert.equal(scaleLine(50), '-60      -48       -36       -24       -12       0');
		assert.equal(scaleLine(50).length, 50);
		assert.equal(scaleLine(20), '-60    -36         0');
		assert.equal(scaleLine(20).length, 20);
		assert.equal(scaleLine(8), '-60    0');
		assert.equal(scaleLine(30), '-60  -48   -36   -24   -12   0');
		assert.equal(scaleLine(8).length, 8);
	});
});

describe('formatting', () => {
	test('decibels', () => {
		assert.equal(formatDb(-12.34), '-12.3');
		assert.equal(formatDb(-0.01), '0.0');
		assert.equal(formatDb(0), '0.0');
		assert.equal(formatDb(Number.NEGATIVE_INFINITY), '-inf');
		assert.equal(formatDb(-150), '-inf');
		assert.equal(formatDb(Number.NaN), '-inf');
	});

	test('durations', () => {
		assert.equal(formatDuration(0), '0:00.0');
		assert.equal(formatDuration(9.99), '0:09.9');
		assert.equal(formatDuration(42.15), '0:42.1');
		assert.equal(formatDuration(65.5), '1:05.5');
		assert.equal(formatDuration(3723.4), '1:02:03');
		assert.equal(formatDuration(-1), '0:00.0');
		assert.equal(formatDuration(Number.NaN), '0:00.0');
		assert.equal(formatElapsed(0), '0:00');
		assert.equal(formatElapsed(42.99), '0:42');
		assert.equal(formatElapsed(65.5), '1:05');
		assert.equal(formatElapsed(3723.4), '1:02:03');
		assert.equal(formatElapsed(Number.NaN), '0:00');
	});

	test('seconds and truncation', () => {
		assert.equal(formatSeconds(13), '13');
		assert.equal(formatSeconds(9.24), '9.2');
		assert.equal(truncate('abcdef', 4), 'abc…');
		assert.equal(truncate('abc', 4), 'abc');
		assert.equal(truncate('abc', 0), '');
		assert.equal(truncateStart('/a/b/c/session', 8), '…session');
		assert.equal(tildify('/home/ann/.local/share/x', '/home/ann'), '~/.local/share/x');
		assert.equal(tildify('/home/anna/x', '/home/ann'), '/home/anna/x');
		assert.equal(tildify('/x', '/'), '/x');
	});
});
