import {open} from 'node:fs/promises';
import type {Frames} from '../engine/units.js';
import {riffSizeOffset} from './wav-header.js';
import {readWavInfo} from './wav-reader.js';

export type WavRepairResult = {
	/** The header (or the file's length) had to be changed. */
	readonly repaired: boolean;
	/** Frames the file holds now. */
	readonly frames: Frames;
	/** Frames the header declared before the repair. */
	readonly declaredFrames: Frames;
	/** Bytes of a trailing partial frame cut from the end of the file. */
	readonly truncatedBytes: number;
};

/**
 * Brings a WAV file's RIFF and data sizes (and `fact` sample count) in line with the audio actually on
 * disk, after a writer died between header refreshes. Keeps every whole frame; a trailing partial frame
 * is cut from the file. A file whose sizes already agree is left untouched.
 */
export const repairWav = async (filePath: string): Promise<WavRepairResult> => {
	const info = await readWavInfo(filePath);
	const declaredFrames = Math.floor(info.declaredDataSize / info.blockAlign);
	if (!info.stale) {
		return {repaired: false, frames: info.frames, declaredFrames, truncatedBytes: 0};
	}
	const file = await open(filePath, 'r+');
	try {
		if (!info.dataIsLast) {
			// Chunks follow the data, so the data size is right; only the RIFF size disagrees with the file.
			await file.write(uint32(info.fileSize - 8), 0, 4, riffSizeOffset);
			await file.sync();
			return {repaired: true, frames: info.frames, declaredFrames, truncatedBytes: 0};
		}
		const frames = info.framesOnDisk;
		const dataBytes = frames * info.blockAlign;
		const dataEnd = info.dataOffset + dataBytes;
		const truncatedBytes = Math.max(0, info.fileSize - dataEnd);
		// Odd data is followed by a zero pad byte, which is what truncating one byte further out leaves.
		const fileSize = dataEnd + (dataBytes & 1);
		if (fileSize !== info.fileSize) {
			await file.truncate(fileSize);
		}
		await file.write(uint32(fileSize - 8), 0, 4, riffSizeOffset);
		await file.write(uint32(dataBytes), 0, 4, info.dataOffset - 4);
		if (info.factLengthOffset !== undefined) {
			await file.write(uint32(frames), 0, 4, info.factLengthOffset);
		}
		await file.sync();
		return {repaired: true, frames, declaredFrames, truncatedBytes};
	} finally {
		await file.close();
	}
};

const uint32 = (value: number): Buffer => {
	const buffer = Buffer.alloc(4);
	buffer.writeUInt32LE(value);
	return buffer;
};
