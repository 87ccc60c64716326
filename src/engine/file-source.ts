import path from 'node:path';
import {readWav} from '../wav/wav-reader.js';
import {LoopingClipSource} from './looping-clip-source.js';
import type {Hertz} from '../util/units.js';

export type FileSourceOptions = {
	/** @default the file's rate */
	readonly sampleRate?: Hertz;
	/** @default the file's channel count */
	readonly channels?: number;
};

/**
 * `--source file:PATH`: replays a WAV file in a loop, in real time, as if it were the input. The whole file
 * is decoded into memory (32-bit floats), so it is meant for clips, not hours of audio.
 */
export const openFileSource = async (filePath: string, options: FileSourceOptions = {}): Promise<LoopingClipSource> => {
	if (typeof filePath !== 'string' || filePath.trim() === '') {
		throw new TypeError('openFileSource: the file path must be a non-empty string');
	}
	const resolved = path.resolve(filePath);
	let clip;
	try {
		clip = await readWav(resolved);
	} catch (error) {
		throw new Error(`cannot play ${resolved}: ${readFailure(error, resolved)}`);
	}
	if (clip.frames === 0) {
		throw new Error(`cannot play ${resolved}: it holds no audio`);
	}
	return new LoopingClipSource({
		kind: 'file',
		name: resolved,
		client: 'file',
		clip,
		sampleRate: options.sampleRate,
		channels: options.channels,
	});
};

const readFailure = (error: unknown, filePath: string): string => {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (code === 'ENOENT') {
		return 'no such file';
	}
	if (code === 'EISDIR') {
		return 'it is a directory';
	}
	if (code === 'EACCES') {
		return 'permission denied';
	}
	// WavReadError messages start with the path we already name.
	return error instanceof Error ? error.message.replace(`${filePath}: `, '') : String(error);
};
