import type {Seconds} from './units.js';

const pad2 = (value: number): string => String(value).padStart(2, '0');

const wholeClock = (whole: number): string => {
	const hours = Math.floor(whole / 3600);
	const minutes = Math.floor((whole % 3600) / 60);
	const secs = whole % 60;
	return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(secs)}` : `${minutes}:${pad2(secs)}`;
};

const safeSeconds = (seconds: Seconds): Seconds => (Number.isFinite(seconds) && seconds > 0 ? seconds : 0);

/**
 * A length of audio: `0:42.1` under an hour, `1:02:03` from an hour. The tenth is truncated, so a
 * running clock never runs ahead. The one format for durations, on screen and in files.
 */
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

/** `2025-11-23 14:05:09` in local time (as session directories are named); `invalid` for a bad date. */
export const localDateTime = (date: Date, invalid = 'unknown time'): string => {
	if (Number.isNaN(date.getTime())) {
		return invalid;
	}
	return (
		`${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ` +
		`${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`
	);
};
