import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {render} from 'ink-testing-library';
import {LevelMeters} from '../src/ui/level-meters.js';
import {planLayout} from '../src/ui/layout.js';
import {PrerollGauge} from '../src/ui/preroll-gauge.js';
import {level, testNow} from './helpers/ui-fixtures.js';

/** The bar between the brackets of the meter row for `label`. */
const barOf = (frame: string, label: string): string => {
	const line = frame.split('\n').find(row => row.trimStart().startsWith(label));
	assert.ok(line, `a row for ${label} in\n${frame}`);
	return /\[([^\]!]*)[\]!]/.exec(line)![1]!;
};

const count = (text: string, glyph: string): number => [...text].filter(char => char === glyph).length;

describe('LevelMeters', () => {
	const layout = planLayout(80, 24, 2);

	test('at 80 columns a bar has 50 cells; known levels fill known widths', () => {
		assert.equal(layout.meterCells, 50);
		for (const [db, cells] of [
			[-60, 0],
			[-48, 10],
			[-30, 25],
			[-12, 40],
			[-6, 45],
			[0, 50],
			[Number.NEGATIVE_INFINITY, 0],
		] as const) {
			const {lastFrame, unmount} = render(<LevelMeters levels={[level('omega13:in_1', db)]} layout={layout} now={testNow} />);
			const bar = barOf(lastFrame()!, 'in_1');
			assert.equal([...bar].length, 50);
			assert.equal(count(bar, '█'), cells, `${db} dB fills ${cells} cells`);
			unmount();
		}
	});

	test('one row per channel with the held peak in dB, then the scale', () => {
		const {lastFrame, unmount} = render(
			<LevelMeters levels={[level('omega13:in_1', -12.34), level('omega13:in_2', Number.NEGATIVE_INFINITY)]} layout={layout} now={testNow} />,
		);
		const lines = lastFrame()!.split('\n');
		assert.equal(lines.length, 3);
		assert.match(lines[0]!, /^ in_1 +\[█{40}░{10}\] {6}-12\.3 dB$/);
		assert.match(lines[1]!, /^ in_2 +\[░{50}\] {7}-inf dB$/);
		assert.equal(lines[2], `${' '.repeat(11)}-60      -48       -36       -24       -12       0`);
		unmount();
	});

	test('the peak-hold mark stays where the peak was and the number shows it, then it falls', () => {
		let now = testNow;
		const {lastFrame, rerender, unmount} = render(<LevelMeters levels={[level('omega13:in_1', -6)]} layout={layout} now={now} />);
		now += 1000;
		rerender(<LevelMeters levels={[level('omega13:in_1', -30)]} layout={layout} now={now} />);
		let bar = barOf(lastFrame()!, 'in_1');
		assert.equal(count(bar, '█'), 25);
		assert.equal([...bar].indexOf('│'), 44, 'the mark sits in the last cell of -6 dB');
		assert.match(lastFrame()!, / -6\.0 dB/);
		now += 1500;
		rerender(<LevelMeters levels={[level('omega13:in_1', -30)]} layout={layout} now={now} />);
		bar = barOf(lastFrame()!, 'in_1');
		assert.match(lastFrame()!, /-26\.0 dB/, 'held 1.5 s, then fell 20 dB in one second');
		assert.equal([...bar].indexOf('│'), 27, '-26 dB ends in cell 28');
		unmount();
	});

	test('a clip lights CLIP in words (not only in colour) for two seconds', () => {
		let now = testNow;
		const {lastFrame, rerender, unmount} = render(
			<LevelMeters levels={[level('omega13:in_1', 0, true), level('omega13:in_2', -20)]} layout={layout} now={now} />,
		);
		const clipRow = (): string => lastFrame()!.split('\n')[0]!;
		assert.match(clipRow(), /\] CLIP +0\.0 dB$/);
		assert.doesNotMatch(lastFrame()!.split('\n')[1]!, /CLIP/);
		now += 1900;
		rerender(<LevelMeters levels={[level('omega13:in_1', -20), level('omega13:in_2', -20)]} layout={layout} now={now} />);
		assert.match(clipRow(), /CLIP/);
		now += 200;
		rerender(<LevelMeters levels={[level('omega13:in_1', -20), level('omega13:in_2', -20)]} layout={layout} now={now} />);
		assert.doesNotMatch(clipRow(), /CLIP/);
		unmount();
	});

	test('narrow terminals get shorter bars, then lose the number, then mark a clip with "!"', () => {
		const at40 = planLayout(40, 24, 1);
		assert.deepEqual([at40.meterCells, at40.meterNumbers, at40.clipWord], [14, true, true]);
		const at30 = planLayout(30, 24, 1);
		assert.deepEqual([at30.meterCells, at30.meterNumbers, at30.clipWord], [13, false, true]);
		const at24 = planLayout(24, 24, 1);
		assert.deepEqual([at24.meterCells, at24.meterNumbers, at24.clipWord], [12, false, false]);
		const at20 = planLayout(20, 24, 1);
		assert.deepEqual([at20.meterCells, at20.meterNumbers, at20.clipWord], [8, false, false]);
		for (const narrow of [at40, at30, at24, at20]) {
			const {lastFrame, unmount} = render(<LevelMeters levels={[level('omega13:in_1', 0, true)]} layout={narrow} now={testNow} />);
			for (const line of lastFrame()!.split('\n')) {
				assert.ok(line.length <= narrow.columns, `"${line}" fits ${narrow.columns} columns`);
			}
			assert.match(lastFrame()!, narrow.clipWord ? /CLIP/ : /█!/);
			unmount();
		}
	});
});

describe('PrerollGauge', () => {
	const layout = planLayout(80, 24, 2);

	test('shows the filled seconds of the buffer as a bar and as "9.2 / 13 s"', () => {
		const {lastFrame, unmount} = render(<PrerollGauge filled={9.2} total={13} layout={layout} />);
		const frame = lastFrame()!;
		assert.match(frame, /^ pre-roll \[█{35}░{15}\] {3}9\.2 \/ 13 s$/);
		unmount();
	});

	test('never claims full before it is, and shows full when it is', () => {
		const {lastFrame, rerender, unmount} = render(<PrerollGauge filled={12.99} total={13} layout={layout} />);
		assert.match(lastFrame()!, / 12\.9 \/ 13 s$/);
		rerender(<PrerollGauge filled={13} total={13} layout={layout} />);
		assert.match(lastFrame()!, /\[█{50}\]  13\.0 \/ 13 s$/);
		rerender(<PrerollGauge filled={0} total={13} layout={layout} />);
		assert.match(lastFrame()!, /\[░{50}\] {3}0\.0 \/ 13 s$/);
		unmount();
	});
});
