import type {Frames, Hertz} from '../util/units.js';
import {bytesPerSample, isFloatFormat, type SampleFormat} from './sample-format.js';

/**
 * The RIFF/WAVE header codec. The writer's header has a fixed size for a given format, so the data
 * offset is known before the first sample and the sizes can be patched in place while recording.
 *
 * Its first chunk is a 28-byte `JUNK` that every reader skips: it holds the place of an RF64 `ds64`
 * chunk (EBU Tech 3306), so a capture that outgrows the 32-bit RIFF sizes (about 4 GiB) switches to
 * RF64 in place, by rewriting the header alone, as broadcast recorders do.
 */

/** `wFormatTag` values we read and write. */
export const WaveFormatTag = {
	pcm: 0x0001,
	ieeeFloat: 0x0003,
	extensible: 0xfffe,
} as const;
export type WaveFormatTag = (typeof WaveFormatTag)[keyof typeof WaveFormatTag];

/** What a WAV file holds, as far as a reader of its samples cares. */
export type WavFormat = {
	readonly sampleRate: Hertz;
	readonly channels: number;
	readonly sampleFormat: SampleFormat;
};

/** Where things are in the header the writer produces for a format. */
export type HeaderLayout = {
	readonly formatTag: WaveFormatTag;
	readonly extensible: boolean;
	/** Bytes per frame (`nBlockAlign`). */
	readonly blockAlign: number;
	/** Byte offset of the `fact` chunk's sample count, if the header has one. */
	readonly factLengthOffset: number | undefined;
	/** Byte offset of the `data` chunk's size field. */
	readonly dataSizeOffset: number;
	/** Byte offset of the first sample: also the header's size. */
	readonly dataOffset: number;
};

/** Byte offset of the `JUNK` chunk the writer reserves for `ds64`: the first chunk after `WAVE`. */
export const ds64ChunkOffset = 12;
/** A `ds64` body with an empty table: RIFF size, data size and sample count (64 bits each), table length. */
export const ds64BodySize = 28;
/** The 32-bit size that says "see ds64" in an RF64 file. */
export const uint32Max = 0xff_ff_ff_ff;
const fmtOffset = ds64ChunkOffset + 8 + ds64BodySize;

/** The 14 bytes after the first two of KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT (`xxxx0000-0000-0010-8000-00aa00389b71`). */
const guidTail = Uint8Array.of(0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71);

/**
 * Speaker positions for common channel counts (Microsoft's KSAUDIO_SPEAKER_* layouts). The inputs are
 * usually microphones, not speakers, but players pick a downmix from this mask; above 8 channels there
 * is no common layout, and 0 says "no positions" rather than inventing one.
 */
export const defaultChannelMask = (channels: number): number => {
	switch (channels) {
		case 1: {
			return 0x4; // Front centre.
		}
		case 2: {
			return 0x3; // Front left, front right.
		}
		case 3: {
			return 0x7; // Left, right, centre.
		}
		case 4: {
			return 0x33; // Quad: front and back pairs.
		}
		case 5: {
			return 0x37; // 5.0: front pair, centre, back pair.
		}
		case 6: {
			return 0x3f; // 5.1.
		}
		case 7: {
			return 0x13f; // 6.1: 5.1 plus back centre.
		}
		case 8: {
			return 0x63f; // 7.1 with side pair.
		}
		default: {
			return 0;
		}
	}
};

/** Plain PCM has a 16-byte fmt body; other tags carry cbSize (18); extensible adds 22 bytes after it (40). */
const fmtBodySize = (extensible: boolean, float: boolean): number => (extensible ? 40 : float ? 18 : 16);

/** Extensible when there are more than two channels: plain PCM/float headers cannot state a channel layout. */
export const headerLayout = (format: WavFormat): HeaderLayout => {
	const extensible = format.channels > 2;
	const float = isFloatFormat(format.sampleFormat);
	const formatTag = extensible ? WaveFormatTag.extensible : float ? WaveFormatTag.ieeeFloat : WaveFormatTag.pcm;
	// `fact` is required for every non-PCM tag, and extensible counts as non-PCM.
	const hasFact = extensible || float;
	const fmtEnd = fmtOffset + 8 + fmtBodySize(extensible, float);
	const factLengthOffset = hasFact ? fmtEnd + 8 : undefined;
	const dataChunkOffset = hasFact ? fmtEnd + 12 : fmtEnd;
	const dataOffset = dataChunkOffset + 8;
	const blockAlign = format.channels * bytesPerSample(format.sampleFormat);
	return {formatTag, extensible, blockAlign, factLengthOffset, dataSizeOffset: dataChunkOffset + 4, dataOffset};
};

/**
 * The most data bytes a plain RIFF header with its data at `dataOffset` describes: about 4 GiB, or
 * 3 h 6 min of 48 kHz stereo float. The RIFF size stays below 0xFFFFFFFF (which RF64 readers take as
 * "see ds64") even with a pad byte after odd data.
 */
export const maxRiffDataBytes = (dataOffset: number): number => uint32Max - 1 - (dataOffset - 8) - 1;

/** Whether a header stating `sizes` must be RF64: the data, or the whole RIFF chunk, is beyond 32-bit sizes. */
export const needsRf64 = (dataOffset: number, sizes: HeaderSizes): boolean =>
	sizes.dataBytes > maxRiffDataBytes(dataOffset) || sizes.riffSize >= uint32Max;

export type EncodeHeaderOptions = {
	/** The odd data size is followed by its pad byte on disk (the RIFF size then counts it). @default false */
	readonly padded?: boolean;
	/** Write the RF64 form (`ds64` in place of the `JUNK`). @default false */
	readonly rf64?: boolean;
};

/** The header for `frames` frames of `format`. */
export const encodeHeader = (format: WavFormat, frames: Frames, options: EncodeHeaderOptions = {}): Buffer => {
	const layout = headerLayout(format);
	const {channels, sampleRate, sampleFormat} = format;
	const bits = bytesPerSample(sampleFormat) * 8;
	const header = Buffer.alloc(layout.dataOffset);
	header.write('WAVE', 8, 'latin1');
	header.write('fmt ', fmtOffset, 'latin1');
	header.writeUInt32LE(fmtBodySize(layout.extensible, isFloatFormat(sampleFormat)), fmtOffset + 4);
	const fmt = header.subarray(fmtOffset + 8);
	fmt.writeUInt16LE(layout.formatTag, 0);
	fmt.writeUInt16LE(channels, 2);
	fmt.writeUInt32LE(sampleRate, 4);
	fmt.writeUInt32LE(sampleRate * layout.blockAlign, 8);
	fmt.writeUInt16LE(layout.blockAlign, 12);
	fmt.writeUInt16LE(bits, 14);
	if (layout.extensible) {
		fmt.writeUInt16LE(22, 16);
		fmt.writeUInt16LE(bits, 18);
		fmt.writeUInt32LE(defaultChannelMask(channels), 20);
		fmt.writeUInt16LE(isFloatFormat(sampleFormat) ? WaveFormatTag.ieeeFloat : WaveFormatTag.pcm, 24);
		fmt.set(guidTail, 26);
	} else if (layout.formatTag !== WaveFormatTag.pcm) {
		fmt.writeUInt16LE(0, 16);
	}
	if (layout.factLengthOffset !== undefined) {
		header.write('fact', layout.factLengthOffset - 8, 'latin1');
		header.writeUInt32LE(4, layout.factLengthOffset - 4);
	}
	header.write('data', layout.dataSizeOffset - 4, 'latin1');
	const dataBytes = frames * layout.blockAlign;
	const sizes = {riffSize: riffBodySize(layout.dataOffset, dataBytes, options.padded ?? false), dataBytes, frames};
	for (const patch of sizePatches({...layout, ds64Offset: ds64ChunkOffset}, sizes, options.rf64 ?? false)) {
		header.set(patch.bytes, patch.offset);
	}
	return header;
};

/** The RIFF chunk's size: everything after its first 8 bytes. */
export const riffBodySize = (dataOffset: number, dataBytes: number, padded: boolean): number =>
	dataOffset - 8 + dataBytes + (padded ? dataBytes % 2 : 0);

/** The sizes a header states. */
export type HeaderSizes = {
	/** The RIFF chunk's size: everything after its first 8 bytes. */
	readonly riffSize: number;
	readonly dataBytes: number;
	/** The `fact` (and `ds64`) sample count: frames, as everyone writes it for PCM. */
	readonly frames: Frames;
};

/** Where a header keeps its sizes. */
export type SizeFields = {
	/** Byte offset of the `ds64` chunk, or of the `JUNK` chunk holding its place; needed for the RF64 form. */
	readonly ds64Offset: number | undefined;
	readonly dataSizeOffset: number;
	readonly factLengthOffset: number | undefined;
};

/** Bytes to write at an offset of the file. */
export type HeaderPatch = {readonly offset: number; readonly bytes: Buffer};

/**
 * The writes that make a header state `sizes`, in RIFF or RF64 form. Everything that differs between the
 * two forms is in them, so a header switches form (either way) by these writes alone.
 */
export const sizePatches = (fields: SizeFields, sizes: HeaderSizes, rf64: boolean): HeaderPatch[] => {
	const {ds64Offset} = fields;
	if (rf64 && ds64Offset === undefined) {
		throw new Error('sizePatches: an RF64 header needs a ds64 chunk');
	}
	const wide = (value: number): number => (rf64 ? uint32Max : value);
	const patches = [
		{offset: 0, bytes: Buffer.concat([Buffer.from(rf64 ? 'RF64' : 'RIFF', 'latin1'), uint32(wide(sizes.riffSize))])},
		{offset: fields.dataSizeOffset, bytes: uint32(wide(sizes.dataBytes))},
	];
	if (ds64Offset !== undefined) {
		patches.push({offset: ds64Offset, bytes: rf64 ? encodeDs64(sizes) : junkChunk()});
	}
	if (fields.factLengthOffset !== undefined) {
		patches.push({offset: fields.factLengthOffset, bytes: uint32(wide(sizes.frames))});
	}
	return patches;
};

const uint32 = (value: number): Buffer => {
	const bytes = Buffer.alloc(4);
	bytes.writeUInt32LE(value);
	return bytes;
};

/** The `JUNK` chunk holding the place of `ds64`, zero-filled as EBU Tech 3306 suggests. */
const junkChunk = (): Buffer => {
	const chunk = Buffer.alloc(8 + ds64BodySize);
	chunk.write('JUNK', 0, 'latin1');
	chunk.writeUInt32LE(ds64BodySize, 4);
	return chunk;
};

/** A whole `ds64` chunk (header included) with an empty table. */
const encodeDs64 = (sizes: HeaderSizes): Buffer => {
	const chunk = Buffer.alloc(8 + ds64BodySize);
	chunk.write('ds64', 0, 'latin1');
	chunk.writeUInt32LE(ds64BodySize, 4);
	chunk.writeBigUInt64LE(BigInt(sizes.riffSize), 8);
	chunk.writeBigUInt64LE(BigInt(sizes.dataBytes), 16);
	chunk.writeBigUInt64LE(BigInt(sizes.frames), 24);
	// Table length 0: no other chunk is over 4 GiB.
	return chunk;
};

/** What a chunk body says, or a reason we cannot use it. */
type Decoded<T> = ({readonly ok: true} & T) | {readonly ok: false; readonly reason: string};

/** The 64-bit sizes of a `ds64` chunk. */
export type DecodedDs64 = Decoded<{readonly riffSize: number; readonly dataSize: number; readonly sampleCount: number}>;

/** Decodes a `ds64` chunk body (without its 8-byte chunk header); its table of other chunk sizes is ignored. */
export const decodeDs64 = (body: Buffer): DecodedDs64 => {
	if (body.length < 24) {
		return {ok: false, reason: `ds64 chunk is ${body.length} bytes, expected at least 24`};
	}
	const sizes = [body.readBigUInt64LE(0), body.readBigUInt64LE(8), body.readBigUInt64LE(16)] as const;
	// Sizes are JS numbers: exact up to 2^53 bytes, which no file system reaches.
	if (sizes.some((size) => size > BigInt(Number.MAX_SAFE_INTEGER))) {
		return {ok: false, reason: 'ds64 chunk declares sizes beyond 2^53 bytes'};
	}
	const [riffSize, dataSize, sampleCount] = sizes;
	return {ok: true, riffSize: Number(riffSize), dataSize: Number(dataSize), sampleCount: Number(sampleCount)};
};

/** The format a `fmt ` chunk body describes. */
export type DecodedFormat = Decoded<{
	readonly format: WavFormat;
	readonly formatTag: number;
	readonly extensible: boolean;
	readonly blockAlign: number;
	readonly bitsPerSample: number;
	readonly channelMask: number | undefined;
}>;

/** Decodes a `fmt ` chunk body (without its 8-byte chunk header). */
export const decodeFormatChunk = (body: Uint8Array): DecodedFormat => {
	if (body.length < 16) {
		return {ok: false, reason: `fmt chunk is ${body.length} bytes, expected at least 16`};
	}
	const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
	const formatTag = view.getUint16(0, true);
	const channels = view.getUint16(2, true);
	const sampleRate = view.getUint32(4, true);
	const blockAlign = view.getUint16(12, true);
	const bitsPerSample = view.getUint16(14, true);
	let subFormat = formatTag;
	let channelMask: number | undefined;
	let validBits = bitsPerSample;
	const extensible = formatTag === WaveFormatTag.extensible;
	if (extensible) {
		if (body.length < 40) {
			return {ok: false, reason: `extensible fmt chunk is ${body.length} bytes, expected 40`};
		}
		validBits = view.getUint16(18, true) || bitsPerSample;
		channelMask = view.getUint32(20, true);
		subFormat = view.getUint16(24, true);
		const tail = body.subarray(26, 40);
		if (!tail.every((byte, i) => byte === guidTail[i])) {
			return {ok: false, reason: 'extensible fmt chunk has an unknown sub-format GUID'};
		}
	}
	if (channels < 1) {
		return {ok: false, reason: 'fmt chunk declares 0 channels'};
	}
	if (sampleRate < 1) {
		return {ok: false, reason: 'fmt chunk declares a sample rate of 0'};
	}
	const sampleFormat = sampleFormatFor(subFormat, bitsPerSample);
	if (sampleFormat === undefined) {
		return {ok: false, reason: `unsupported sample encoding: format tag 0x${subFormat.toString(16).padStart(4, '0')} with ${bitsPerSample} bits per sample`};
	}
	if (validBits !== bitsPerSample) {
		return {ok: false, reason: `unsupported sample encoding: ${validBits} valid bits in ${bitsPerSample}-bit containers`};
	}
	if (blockAlign !== channels * bytesPerSample(sampleFormat)) {
		return {ok: false, reason: `fmt chunk block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample} bits`};
	}
	return {
		ok: true,
		format: {sampleRate, channels, sampleFormat},
		formatTag,
		extensible,
		blockAlign,
		bitsPerSample,
		channelMask,
	};
};

const sampleFormatFor = (tag: number, bits: number): SampleFormat | undefined => {
	if (tag === WaveFormatTag.ieeeFloat && bits === 32) {
		return 'float32';
	}
	if (tag === WaveFormatTag.pcm) {
		switch (bits) {
			case 16: {
				return 'int16';
			}
			case 24: {
				return 'int24';
			}
			case 32: {
				return 'int32';
			}
			default: {
				return undefined;
			}
		}
	}
	return undefined;
};
