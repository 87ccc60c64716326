import type {Key} from 'ink';
import type {SelectionMove} from './session-selection.js';
import {useKeys} from './use-keys.js';

/** What a key asks of the past-sessions browser. */
export type PastSessionKey =
	| {readonly type: 'open'}
	| {readonly type: 'enter'}
	| {readonly type: 'back'}
	| {readonly type: 'move'; readonly move: SelectionMove};

export type UsePastSessionKeysOptions = {
	/** The main screen is showing (no picker, no live transcript): the browser may take keys. */
	readonly isActive: boolean;
	/**
	 * The browser is open now. Read when the key arrives, not from the last render, so keys typed
	 * faster than a frame (`s` then `↓⏎`) already go to the browser.
	 */
	readonly isOpen: () => boolean;
	readonly onKey: (key: PastSessionKey) => void;
};

const moves: ReadonlyArray<readonly [keyof Key, SelectionMove]> = [
	['upArrow', 'up'],
	['downArrow', 'down'],
	['pageUp', 'pageUp'],
	['pageDown', 'pageDown'],
	['home', 'first'],
	['end', 'last'],
];

/**
 * `s` opens the browser from the main screen. In it: arrows, Page Up/Down, Home/End move (or scroll),
 * Enter opens, Esc or q goes back a level. There is no key that changes anything: space (capture) and
 * Ctrl+C stay with the app's own keys.
 */
export const usePastSessionKeys = ({isActive, isOpen, onKey}: UsePastSessionKeysOptions): void => {
	useKeys((input, key) => {
		if (!isOpen()) {
			if (input === 's' && !key.ctrl && !key.meta) {
				onKey({type: 'open'});
			}
			return;
		}
		// Ink reports Esc as meta too: look at it before leaving modified keys alone.
		if (key.escape || (input === 'q' && !key.ctrl && !key.meta)) {
			onKey({type: 'back'});
			return;
		}
		if (key.ctrl || key.meta) {
			return;
		}
		if (key.return) {
			onKey({type: 'enter'});
			return;
		}
		const move = moves.find(([name]) => key[name] === true);
		if (move !== undefined) {
			onKey({type: 'move', move: move[1]});
		}
	}, isActive);
};
