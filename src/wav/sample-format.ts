/**
 * How samples are stored in a WAV file, and the conversions between those encodings and the engine's
 * 32-bit floats. Everything is little-endian, as RIFF requires.
 */

export const SampleFormat = {
	/** IEEE 754 single precision: bit-exact with the engine's buffers. The default. */
	float32: 'float32',
	/** Signed 32-bit PCM. Read for completeness; rarely worth writing. */
	int32: 'int32',
	/** Signed 24-bit PCM, packed in 3 bytes. */
	int24: 'int24',
	/** Signed 16-bit PCM. */
	int16: 'int16',
} as const;
export type SampleFormat = (typeof SampleFormat)[keyof typeof SampleFormat];

export const sampleFormats: readonly SampleFormat[] = Object.values(SampleFormat);

/** The sample formats a capture may be recorded in (int32 is readable but not offered). */
export const recordSampleFormats = ['float32', 'int24', 'int16'] as const satisfies readonly SampleFormat[];
export type RecordSampleFormat = (typeof recordSampleFormats)[number];

export const isSampleFormat = (value: unknown): value is SampleFormat =>
	typeof value === 'string' && (sampleFormats as readonly string[]).includes(value);

/** Bytes one sample of one channel occupies. */
export const bytesPerSample = (format: SampleFormat): number => {
	switch (format) {
		case 'float32':
		case 'int32': {
			return 4;
		}
		case 'int24': {
			return 3;
		}
		case 'int16': {
			return 2;
		}
	}
};

export const isFloatFormat = (format: SampleFormat): boolean => format === 'float32';

/** The PCM integer range: a float of -1.0 maps to -scale, and +1.0 clamps to scale - 1. */
const intScale = (format: SampleFormat): number => {
	switch (format) {
		case 'int16': {
			return 0x8000;
		}
		case 'int24': {
			return 0x80_00_00;
		}
		case 'int32': {
			return 0x80_00_00_00;
		}
		case 'float32': {
			return 1;
		}
	}
};

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Scales, rounds half away from zero and clamps to the format's range. Truncating after adding +-0.5
 * instead of `Math.round` halves the cost of converting a 13 s pre-roll; NaN fails every comparison
 * and `| 0` makes it silence.
 */
const quantize = (sample: number, scale: number): number => {
	let scaled = sample * scale;
	scaled = scaled >= 0 ? scaled + 0.5 : scaled - 0.5;
	return (scaled >= scale - 1 ? scale - 1 : scaled <= -scale ? -scale : scaled) | 0;
};

/**
 * Encodes `count` samples of `source` starting at `sourceOffset` (counted in samples, not frames) into
 * `target` at byte `targetOffset`. Returns the number of bytes written.
 */
export const encodeSamples = (
	format: SampleFormat,
	source: Float32Array,
	sourceOffset: number,
	count: number,
	target: Uint8Array,
	targetOffset: number,
): number => {
	const width = bytesPerSample(format);
	const byteLength = count * width;
	if (format === 'float32') {
		if (littleEndianHost) {
			// Byte copy: floats go to the file untouched, so the round trip is bit-exact (NaN payloads too).
			target.set(
				new Uint8Array(source.buffer, source.byteOffset + sourceOffset * 4, byteLength),
				targetOffset,
			);
		} else {
			const view = new DataView(target.buffer, target.byteOffset + targetOffset, byteLength);
			for (let i = 0; i < count; i++) {
				view.setFloat32(i * 4, source[sourceOffset + i]!, true);
			}
		}
		return byteLength;
	}
	const scale = intScale(format);
	let at = targetOffset;
	switch (format) {
		case 'int16': {
			if (littleEndianHost && (target.byteOffset + targetOffset) % 2 === 0) {
				const out = new Int16Array(target.buffer, target.byteOffset + targetOffset, count);
				for (let i = 0; i < count; i++) {
					out[i] = quantize(source[sourceOffset + i]!, scale);
				}
				break;
			}
			for (let i = 0; i < count; i++) {
				const value = quantize(source[sourceOffset + i]!, scale);
				target[at] = value & 0xff;
				target[at + 1] = (value >> 8) & 0xff;
				at += 2;
			}
			break;
		}
		case 'int24': {
			for (let i = 0; i < count; i++) {
				const value = quantize(source[sourceOffset + i]!, scale);
				target[at] = value & 0xff;
				target[at + 1] = (value >> 8) & 0xff;
				target[at + 2] = (value >> 16) & 0xff;
				at += 3;
			}
			break;
		}
		case 'int32': {
			for (let i = 0; i < count; i++) {
				const value = quantize(source[sourceOffset + i]!, scale);
				target[at] = value & 0xff;
				target[at + 1] = (value >> 8) & 0xff;
				target[at + 2] = (value >> 16) & 0xff;
				target[at + 3] = (value >> 24) & 0xff;
				at += 4;
			}
			break;
		}
	}
	return byteLength;
};

/**
 * Decodes `count` samples from `source` starting at byte `sourceOffset` into `target` (from sample
 * `targetOffset`), as floats in [-1, 1).
 */
export const decodeSamples = (
	format: SampleFormat,
	source: Uint8Array,
	sourceOffset: number,
	count: number,
	target: Float32Array,
	targetOffset: number,
): void => {
	const view = new DataView(source.buffer, source.byteOffset + sourceOffset, count * bytesPerSample(format));
	switch (format) {
		case 'float32': {
			if (littleEndianHost) {
				new Uint8Array(target.buffer, target.byteOffset + targetOffset * 4, count * 4).set(
					source.subarray(sourceOffset, sourceOffset + count * 4),
				);
			} else {
				for (let i = 0; i < count; i++) {
					target[targetOffset + i] = view.getFloat32(i * 4, true);
				}
			}
			break;
		}
		case 'int16': {
			for (let i = 0; i < count; i++) {
				target[targetOffset + i] = view.getInt16(i * 2, true) / 0x8000;
			}
			break;
		}
		case 'int24': {
			for (let i = 0; i < count; i++) {
				const at = i * 3;
				// Shift the 24-bit value to the top of an int32 and back down to sign-extend it.
				const value = ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getUint8(at + 2) << 16)) << 8) >> 8;
				target[targetOffset + i] = value / 0x80_00_00;
			}
			break;
		}
		case 'int32': {
			for (let i = 0; i < count; i++) {
				target[targetOffset + i] = view.getInt32(i * 4, true) / 0x80_00_00_00;
			}
			break;
		}
	}
};
