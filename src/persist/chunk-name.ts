import path from 'node:path';
import {PersistFormat} from '../session/file-formats.js';
import type {EpochMs, Frames, Hertz} from '../util/units.js';

/** What rolling persistence stores chunks as. */
export const chunkFormats = Object.values(PersistFormat);
export type ChunkFormat = PersistFormat;

/** What a chunk's file name says about it. */
export type ChunkName = {
	/** Wall-clock time of the first sample, to the microsecond (so a neighbour lines up to the frame). */
	readonly startTime: EpochMs;
	readonly sampleRate: Hertz;
	readonly channels: number;
	readonly format: ChunkFormat;
	/** Undefined while the chunk is being written (a `.part`). */
	readonly frames: Frames | undefined;
};

export const partSuffix = '.part';

const two = (value: number): string => String(value).padStart(2, '0');

/** `20261202T101500.123456Z`: ISO 8601 basic format, UTC, microseconds (no ':' for any file system). */
export const formatStamp = (time: EpochMs): string => {
	let seconds = Math.floor(time / 1000);
	let micros = Math.round((time - seconds * 1000) * 1000);
	if (micros === 1_000_000) {
		seconds++;
		micros = 0;
	}
	const date = new Date(seconds * 1000);
	return (
		`${date.getUTCFullYear()}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}T` +
		`${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}.${String(micros).padStart(6, '0')}Z`
	);
};

/** The folder a chunk starting at `time` goes in: one per UTC day, `2026-12-02`. */
export const dayFolder = (time: EpochMs): string => new Date(Math.floor(time)).toISOString().slice(0, 10);

/**
 * `20261202T101500.123456Z-48000Hz-2ch-2880000f.opus`, or without the frame count and with `.part` while
 * it is written: everything a reader needs to place the chunk on the time axis without opening it.
 */
export const chunkFileName = (chunk: ChunkName): string =>
	`${formatStamp(chunk.startTime)}-${chunk.sampleRate}Hz-${chunk.channels}ch${chunk.frames === undefined ? '' : `-${chunk.frames}f`}.${chunk.format}${chunk.frames === undefined ? partSuffix : ''}`;

/** The path of a chunk under `root`. */
export const chunkPath = (root: string, chunk: ChunkName): string => path.join(root, dayFolder(chunk.startTime), chunkFileName(chunk));

const namePattern = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)\.(\d{6})Z-(\d+)Hz-(\d+)ch(?:-(\d+)f)?\.(opus|flac|wav)(\.part)?$/;

/** What `name` says, or undefined when it is not one of our chunk names. */
export const parseChunkName = (name: string): ChunkName | undefined => {
	const match = namePattern.exec(name);
	if (match === null) {
		return undefined;
	}
	const [, year, month, day, hour, minute, second, micros, rate, channels, frames, format, part] = match;
	// A finished chunk states its length; a part does not.
	if ((frames === undefined) !== (part !== undefined)) {
		return undefined;
	}
	const seconds = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
	return {
		startTime: seconds + Number(micros) / 1000,
		sampleRate: Number(rate),
		channels: Number(channels),
		format: format as ChunkFormat,
		frames: frames === undefined ? undefined : Number(frames),
	};
};
