import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {
	decodeDs64,
	encodeHeader,
	headerLayout,
	maxRiffDataBytes,
	needsRf64,
	riffBodySize,
	type WavFormat,
} from '../src/wav/wav-header.js';
import {assertRf64Header} from './helpers/rf64-header.js';

const stereoFloat: WavFormat = {sampleRate: 48_000, channels: 2, sampleFormat: 'float32'};

describe('the WAV header codec', () => {
	for (const [label, format, dataOffset] of [
		['stereo float (fmt with cbSize, fact)', stereoFloat, 94],
		['stereo int16 (plain PCM, no fact)', {sampleRate: 48_000, channels: 2, sampleFormat: 'int16'}, 80],
		['6 channels of int24 (extensible, fact)', {sampleRate: 48_000, channels: 6, sampleFormat: 'int24'}, 116],
	] as const) {
		it(`reserves a 28-byte JUNK chunk right after WAVE for ${label}`, () => {
			const header = encodeHeader(format, 1000);
			assert.equal(headerLayout(format).dataOffset, dataOffset);
			assert.equal(header.length, dataOffset);
			assert.equal(header.toString('latin1', 0, 4), 'RIFF');
			assert.equal(header.toString('latin1', 12, 16), 'JUNK');
			assert.equal(header.readUInt32LE(16), 28);
			assert.ok(header.subarray(20, 48).every((byte) => byte === 0));
			assert.equal(header.toString('latin1', 48, 52), 'fmt ');
			assert.equal(header.readUInt32LE(4), riffBodySize(dataOffset, 1000 * headerLayout(format).blockAlign, false));
		});
	}

	it('writes the RF64 form with 64-bit sizes in ds64 and 0xFFFFFFFF in every 32-bit size', () => {
		const frames = 700_000_001; // 5.6 GB of stereo float.
		const header = encodeHeader(stereoFloat, frames, {rf64: true});
		const layout = headerLayout(stereoFloat);
		const {dataOffset, factLengthOffset} = layout;
		assertRf64Header(header, layout, frames);
		assert.deepEqual(decodeDs64(header.subarray(20, 48)), {
			ok: true,
			riffSize: dataOffset - 8 + frames * 8,
			dataSize: frames * 8,
			sampleCount: frames,
		});
		// Only the sizes differ between the two forms.
		const riff = encodeHeader(stereoFloat, 5);
		const rf64 = encodeHeader(stereoFloat, 5, {rf64: true});
		assert.deepEqual(riff.subarray(48, factLengthOffset), rf64.subarray(48, factLengthOffset));
	});

	it('keeps the RIFF form up to the last size below 0xFFFFFFFF, pad byte included', () => {
		const {dataOffset} = headerLayout(stereoFloat);
		const limit = maxRiffDataBytes(dataOffset);
		assert.equal(riffBodySize(dataOffset, limit, true), 0xff_ff_ff_fe);
		assert.equal(needsRf64(dataOffset, {riffSize: riffBodySize(dataOffset, limit, true), dataBytes: limit, frames: 0}), false);
		assert.equal(needsRf64(dataOffset, {riffSize: riffBodySize(dataOffset, limit + 1, false), dataBytes: limit + 1, frames: 0}), true);
		// Chunks after the data can take the RIFF size past 32 bits on their own.
		assert.equal(needsRf64(dataOffset, {riffSize: 0xff_ff_ff_ff, dataBytes: 1000, frames: 0}), true);
		// 3 h 6 min of 48 kHz stereo float fit; the limit is about 4 GiB.
		assert.ok(limit > 3 * 3600 * 48_000 * 8 && limit < 2 ** 32);
	});

	it('refuses ds64 sizes it cannot hold exactly, and short ds64 bodies', () => {
		const body = Buffer.alloc(28);
		body.writeBigUInt64LE(2n ** 53n, 8);
		assert.deepEqual(decodeDs64(body), {ok: false, reason: 'ds64 chunk declares sizes beyond 2^53 bytes'});
		assert.deepEqual(decodeDs64(body.subarray(0, 20)), {ok: false, reason: 'ds64 chunk is 20 bytes, expected at least 24'});
	});
});
