/**
 * Parses hotkey names like `ctrl+alt+space`, `F9` or `ctrl+shift+r` into what a keyboard hook matches.
 * Pure: no uiohook import, because merely loading uiohook without a working X display kills the process.
 * The key codes are libuiohook's virtual key codes (`VC_*`), the same numbers as uiohook-napi's `UiohookKey`.
 */

export type Modifiers = {
	readonly ctrl: boolean;
	readonly alt: boolean;
	readonly shift: boolean;
	readonly meta: boolean;
};

export type Hotkey = {
	readonly modifiers: Modifiers;
	/** Canonical key name, lower case (`space`, `f9`, `r`). */
	readonly key: string;
	/** libuiohook virtual key code of `key`. */
	readonly keycode: number;
	/** Canonical spelling of the whole hotkey, e.g. `ctrl+alt+space`. */
	readonly name: string;
};

export class HotkeyError extends Error {
	override readonly name = 'HotkeyError';
}

export const defaultHotkey = 'ctrl+alt+space';

const modifierNames = ['ctrl', 'alt', 'shift', 'meta'] as const;
type ModifierName = (typeof modifierNames)[number];

const modifierAliases: Readonly<Record<string, ModifierName>> = {
	ctrl: 'ctrl',
	control: 'ctrl',
	alt: 'alt',
	option: 'alt',
	shift: 'shift',
	meta: 'meta',
	super: 'meta',
	win: 'meta',
	cmd: 'meta',
	command: 'meta',
};

const letters = 'abcdefghijklmnopqrstuvwxyz';
const letterCodes = [30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50, 49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44];
const digitCodes = [11, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const functionCodes = [59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88, 91, 92, 93, 99, 100, 101, 102, 103, 104, 105, 106, 107];

/** Keys that type nothing, so they may be a hotkey on their own. */
const standaloneKeys = new Set<string>([
	...functionCodes.map((_, i) => `f${i + 1}`),
	'printscreen',
	'scrolllock',
	'insert',
	'pause',
]);

const namedKeys: ReadonlyArray<readonly [string, number]> = [
	['space', 57],
	['enter', 28],
	['tab', 15],
	['escape', 1],
	['backspace', 14],
	['insert', 3666],
	['delete', 3667],
	['home', 3655],
	['end', 3663],
	['pageup', 3657],
	['pagedown', 3665],
	['up', 57416],
	['down', 57424],
	['left', 57419],
	['right', 57421],
	['minus', 12],
	['equal', 13],
	['bracketleft', 26],
	['bracketright', 27],
	['semicolon', 39],
	['quote', 40],
	['backquote', 41],
	['backslash', 43],
	['comma', 51],
	['period', 52],
	['slash', 53],
	['printscreen', 3639],
	['scrolllock', 70],
	['pause', 3653],
];

const keyAliases: Readonly<Record<string, string>> = {
	return: 'enter',
	esc: 'escape',
	ins: 'insert',
	del: 'delete',
	pgup: 'pageup',
	pgdn: 'pagedown',
	arrowup: 'up',
	arrowdown: 'down',
	arrowleft: 'left',
	arrowright: 'right',
};

const keyCodes: ReadonlyMap<string, number> = new Map<string, number>([
	...[...letters].map((letter, i): [string, number] => [letter, letterCodes[i]!]),
	...digitCodes.map((code, digit): [string, number] => [String(digit), code]),
	...functionCodes.map((code, i): [string, number] => [`f${i + 1}`, code]),
	...namedKeys,
]);

/** The names `--hotkey` accepts, for error messages and help. */
export const validKeyNames =
	`a-z, 0-9, f1-f24, ${namedKeys.map(([name]) => name).join(', ')}`;
export const validModifierNames = 'ctrl, alt, shift, meta (also control, option, super, win, cmd)';

const usage = (spec: string, problem: string): HotkeyError =>
	new HotkeyError(
		`bad hotkey "${spec}": ${problem}. A hotkey is modifiers and one key joined by "+", e.g. ctrl+alt+space, ctrl+shift+r or F9; modifiers: ${validModifierNames}; keys: ${validKeyNames}`,
	);

/** Validates and parses a hotkey name; throws HotkeyError with the valid names when it is wrong. */
export const parseHotkey = (spec: string): Hotkey => {
	if (typeof spec !== 'string') {
		throw new HotkeyError(`bad hotkey: expected a string like "ctrl+alt+space", got ${typeof spec}`);
	}
	const trimmed = spec.trim();
	if (trimmed === '') {
		throw usage(spec, 'it is empty');
	}
	const parts = trimmed.split('+').map(part => part.trim().toLowerCase());
	if (parts.some(part => part === '')) {
		throw usage(spec, 'an empty name between "+" signs');
	}
	const modifiers: Record<ModifierName, boolean> = {ctrl: false, alt: false, shift: false, meta: false};
	let key: string | undefined;
	for (const part of parts) {
		const modifier = modifierAliases[part];
		if (modifier !== undefined) {
			if (modifiers[modifier]) {
				throw usage(spec, `${modifier} is given twice`);
			}
			modifiers[modifier] = true;
			continue;
		}
		const name = keyAliases[part] ?? part;
		if (!keyCodes.has(name)) {
			throw usage(spec, `unknown key "${part}"`);
		}
		if (key !== undefined) {
			throw usage(spec, `two keys ("${key}" and "${name}"); only one key besides the modifiers`);
		}
		key = name;
	}
	if (key === undefined) {
		throw usage(spec, 'no key, only modifiers');
	}
	if (!modifiers.ctrl && !modifiers.alt && !modifiers.meta && !standaloneKeys.has(key)) {
		// The hook only listens, it does not swallow keys: a typing key would fire while typing anywhere.
		throw new HotkeyError(
			`bad hotkey "${spec}": "${key}" alone or with shift would fire whenever you type it in any window; add ctrl, alt or meta (e.g. ctrl+alt+${key}), or use a key that types nothing (f1-f24, printscreen, scrolllock, pause, insert)`,
		);
	}
	const name = [...modifierNames.filter(modifier => modifiers[modifier]), key].join('+');
	return {modifiers, key, keycode: keyCodes.get(key)!, name};
};

/** The fields of a uiohook keyboard event a hotkey looks at. */
export type KeyEventLike = {
	readonly keycode: number;
	readonly ctrlKey: boolean;
	readonly altKey: boolean;
	readonly shiftKey: boolean;
	readonly metaKey: boolean;
};

/** Exactly this key with exactly these modifiers (ctrl+alt+space is not ctrl+alt+shift+space). */
export const matchesHotkey = (hotkey: Hotkey, event: KeyEventLike): boolean =>
	event.keycode === hotkey.keycode &&
	event.ctrlKey === hotkey.modifiers.ctrl &&
	event.altKey === hotkey.modifiers.alt &&
	event.shiftKey === hotkey.modifiers.shift &&
	event.metaKey === hotkey.modifiers.meta;
