import os from 'node:os';
import type {Decibels, Seconds} from '../util/units.js';

/** `-12.3`, `0.0`, `-inf` (silence or below -99.9). */
export const formatDb = (db: Decibels): string => {
	if (!(db > -99.95)) {
		return '-inf';
	}
	const text = db.toFixed(1);
	return text === '-0.0' ? '0.0' : text;
};

const wholeClock = (whole: number): string => {
	const hours = Math.floor(whole / 3600);
	const minutes = Math.floor((whole % 3600) / 60);
	const secs = whole % 60;
	return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(secs)}` : `${minutes}:${pad2(secs)}`;
};

const safeSeconds = (seconds: Seconds): Seconds => (Number.isFinite(seconds) && seconds > 0 ? seconds : 0);

/** `0:42.1` under an hour, `1:02:03` above; the tenth is truncated so a running clock never runs ahead. */
export const formatDuration = (seconds: Seconds): string => {
	const tenths = Math.floor(safeSeconds(seconds) * 10 + 1e-6);
	const whole = Math.floor(tenths / 10);
	return whole >= 3600 ? wholeClock(whole) : `${wholeClock(whole)}.${tenths % 10}`;
};

/**
 * A running clock: `0:42`, `1:02:03`. Whole seconds, because each change redraws the screen, and ten
 * redraws a second would cost the terminal UI more than everything else it does.
 */
export const formatElapsed = (seconds: Seconds): string => wholeClock(Math.floor(safeSeconds(seconds) + 1e-6));

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

/** Cuts text to `width` columns with an ellipsis, for lines that must not wrap. */
export const truncate = (text: string, width: number): string => {
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
export const truncateStart = (text: string, width: number): string => {
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
