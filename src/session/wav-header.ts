import type {Frames, Hertz} from '../engine/units.js';
import {bytesPerSample, isFloatFormat, type SampleFormat} from './sample-format.js';

/**
 * The RIFF/WAVE header codec. The writer's header has a fixed size for a given format, so the data
 * offset is known before the first sample and the sizes can be patched in place while recording.
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
	/**
	 * The most data bytes (whole frames) the 32-bit RIFF size can describe with this header: about 4 GiB,
	 * or 3 h 6 min of 48 kHz stereo float.
	 */
	readonly maxDataBytes: number;
};

export const riffSizeOffset = 4;
const uint32Max = 0xff_ff_ff_ff;

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
	const fmtEnd = 12 + 8 + fmtBodySize(extensible, float);
	const factLengthOffset = hasFact ? fmtEnd + 8 : undefined;
	const dataChunkOffset = hasFact ? fmtEnd + 12 : fmtEnd;
	const dataOffset = dataChunkOffset + 8;
	const blockAlign = format.channels * bytesPerSample(format.sampleFormat);
	// Leave room for a pad byte after odd-sized data.
	const maxDataBytes = Math.floor((uint32Max - (dataOffset - 8) - 1) / blockAlign) * blockAlign;
	return {formatTag, extensible, blockAlign, factLengthOffset, dataSizeOffset: dataChunkOffset + 4, dataOffset, maxDataBytes};
};

/**
 * The header for `frames` frames of `format`. `padded` says whether the odd data size is followed by
 * its pad byte on disk (the RIFF size then counts it).
 */
export const encodeHeader = (format: WavFormat, frames: Frames, padded = false): Buffer => {
	const layout = headerLayout(format);
	const {channels, sampleRate, sampleFormat} = format;
	const bits = bytesPerSample(sampleFormat) * 8;
	const dataBytes = frames * layout.blockAlign;
	const header = Buffer.alloc(layout.dataOffset);
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(riffBodySize(layout, dataBytes, padded), riffSizeOffset);
	header.write('WAVE', 8, 'latin1');
	header.write('fmt ', 12, 'latin1');
	header.writeUInt32LE(fmtBodySize(layout.extensible, isFloatFormat(sampleFormat)), 16);
	header.writeUInt16LE(layout.formatTag, 20);
	header.writeUInt16LE(channels, 22);
	header.writeUInt32LE(sampleRate, 24);
	header.writeUInt32LE(sampleRate * layout.blockAlign, 28);
	header.writeUInt16LE(layout.blockAlign, 32);
	header.writeUInt16LE(bits, 34);
	if (layout.extensible) {
		header.writeUInt16LE(22, 36);
		header.writeUInt16LE(bits, 38);
		header.writeUInt32LE(defaultChannelMask(channels), 40);
		header.writeUInt16LE(isFloatFormat(sampleFormat) ? WaveFormatTag.ieeeFloat : WaveFormatTag.pcm, 44);
		header.set(guidTail, 46);
	} else if (layout.formatTag !== WaveFormatTag.pcm) {
		header.writeUInt16LE(0, 36);
	}
	if (layout.factLengthOffset !== undefined) {
		header.write('fact', layout.factLengthOffset - 8, 'latin1');
		header.writeUInt32LE(4, layout.factLengthOffset - 4);
		header.writeUInt32LE(frames, layout.factLengthOffset);
	}
	header.write('data', layout.dataSizeOffset - 4, 'latin1');
	header.writeUInt32LE(dataBytes, layout.dataSizeOffset);
	return header;
};

/** The RIFF chunk's size field: everything after its first 8 bytes. */
export const riffBodySize = (layout: HeaderLayout, dataBytes: number, padded: boolean): number =>
	layout.dataOffset - 8 + dataBytes + (padded ? dataBytes & 1 : 0);

/** The format a `fmt ` chunk body describes, or a reason it is not one we can read. */
export type DecodedFormat =
	| {
			readonly ok: true;
			readonly format: WavFormat;
			readonly formatTag: number;
			readonly extensible: boolean;
			readonly blockAlign: number;
			readonly bitsPerSample: number;
			readonly channelMask: number | undefined;
	  }
	| {readonly ok: false; readonly reason: string};

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
