import os from 'node:os';
import {plainText} from '../util/plain-text.js';
import type {Decibels, Seconds} from '../util/units.js';

/** `-12.3`, `0.0`, `-inf` (silence or below -99.9). */
export const formatDb = (db: Decibels): string => {
	if (!(db > -99.95)) {
		return '-inf';
	}
	const text = db.toFixed(1);
	return text === '-0.0' ? '0.0' : text;
};

/** Seconds with one decimal when they have one: `13`, `9.2`. */
export const formatSeconds = (seconds: Seconds): string => {
	const rounded = Math.round(seconds * 10) / 10;
	return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
};

/** Local wall-clock time `14:03:22` of an ISO timestamp; `--:--:--` when it is not one. */
export const formatClock = (iso: string): string => {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) {
		return '--:--:--';
	}
	return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
};

/** `001`. */
export const formatIndex = (index: number): string => String(index).padStart(3, '0');

const pad2 = (value: number): string => String(value).padStart(2, '0');

/**
 * Cuts text to `width` columns with an ellipsis, for lines that must not wrap. Every line the TUI
 * fits to the screen goes through here or `wrapLines`, so control characters (no width; an escape
 * sequence from a server or a port name) are dropped here.
 */
export const truncate = (raw: string, width: number): string => {
	const text = plainText(raw);
	const chars = [...text];
	if (chars.length <= width) {
		return text;
	}
	if (width <= 0) {
		return '';
	}
	return `${chars.slice(0, width - 1).join('')}…`;
};

/** Cuts a path from the left, keeping its end (the session's own name): `…/sessions/2025-11-23_10-00`. */
export const truncateStart = (raw: string, width: number): string => {
	const text = plainText(raw);
	const chars = [...text];
	if (chars.length <= width) {
		return text;
	}
	if (width <= 0) {
		return '';
	}
	return `…${chars.slice(chars.length - width + 1).join('')}`;
};

/** `/home/ann/x` -> `~/x`: the home directory is the least informative part of a path. */
export const tildify = (filePath: string, home: string = os.homedir()): string =>
	home !== '' && home !== '/' && (filePath === home || filePath.startsWith(`${home}/`)) ? `~${filePath.slice(home.length)}` : filePath;
