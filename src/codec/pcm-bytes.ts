import type {Frames} from '../util/units.js';
import {encodeSamples} from '../wav/sample-format.js';

/** Bits per sample of the signed little-endian PCM the encoders take. */
export type PcmBits = 16 | 24;

/** `frames` interleaved float frames of `block` as signed little-endian PCM of `bits` (rounded, clipped). */
export const floatToPcm = (block: Float32Array, frames: Frames, channels: number, bits: PcmBits): Buffer => {
	const samples = frames * channels;
	const out = Buffer.allocUnsafe(samples * (bits / 8));
	encodeSamples(bits === 16 ? 'int16' : 'int24', block, 0, samples, out, 0);
	return out;
};

/** `frames` interleaved float frames of `block` as little-endian float32 bytes (a copy). */
export const floatBytes = (block: Float32Array, frames: Frames, channels: number): Buffer => {
	const out = Buffer.allocUnsafe(frames * channels * 4);
	encodeSamples('float32', block, 0, frames * channels, out, 0);
	return out;
};
