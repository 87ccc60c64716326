import {open, type FileHandle} from 'node:fs/promises';
import type {Frames, Hertz} from '../util/units.js';
import {decodeSamples, type SampleFormat} from './sample-format.js';
import {decodeDs64, decodeFormatChunk, ds64BodySize, ds64ChunkOffset, uint32Max, type DecodedDs64} from './wav-header.js';
import {WavReadError, WavReadErrorCode} from './wav-read-error.js';

/** A WAV file's header, its declared sizes and what is actually on disk. */
export type WavInfo = {
	readonly path: string;
	readonly sampleRate: Hertz;
	readonly channels: number;
	readonly sampleFormat: SampleFormat;
	/** `wFormatTag` as stored (0xfffe for extensible). */
	readonly formatTag: number;
	readonly extensible: boolean;
	/** Speaker positions of an extensible header. */
	readonly channelMask: number | undefined;
	readonly bitsPerSample: number;
	/** Bytes per frame. */
	readonly blockAlign: number;
	/** Byte offset of the first sample. */
	readonly dataOffset: number;
	/** RF64 (EBU Tech 3306): the sizes below that do not fit in 32 bits come from its `ds64` chunk. */
	readonly rf64: boolean;
	/**
	 * Byte offset of the `ds64` chunk, or of the `JUNK` chunk that holds its place right after `WAVE` (as our
	 * writer leaves it): where the 64-bit sizes go. Undefined unless the chunk has exactly the size of a
	 * `ds64` with an empty table, the only one rewritten in place.
	 */
	readonly ds64Offset: number | undefined;
	/** The RIFF chunk's size (file size - 8 when current). */
	readonly declaredRiffSize: number;
	/** The data chunk's size. */
	readonly declaredDataSize: number;
	/** Byte offset of the `fact` chunk's sample count, if there is one. */
	readonly factLengthOffset: number | undefined;
	readonly factSampleLength: number | undefined;
	readonly fileSize: number;
	/** No chunk follows the data, so every byte after the data offset is audio. */
	readonly dataIsLast: boolean;
	/** Frames the header declares, limited to what the file holds: what `readWav` reads. */
	readonly frames: Frames;
	/** Whole frames the file holds after the data offset (more than `frames` when the header is stale). */
	readonly framesOnDisk: Frames;
	/** The declared sizes disagree with the file size: the writer died before it brought them up to date. */
	readonly stale: boolean;
};

export type WavData = {
	readonly sampleRate: Hertz;
	readonly channels: number;
	readonly sampleFormat: SampleFormat;
	readonly frames: Frames;
	/** Interleaved samples, `frames * channels` of them. */
	readonly data: Float32Array;
};

export type ReadWavOptions = {
	/** First frame to read. @default 0 */
	readonly startFrame?: Frames;
	/** How many frames to read (fewer if the file ends first). @default all */
	readonly frameCount?: Frames;
};

/** Reads only the header: format, data offset, declared sizes and the actual file size. */
export const readWavInfo = async (filePath: string): Promise<WavInfo> => {
	const file = await open(filePath, 'r');
	try {
		return await readInfo(file, filePath);
	} finally {
		await file.close();
	}
};

/**
 * Reads a WAV file's samples (PCM 16/24/32-bit, 32-bit float, plain or extensible) as interleaved floats.
 * Trusts the header's data size (limited to what is on disk): run `repairWav` first to get the frames a
 * crashed writer left beyond it.
 */
export const readWav = async (filePath: string, options: ReadWavOptions = {}): Promise<WavData> => {
	const {startFrame = 0, frameCount = Number.POSITIVE_INFINITY} = options;
	if (!Number.isInteger(startFrame) || startFrame < 0) {
		throw new RangeError(`readWav: startFrame must be a whole number of frames, got ${startFrame}`);
	}
	if (frameCount !== Number.POSITIVE_INFINITY && (!Number.isInteger(frameCount) || frameCount < 0)) {
		throw new RangeError(`readWav: frameCount must be a whole number of frames, got ${frameCount}`);
	}
	const file = await open(filePath, 'r');
	try {
		const info = await readInfo(file, filePath);
		const first = Math.min(startFrame, info.frames);
		const frames = Math.min(frameCount, info.frames - first);
		const bytes = await readExactly(file, info.dataOffset + first * info.blockAlign, frames * info.blockAlign);
		const data = new Float32Array(frames * info.channels);
		decodeSamples(info.sampleFormat, bytes, 0, data.length, data, 0);
		return {sampleRate: info.sampleRate, channels: info.channels, sampleFormat: info.sampleFormat, frames, data};
	} finally {
		await file.close();
	}
};

/** Chunks bigger than this before the data (a `fmt ` or `fact`) are not something we read into memory. */
const maxHeaderChunk = 1024 * 1024;

const readInfo = async (file: FileHandle, filePath: string): Promise<WavInfo> => {
	const {size: fileSize} = await file.stat();
	const head = await readExactly(file, 0, Math.min(12, fileSize));
	const tag = head.toString('latin1', 0, 4);
	if (tag === 'RIFX') {
		throw new WavReadError(WavReadErrorCode.unsupported, filePath, `${tag} files are not supported`);
	}
	if (head.length < 12) {
		if (head.length > 0 && (['RIFF', 'RF64'] as const).some((riff) => riff.startsWith(tag))) {
			throw new WavReadError(WavReadErrorCode.truncated, filePath, `truncated WAV: the file is ${fileSize} bytes`);
		}
		throw new WavReadError(WavReadErrorCode.notWav, filePath, `not a WAV file (${fileSize} bytes)`);
	}
	const rf64 = tag === 'RF64';
	if ((tag !== 'RIFF' && !rf64) || head.toString('latin1', 8, 12) !== 'WAVE') {
		throw new WavReadError(WavReadErrorCode.notWav, filePath, 'not a WAV file (no RIFF/WAVE header)');
	}

	let format: ReturnType<typeof decodeFormatChunk> | undefined;
	let ds64: DecodedDs64 | undefined;
	let ds64Offset: number | undefined;
	let factLengthOffset: number | undefined;
	let factSampleLength: number | undefined;
	let position = 12;
	for (;;) {
		if (position + 8 > fileSize) {
			const missing = format === undefined ? 'fmt' : 'data';
			throw new WavReadError(WavReadErrorCode.truncated, filePath, `truncated WAV: no ${missing} chunk in ${fileSize} bytes`);
		}
		const chunkHead = await readExactly(file, position, 8);
		const id = chunkHead.toString('latin1', 0, 4);
		const size = chunkHead.readUInt32LE(4);
		const bodyOffset = position + 8;
		if (id === 'data') {
			if (format === undefined) {
				throw new WavReadError(WavReadErrorCode.unsupported, filePath, 'the data chunk comes before the fmt chunk');
			}
			if (!format.ok) {
				throw new WavReadError(WavReadErrorCode.unsupported, filePath, format.reason);
			}
			const narrow = {riffSize: head.readUInt32LE(4), dataSize: size, sampleCount: factSampleLength};
			const sizes = rf64 ? widen(filePath, ds64, narrow) : narrow;
			const dataEnd = bodyOffset + sizes.dataSize;
			const dataIsLast = !chunksTile(await restAfter(file, dataEnd + (sizes.dataSize % 2), fileSize));
			return describe({
				filePath,
				format,
				fileSize,
				rf64,
				ds64Offset,
				declaredRiffSize: sizes.riffSize,
				dataOffset: bodyOffset,
				declaredDataSize: sizes.dataSize,
				factLengthOffset,
				factSampleLength: sizes.sampleCount,
				dataIsLast,
			});
		}
		if (id === 'fmt ' || id === 'fact' || (id === 'ds64' && rf64)) {
			if (size > maxHeaderChunk) {
				throw new WavReadError(WavReadErrorCode.unsupported, filePath, `${id.trim()} chunk of ${size} bytes`);
			}
			if (bodyOffset + size > fileSize) {
				throw new WavReadError(WavReadErrorCode.truncated, filePath, `truncated WAV: the ${id.trim()} chunk is cut short`);
			}
			const body = await readExactly(file, bodyOffset, size);
			if (id === 'fmt ') {
				format = decodeFormatChunk(body);
			} else if (id === 'ds64') {
				ds64 = decodeDs64(body);
			} else if (size >= 4) {
				factLengthOffset = bodyOffset;
				factSampleLength = body.readUInt32LE(0);
			}
		}
		// Where a repair can write 64-bit sizes: a chunk it can overwrite whole with a table-less ds64.
		if (size === ds64BodySize && (rf64 ? id === 'ds64' : id === 'JUNK' && position === ds64ChunkOffset)) {
			ds64Offset = position;
		}
		// Anything else (LIST, bext, other JUNK, ...) is skipped; chunks are padded to even sizes.
		position = bodyOffset + size + (size & 1);
	}
};

type Sizes = {readonly riffSize: number; readonly dataSize: number; readonly sampleCount: number | undefined};

/** An RF64 file's sizes: each 32-bit field that says 0xFFFFFFFF ("see ds64") replaced by its `ds64` value. */
const widen = (filePath: string, ds64: DecodedDs64 | undefined, narrow: Sizes): Sizes => {
	if (ds64 === undefined) {
		throw new WavReadError(WavReadErrorCode.unsupported, filePath, 'RF64 file without a ds64 chunk before its data');
	}
	if (!ds64.ok) {
		throw new WavReadError(WavReadErrorCode.unsupported, filePath, ds64.reason);
	}
	const pick = (value: number, wide: number): number => (value === uint32Max ? wide : value);
	return {
		riffSize: pick(narrow.riffSize, ds64.riffSize),
		dataSize: pick(narrow.dataSize, ds64.dataSize),
		sampleCount: narrow.sampleCount === undefined ? undefined : pick(narrow.sampleCount, ds64.sampleCount),
	};
};

type Found = {
	readonly filePath: string;
	readonly format: Extract<ReturnType<typeof decodeFormatChunk>, {ok: true}>;
	readonly fileSize: number;
	readonly rf64: boolean;
	readonly ds64Offset: number | undefined;
	readonly declaredRiffSize: number;
	readonly dataOffset: number;
	readonly declaredDataSize: number;
	readonly factLengthOffset: number | undefined;
	readonly factSampleLength: number | undefined;
	readonly dataIsLast: boolean;
};

const describe = (found: Found): WavInfo => {
	const {format, fileSize, dataOffset, declaredDataSize, declaredRiffSize, dataIsLast} = found;
	const {blockAlign} = format;
	const bytesOnDisk = Math.max(0, fileSize - dataOffset);
	const frames = Math.floor(Math.min(declaredDataSize, bytesOnDisk) / blockAlign);
	const framesOnDisk = dataIsLast ? Math.floor(bytesOnDisk / blockAlign) : frames;
	const dataEnd = dataOffset + declaredDataSize;
	// The data chunk may or may not be followed by its pad byte; both are common and both are current.
	const dataCurrent = dataIsLast ? fileSize === dataEnd || (declaredDataSize % 2 === 1 && fileSize === dataEnd + 1) : dataEnd <= fileSize;
	const stale = !dataCurrent || declaredRiffSize + 8 !== fileSize;
	return {
		path: found.filePath,
		...format.format,
		formatTag: format.formatTag,
		extensible: format.extensible,
		channelMask: format.channelMask,
		bitsPerSample: format.bitsPerSample,
		blockAlign,
		dataOffset,
		rf64: found.rf64,
		ds64Offset: found.ds64Offset,
		declaredRiffSize,
		declaredDataSize,
		factLengthOffset: found.factLengthOffset,
		factSampleLength: found.factSampleLength,
		fileSize,
		dataIsLast,
		frames,
		framesOnDisk,
		stale,
	};
};

/** What follows the data chunk, if it is small enough to be chunks rather than unaccounted audio. */
const restAfter = async (file: FileHandle, offset: number, fileSize: number): Promise<Buffer | undefined> => {
	if (offset >= fileSize) {
		return undefined;
	}
	const length = fileSize - offset;
	return length > maxHeaderChunk ? Buffer.alloc(0) : readExactly(file, offset, length);
};

/**
 * Whether `rest` is a run of well-formed chunks ending exactly at the end of the file (a LIST after the
 * data, as some editors write). Audio left beyond a stale data size is practically never that.
 */
const chunksTile = (rest: Buffer | undefined): boolean => {
	if (rest === undefined || rest.length < 8) {
		return false;
	}
	let at = 0;
	while (at + 8 <= rest.length) {
		for (let i = 0; i < 4; i++) {
			const byte = rest[at + i]!;
			if (byte < 0x20 || byte > 0x7e) {
				return false;
			}
		}
		const size = rest.readUInt32LE(at + 4);
		at += 8 + size + (size & 1);
		if (at === rest.length || (size & 1) === 1 && at - 1 === rest.length) {
			return true;
		}
	}
	return false;
};

const readExactly = async (file: FileHandle, position: number, length: number): Promise<Buffer> => {
	const buffer = Buffer.allocUnsafe(length);
	let done = 0;
	while (done < length) {
		const {bytesRead} = await file.read(buffer, done, length - done, position + done);
		if (bytesRead === 0) {
			return buffer.subarray(0, done);
		}
		done += bytesRead;
	}
	return buffer;
};
