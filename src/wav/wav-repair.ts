import {open} from 'node:fs/promises';
import type {Frames} from '../util/units.js';
import {needsRf64, sizePatches, type HeaderSizes} from './wav-header.js';
import {WavReadError, WavReadErrorCode} from './wav-read-error.js';
import {readWavInfo, type WavInfo} from './wav-reader.js';

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
 * is cut from the file. A file whose sizes already agree is left untouched. The header becomes RF64 when
 * the audio has outgrown 32-bit sizes (the writer died before its refresh after crossing about 4 GiB);
 * an RF64 file stays RF64.
 */
export const repairWav = async (filePath: string): Promise<WavRepairResult> => {
	const info = await readWavInfo(filePath);
	const declaredFrames = Math.floor(info.declaredDataSize / info.blockAlign);
	if (!info.stale) {
		return {repaired: false, frames: info.frames, declaredFrames, truncatedBytes: 0};
	}
	const {sizes, fileSize, truncatedBytes} = repairedSizes(info);
	const rf64 = info.rf64 || needsRf64(info.dataOffset, sizes);
	if (rf64 && info.ds64Offset === undefined) {
		throw new WavReadError(
			WavReadErrorCode.unsupported,
			filePath,
			`${sizes.dataBytes} bytes of audio need an RF64 header, and the file has no place for its ds64 chunk`,
		);
	}
	const file = await open(filePath, 'r+');
	try {
		if (fileSize !== info.fileSize) {
			await file.truncate(fileSize);
		}
		const fields = {ds64Offset: info.ds64Offset, dataSizeOffset: info.dataOffset - 4, factLengthOffset: info.factLengthOffset};
		for (const {offset, bytes} of sizePatches(fields, sizes, rf64)) {
			await file.write(bytes, 0, bytes.length, offset);
		}
		await file.sync();
	} finally {
		await file.close();
	}
	return {repaired: true, frames: sizes.frames, declaredFrames, truncatedBytes};
};

/** The sizes that describe what the file holds, and the length it is cut to. */
const repairedSizes = (info: WavInfo): {sizes: HeaderSizes; fileSize: number; truncatedBytes: number} => {
	if (!info.dataIsLast) {
		// Chunks follow the data, so the data size is right; only the RIFF size disagrees with the file.
		const sizes = {riffSize: info.fileSize - 8, dataBytes: info.declaredDataSize, frames: info.frames};
		return {sizes, fileSize: info.fileSize, truncatedBytes: 0};
	}
	const frames = info.framesOnDisk;
	const dataBytes = frames * info.blockAlign;
	const dataEnd = info.dataOffset + dataBytes;
	// Odd data is followed by a zero pad byte, which is what truncating one byte further out leaves.
	const fileSize = dataEnd + (dataBytes % 2);
	return {sizes: {riffSize: fileSize - 8, dataBytes, frames}, fileSize, truncatedBytes: Math.max(0, info.fileSize - dataEnd)};
};
