import type {FileNaming} from './file-formats.js';
import {captureNumber} from './session.js';

/**
 * A capture's file name without its extension, per the `fileNaming` setting: `001` (sequential), or
 * `{prefix}YYYYMMDD_HHMMSS` from the local time of its first sample (timestamp). Two captures that start
 * in the same second get the same name: the caller adds `-2` if the name is taken.
 */
export const captureFileBase = (naming: FileNaming, prefix: string, index: number, startedAt: Date): string => {
	if (!Number.isInteger(index) || index < 1) {
		throw new RangeError(`captureFileBase: index must be a whole number from 1, got ${index}`);
	}
	if (naming === 'sequential') {
		return captureNumber(index);
	}
	if (Number.isNaN(startedAt.getTime())) {
		throw new TypeError('captureFileBase: startedAt must be a valid Date');
	}
	const two = (value: number): string => String(value).padStart(2, '0');
	return (
		`${prefix}${startedAt.getFullYear()}${two(startedAt.getMonth() + 1)}${two(startedAt.getDate())}` +
		`_${two(startedAt.getHours())}${two(startedAt.getMinutes())}${two(startedAt.getSeconds())}`
	);
};
