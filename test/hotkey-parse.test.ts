import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {describe, test} from 'node:test';
import {HotkeyError, matchesHotkey, parseHotkey, validKeyNames, validModifierNames} from '../src/hotkey/parse-hotkey.js';

const usageTail = `. A hotkey is modifiers and one key joined by "+", e.g. ctrl+alt+space, ctrl+shift+r or F9; modifiers: ${validModifierNames}; keys: ${validKeyNames}`;

/**
 * uiohook-napi's own key table, read from its source text: loading the module here could kill the test
 * runner when no X display answers.
 */
const uiohookKeys = (): Map<string, number> => {
	const source = readFileSync(createRequire(import.meta.url).resolve('uiohook-napi'), 'utf8');
	const table = /exports\.UiohookKey = \{([\s\S]*?)\};/.exec(source)![1]!;
	const keys = new Map<string, number>();
	for (const match of table.matchAll(/^\s*(\w+): (0x[0-9A-Fa-f]+|\d+),/gm)) {
		keys.set(match[1]!, Number(match[2]));
	}
	return keys;
};

describe('parseHotkey', () => {
	test('the default ctrl+alt+space', () => {
		assert.deepEqual(parseHotkey('ctrl+alt+space'), {
			modifiers: {ctrl: true, alt: true, shift: false, meta: false},
			key: 'space',
			keycode: 57,
			name: 'ctrl+alt+space',
		});
	});

	test('a function key alone, in any case', () => {
		for (const spec of ['F9', 'f9', ' F9 ']) {
			const hotkey = parseHotkey(spec);
			assert.equal(hotkey.name, 'f9');
			assert.equal(hotkey.keycode, 67);
			assert.deepEqual(hotkey.modifiers, {ctrl: false, alt: false, shift: false, meta: false});
		}
	});

	test('modifiers in any order and case come out in canonical order', () => {
		assert.equal(parseHotkey('Shift+CTRL+R').name, 'ctrl+shift+r');
		assert.equal(parseHotkey('meta + shift + alt + ctrl + f12').name, 'ctrl+alt+shift+meta+f12');
	});

	test('modifier aliases', () => {
		for (const [alias, canonical] of [
			['control', 'ctrl'],
			['option', 'alt'],
			['super', 'meta'],
			['win', 'meta'],
			['cmd', 'meta'],
			['command', 'meta'],
		] as const) {
			assert.equal(parseHotkey(`${alias}+f1`).name, `${canonical}+f1`);
		}
	});

	test('key aliases', () => {
		for (const [alias, canonical] of [
			['return', 'enter'],
			['esc', 'escape'],
			['del', 'delete'],
			['ins', 'insert'],
			['pgup', 'pageup'],
			['pgdn', 'pagedown'],
			['arrowup', 'up'],
			['arrowdown', 'down'],
			['arrowleft', 'left'],
			['arrowright', 'right'],
		] as const) {
			assert.equal(parseHotkey(`ctrl+${alias}`).key, canonical);
		}
	});

	test('every key code is the one uiohook-napi uses for that key', () => {
		const uiohook = uiohookKeys();
		assert.ok(uiohook.size > 100, 'the uiohook key table was found');
		const expected: Array<[string, string]> = [
			...[...'abcdefghijklmnopqrstuvwxyz'].map((letter): [string, string] => [letter, letter.toUpperCase()]),
			...[...'0123456789'].map((digit): [string, string] => [digit, digit]),
			...Array.from({length: 24}, (_, i): [string, string] => [`f${i + 1}`, `F${i + 1}`]),
			['space', 'Space'],
			['enter', 'Enter'],
			['tab', 'Tab'],
			['escape', 'Escape'],
			['backspace', 'Backspace'],
			['insert', 'Insert'],
			['delete', 'Delete'],
			['home', 'Home'],
			['end', 'End'],
			['pageup', 'PageUp'],
			['pagedown', 'PageDown'],
			['up', 'ArrowUp'],
			['down', 'ArrowDown'],
			['left', 'ArrowLeft'],
			['right', 'ArrowRight'],
			['minus', 'Minus'],
			['equal', 'Equal'],
			['bracketleft', 'BracketLeft'],
			['bracketright', 'BracketRight'],
			['semicolon', 'Semicolon'],
			['quote', 'Quote'],
			['backquote', 'Backquote'],
			['backslash', 'Backslash'],
			['comma', 'Comma'],
			['period', 'Period'],
			['slash', 'Slash'],
			['printscreen', 'PrintScreen'],
			['scrolllock', 'ScrollLock'],
		];
		for (const [ours, theirs] of expected) {
			assert.equal(parseHotkey(`ctrl+${ours}`).keycode, uiohook.get(theirs), `${ours} = UiohookKey.${theirs}`);
		}
		// Not in uiohook-napi's table; libuiohook's VC_PAUSE.
		assert.equal(parseHotkey('pause').keycode, 0x0e45);
	});

	test('keys that type nothing may stand alone', () => {
		for (const spec of ['f1', 'f24', 'printscreen', 'scrolllock', 'pause', 'insert']) {
			assert.equal(parseHotkey(spec).name, spec);
		}
	});

	test('a typing key needs ctrl, alt or meta', () => {
		for (const [spec, key] of [
			['r', 'r'],
			['shift+r', 'r'],
			['space', 'space'],
			['Enter', 'enter'],
			['shift+1', '1'],
		] as const) {
			assert.throws(
				() => parseHotkey(spec),
				new HotkeyError(
					`bad hotkey "${spec}": "${key}" alone or with shift would fire whenever you type it in any window; add ctrl, alt or meta (e.g. ctrl+alt+${key}), or use a key that types nothing (f1-f24, printscreen, scrolllock, pause, insert)`,
				),
			);
		}
		for (const spec of ['alt+r', 'meta+space', 'ctrl+shift+r']) {
			assert.doesNotThrow(() => parseHotkey(spec));
		}
	});

	test('bad names are rejected with the valid names listed', () => {
		const cases: Array<[string, string]> = [
			['', 'it is empty'],
			['   ', 'it is empty'],
			['ctrl+', 'an empty name between "+" signs'],
			['ctrl++space', 'an empty name between "+" signs'],
			['+space', 'an empty name between "+" signs'],
			['ctrl+alt+spacebar', 'unknown key "spacebar"'],
			['ctrl+F25', 'unknown key "f25"'],
			['hyper+a', 'unknown key "hyper"'],
			['ctrl+ctrl+a', 'ctrl is given twice'],
			['control+ctrl+a', 'ctrl is given twice'],
			['ctrl+alt', 'no key, only modifiers'],
			['shift', 'no key, only modifiers'],
			['ctrl+a+b', 'two keys ("a" and "b"); only one key besides the modifiers'],
		];
		for (const [spec, problem] of cases) {
			assert.throws(() => parseHotkey(spec), new HotkeyError(`bad hotkey "${spec}": ${problem}${usageTail}`), spec);
		}
	});

	test('the error lists the key and modifier names', () => {
		assert.equal(validModifierNames, 'ctrl, alt, shift, meta (also control, option, super, win, cmd)');
		assert.match(validKeyNames, /^a-z, 0-9, f1-f24, space, enter, tab, escape, /);
	});

	test('a non-string is rejected', () => {
		assert.throws(() => parseHotkey(9 as unknown as string), new HotkeyError('bad hotkey: expected a string like "ctrl+alt+space", got number'));
	});
});

describe('matchesHotkey', () => {
	const event = (keycode: number, modifiers: Partial<Record<'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey', boolean>> = {}) => ({
		keycode,
		ctrlKey: false,
		altKey: false,
		shiftKey: false,
		metaKey: false,
		...modifiers,
	});

	test('exactly the key with exactly the modifiers', () => {
		const hotkey = parseHotkey('ctrl+alt+space');
		assert.equal(matchesHotkey(hotkey, event(57, {ctrlKey: true, altKey: true})), true);
		assert.equal(matchesHotkey(hotkey, event(57, {ctrlKey: true})), false);
		assert.equal(matchesHotkey(hotkey, event(57, {ctrlKey: true, altKey: true, shiftKey: true})), false);
		assert.equal(matchesHotkey(hotkey, event(57)), false);
		assert.equal(matchesHotkey(hotkey, event(56, {ctrlKey: true, altKey: true})), false);
	});

	test('a bare function key does not fire with a modifier held', () => {
		const hotkey = parseHotkey('F9');
		assert.equal(matchesHotkey(hotkey, event(67)), true);
		assert.equal(matchesHotkey(hotkey, event(67, {ctrlKey: true})), false);
	});
});
