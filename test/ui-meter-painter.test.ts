import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {planLayout} from '../src/ui/layout.js';
import {MeterPainter} from '../src/ui/meter-painter.js';
import {createValueStore} from '../src/util/store.js';
import {level, snapshot, testNow} from './helpers/ui-fixtures.js';

// The painter against a recording of what it writes. That the rows land in the right place on a real
// terminal, also across a resize, is tested in tui-terminal.test.ts (tmux).

const strip = (text: string): string => text.replaceAll(/\u001B\[[\d;]*m/g, '');

/** The rows one write paints: terminal row (from 1) -> text, colours stripped. */
const paintedRows = (write: string): Map<number, string> => {
	assert.ok(write.startsWith('\u001B7') && write.endsWith('\u001B8'), 'the cursor is saved and given back');
	const rows = new Map<number, string>();
	for (const [, row, text] of write.matchAll(/\u001B\[(\d+);1H(.*?)\u001B\[K/g)) {
		rows.set(Number(row), strip(text!));
	}
	return rows;
};

const setup = (size = {columns: 80, rows: 24}) => {
	const engine = createValueStore(snapshot());
	const writes: string[] = [];
	const terminal = {...size};
	const painter = new MeterPainter({engine, write: text => writes.push(text), size: () => terminal, clock: () => testNow});
	/** An Ink frame of `lines` lines (the newline after the last included). */
	const frame = (lines = planLayout(terminal.columns, terminal.rows, 2).frameRows): void => {
		painter.inkWrote('\u001B[2K\u001B[1A'.repeat(3) + 'line\n'.repeat(lines));
	};
	return {engine, writes, terminal, painter, frame};
};

describe('MeterPainter', () => {
	test('paints nothing until Ink has drawn a frame of the planned height', () => {
		const {engine, writes, painter, frame} = setup();
		engine.set(snapshot({levels: [level('omega13:in_1', -20), level('omega13:in_2', -30)]}));
		painter.inkWrote('\u001B[?25l');
		frame(10);
		assert.deepEqual(writes, []);
	});

	test('after each frame it paints the pre-roll gauge and every meter under the banner; then only the rows that changed', () => {
		const {engine, writes, frame} = setup();
		frame();
		const layout = planLayout(80, 24, 2);
		assert.equal(writes.length, 1);
		const first = paintedRows(writes[0]!);
		assert.deepEqual([...first.keys()], [layout.prerollRow + 1, layout.meterTop + 1, layout.meterTop + 2]);
		assert.match(first.get(layout.prerollRow + 1)!, /^ pre-roll \[█{35}░{15}\] {3}9\.2 \/ 13 s$/);
		assert.match(first.get(layout.meterTop + 1)!, /^ in_1 {5}\[█{40}░{10}\] {6}-12\.0 dB$/);
		assert.match(first.get(layout.meterTop + 2)!, /^ in_2 {5}\[█{25}░{25}\] {6}-30\.0 dB$/);

		engine.set(snapshot({levels: [level('omega13:in_1', -12), level('omega13:in_2', -6)]}));
		assert.deepEqual([...paintedRows(writes[1]!).keys()], [layout.meterTop + 2], 'the pre-roll and in_1 did not change');
		engine.set(snapshot({levels: [level('omega13:in_1', -12), level('omega13:in_2', -6)]}));
		assert.equal(writes.length, 2, 'nothing changed, nothing written');

		frame();
		assert.equal(paintedRows(writes[2]!).size, 3, 'a new frame may have drawn older levels: all rows again');
		engine.set(snapshot({bufferFilledSeconds: 13, levels: [level('omega13:in_1', -12), level('omega13:in_2', -6)]}));
		assert.match(paintedRows(writes[3]!).get(layout.prerollRow + 1)!, /\[█{50}\] {2}13\.0 \/ 13 s$/);
	});

	test('after a resize it waits for the frame drawn for the new size', () => {
		const {engine, writes, terminal, frame} = setup();
		frame();
		terminal.columns = 60;
		terminal.rows = 20;
		engine.set(snapshot({levels: [level('omega13:in_1', -3), level('omega13:in_2', -6)]}));
		assert.equal(writes.length, 1);
		frame(planLayout(80, 24, 2).frameRows);
		assert.equal(writes.length, 1, 'a frame of the old height is not the new screen');
		frame();
		const layout = planLayout(60, 20, 2);
		const rows = paintedRows(writes[1]!);
		assert.match(rows.get(layout.meterTop + 1)!, new RegExp(`^ in_1 {5}\\[█{${layout.meterCells - 3}}`));
	});

	test('dispose stops painting, and twice is fine', () => {
		const {engine, writes, painter, frame} = setup();
		painter.dispose();
		painter.dispose();
		frame();
		engine.set(snapshot({levels: [level('omega13:in_1', -3), level('omega13:in_2', -6)]}));
		assert.deepEqual(writes, []);
	});
});
