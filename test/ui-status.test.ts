import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {maxNoticeRows, planLayout} from '../src/ui/layout.js';
import {noticeRows, statusLineText, withMessage, withNotice, withoutNotice, type UiStatus} from '../src/ui/ui-status.js';

const hotkeyOff = "global hotkey off: no X display (Wayland? bind `omega13 toggle` in your desktop's shortcuts)";

describe('notices', () => {
	test('stay through any number of messages; a notice with the same key replaces the old one as the newest', () => {
		let status: UiStatus = withNotice({}, 'hotkey', hotkeyOff);
		status = withNotice(status, 'capture', 'capture failed: disk full');
		for (let i = 1; i <= 40; i++) {
			status = withMessage(status, `xrun ${i}`);
		}
		assert.equal(status.message, 'xrun 40');
		assert.deepEqual(status.notices?.map(notice => notice.key), ['hotkey', 'capture']);
		status = withNotice(status, 'hotkey', 'global hotkey off: uiohook failed');
		assert.deepEqual(status.notices, [
			{key: 'capture', line: 'capture failed: disk full'},
			{key: 'hotkey', line: 'global hotkey off: uiohook failed'},
		]);
	});

	test('go when resolved; resolving what is not there changes nothing (no redraw)', () => {
		const status = withNotice(withNotice({}, 'hotkey', hotkeyOff), 'capture', 'capture failed: disk full');
		assert.deepEqual(withoutNotice(status, 'capture').notices, [{key: 'hotkey', line: hotkeyOff}]);
		assert.equal(withoutNotice(status, 'nothing'), status);
		assert.equal(withoutNotice({}, 'capture').notices, undefined);
	});

	test('are wrapped to the width, newest first, each marked, the hint after the newest', () => {
		const rows = noticeRows([{key: 'hotkey', line: hotkeyOff}, {key: 'capture', line: 'capture failed: disk full'}], 60);
		assert.deepEqual(rows, [
			' ! capture failed: disk full (x hides)',
			' ! global hotkey off: no X display (Wayland? bind `omega13',
			"   toggle` in your desktop's shortcuts)",
		]);
		for (const row of rows) {
			assert.ok([...row].length <= 60, row);
		}
		assert.deepEqual(noticeRows([], 80), []);
	});

	test('take rows from the session panel, at most a few, and never from the parts above it', () => {
		const plain = planLayout(80, 24, 2);
		const two = planLayout(80, 24, 2, 2);
		assert.equal(plain.noticeRows, 0);
		assert.equal(two.noticeRows, 2);
		assert.equal(two.sessionRows, plain.sessionRows - 2);
		assert.equal(planLayout(80, 24, 2, 20).noticeRows, maxNoticeRows);
		// The meter painter plans without notices: the rows it paints must not move.
		for (const key of ['frameRows', 'prerollRow', 'meterTop', 'meterRows', 'bannerBorder', 'meterScale', 'statusLine'] as const) {
			assert.equal(two[key], plain[key], key);
		}
		// A terminal too short for them keeps its session rows and shows none.
		const short = planLayout(80, 10, 2, 2);
		assert.equal(short.noticeRows, 0);
		assert.equal(short.sessionRows, planLayout(80, 10, 2).sessionRows);
	});
});

describe('the status line', () => {
	test('has the latest message at the left and the hotkey state at the right', () => {
		const text = statusLineText({message: 'capture 001 saved', hotkey: 'hotkey ctrl+alt+space'}, 60);
		assert.equal(text, `capture 001 saved${' '.repeat(60 - 17 - 21)}hotkey ctrl+alt+space`);
	});

	test('cuts a long message, not the hotkey state', () => {
		const text = statusLineText({message: 'x'.repeat(100), hotkey: 'hotkey off'}, 79);
		assert.equal([...text].length, 79);
		assert.match(text, /^x+…  hotkey off$/);
	});

	test('shows the one it has, and only the message where both do not fit', () => {
		assert.equal(statusLineText({hotkey: 'hotkey off'}, 79), 'hotkey off');
		assert.equal(statusLineText({message: 'saved'}, 79), 'saved');
		assert.equal(statusLineText({}, 79), '');
		assert.equal(statusLineText({message: 'capture 001 saved to a file', hotkey: 'hotkey ctrl+alt+space'}, 30), 'capture 001 saved to a file');
	});
});
