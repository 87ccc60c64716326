import type {Store} from '../util/store.js';
import {truncate} from './format.js';
import {wrapLines} from '../util/wrap-lines.js';

/** A line that asks the person to act, kept on screen until it is resolved or dismissed. */
export type Notice = {
	/** What it is about; a newer notice about the same thing replaces it. */
	readonly key: string;
	readonly line: string;
};

/** Lines the app wants on screen that are not engine state. */
export type UiStatus = {
	/** The global hotkey's state in a few words: `hotkey ctrl+alt+space`, `hotkey off`. */
	readonly hotkey?: string;
	/** The latest event worth a line (a saved capture, a server rejoined): the next one replaces it. */
	readonly message?: string;
	/** Oldest first. */
	readonly notices?: readonly Notice[];
	/** `persisting: 3 h 12 min on disk, 41 MB`, when persistence is on: beside the hotkey's state. */
	readonly services?: string | undefined;
	/** `speech queue 1/10 (7 of 100 s)`, with the voice trigger on: beside the hotkey's state. */
	readonly voice?: string | undefined;
	/**
	 * Short states that hold for a while, at the right of the banner's first line: the voice trigger's
	 * `voice: listening`, a privacy mode's marker.
	 */
	readonly badges?: readonly string[];
};

export type UiStatusStore = Store<UiStatus>;

export const withMessage = (status: UiStatus, message: string): UiStatus => ({...status, message});

/** Adds the notice, in place of (and newer than) one with the same key. */
export const withNotice = (status: UiStatus, key: string, line: string): UiStatus => ({
	...status,
	notices: [...(status.notices ?? []).filter(notice => notice.key !== key), {key, line}],
});

/** Drops the notice with this key; the same status when there is none (nothing to redraw). */
export const withoutNotice = (status: UiStatus, key: string): UiStatus => {
	const notices = status.notices ?? [];
	return notices.some(notice => notice.key === key) ? {...status, notices: notices.filter(notice => notice.key !== key)} : status;
};

/** How to make the newest notice go away. */
export const dismissHint = '(x hides)';

/**
 * The notices as screen rows `width` columns wide, newest first (where rows run out, the oldest are cut):
 * each word-wrapped, since they carry the fix, `!` in front of its first row, the dismiss hint after the
 * newest.
 */
export const noticeRows = (notices: readonly Notice[], width: number): string[] =>
	[...notices].reverse().flatMap((notice, index) => {
		const text = index === 0 ? `${notice.line} ${dismissHint}` : notice.line;
		return wrapLines(text, Math.max(1, width - 3)).map((row, at) => `${at === 0 ? ' ! ' : '   '}${row}`);
	});

/** Below this many columns for the message, the status line shows only the message (or the hotkey). */
const minMessageColumns = 24;

/** The status line's text: the latest message, with the hotkey's state on the right where it fits. */
export const statusLineText = (status: UiStatus, width: number): string => {
	const message = status.message ?? '';
	const hotkey = [status.hotkey, status.voice, status.services].filter(part => part !== undefined && part !== '').join('  |  ');
	if (message === '' || hotkey === '') {
		return truncate(message || hotkey, width);
	}
	const room = width - [...hotkey].length - 2;
	if (room < minMessageColumns) {
		return truncate(message, width);
	}
	const left = truncate(message, room);
	return `${left}${' '.repeat(room - [...left].length + 2)}${hotkey}`;
};
