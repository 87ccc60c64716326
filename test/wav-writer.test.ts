import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtemp, rm, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {promisify} from 'node:util';
import {readWav, readWavInfo} from '../src/session/wav-reader.js';
import {WavWriter} from '../src/session/wav-writer.js';
import {fillCounter} from './fixtures/wav-writer-child.js';

const run = promisify(execFile);

/** `sox --i` with one of its single-value flags (-r, -c, -b, -e, -s). */
const soxInfo = async (file: string, flag: string): Promise<string> => (await run('sox', ['--i', flag, file])).stdout.trim();

let dir: string;
before(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'omega13-wav-writer-'));
});
after(async () => {
	await rm(dir, {recursive: true, force: true});
});

/** A signal made of the counter, with some blocks written through a larger buffer and an explicit frame count. */
const writeInOddChunks = async (writer: WavWriter, totalFrames: number): Promise<Float32Array> => {
	const {channels} = writer;
	const expected = new Float32Array(totalFrames * channels);
	fillCounter(expected, 0, channels);
	const sizes = [1, 7, 333, 4097, 65_537, 2, 11_025, 99_999];
	let frame = 0;
	let turn = 0;
	while (frame < totalFrames) {
		const frames = Math.min(sizes[turn % sizes.length]!, totalFrames - frame);
		const block = expected.subarray(frame * channels, (frame + frames) * channels);
		if (turn % 2 === 0) {
			writer.append(block);
		} else {
			// A reused, oversized buffer, as the drain loop has: only the first `frames` frames count.
			const scratch = new Float32Array((frames + 5) * channels).fill(9);
			scratch.set(block);
			writer.append(scratch, frames);
		}
		frame += frames;
		turn++;
	}
	return expected;
};

describe('WavWriter', () => {
	it('round-trips float32 bit-exactly through appends of odd sizes', async () => {
		const file = path.join(dir, 'float.wav');
		const writer = await WavWriter.create(file, {sampleRate: 48_000, channels: 2});
		const expected = await writeInOddChunks(writer, 300_001);
		assert.deepEqual(await writer.finalize(), {frames: 300_001});
		const wav = await readWav(file);
		assert.equal(wav.sampleRate, 48_000);
		assert.equal(wav.channels, 2);
		assert.equal(wav.sampleFormat, 'float32');
		assert.equal(wav.frames, 300_001);
		assert.deepEqual(new Uint32Array(wav.data.buffer, wav.data.byteOffset, wav.data.length), new Uint32Array(expected.buffer));
		const info = await readWavInfo(file);
		assert.equal(info.stale, false);
		assert.equal(info.formatTag, 3);
		assert.equal(info.dataOffset, writer.dataOffset);
		assert.equal(info.factSampleLength, 300_001);
		assert.equal(await soxInfo(file, '-e'), 'Floating Point PCM');
		assert.equal(await soxInfo(file, '-s'), '300001');
	});

	for (const [sampleFormat, bits, lsb] of [
		['int16', '16', 1 / 0x8000],
		['int24', '24', 1 / 0x80_00_00],
	] as const) {
		it(`round-trips ${sampleFormat} within one LSB and clamps out-of-range samples`, async () => {
			const file = path.join(dir, `${sampleFormat}.wav`);
			const writer = await WavWriter.create(file, {sampleRate: 44_100, channels: 2, sampleFormat});
			const expected = await writeInOddChunks(writer, 100_000);
			const extremes = Float32Array.of(1, -1, 1.5, -1.5, Number.NaN, 0);
			writer.append(extremes);
			await writer.finalize();
			const wav = await readWav(file);
			assert.equal(wav.frames, 100_003);
			assert.equal(wav.sampleFormat, sampleFormat);
			for (let i = 0; i < expected.length; i++) {
				const error = Math.abs(wav.data[i]! - expected[i]!);
				assert.ok(error <= lsb, `sample ${i}: ${wav.data[i]} vs ${expected[i]}`);
			}
			const tail = [...wav.data.subarray(expected.length)];
			assert.deepEqual(tail, [1 - lsb, -1, 1 - lsb, -1, 0, 0]);
			assert.equal(await soxInfo(file, '-b'), bits);
			assert.equal(await soxInfo(file, '-e'), 'Signed Integer PCM');
		});
	}

	for (const [sampleFormat, channels, bits, encoding, channelMask] of [
		['float32', 6, '32', 'Floating Point PCM', 0x3f],
		['int24', 3, '24', 'Signed Integer PCM', 0x7],
		['int16', 4, '16', 'Signed Integer PCM', 0x33],
	] as const) {
		it(`writes an extensible header that sox reads for ${channels} channels of ${sampleFormat}`, async () => {
			const file = path.join(dir, `ext-${sampleFormat}-${channels}.wav`);
			const writer = await WavWriter.create(file, {sampleRate: 48_000, channels, sampleFormat});
			const expected = await writeInOddChunks(writer, 20_001);
			await writer.finalize();
			assert.equal(await soxInfo(file, '-r'), '48000');
			assert.equal(await soxInfo(file, '-c'), String(channels));
			assert.equal(await soxInfo(file, '-b'), bits);
			assert.equal(await soxInfo(file, '-e'), encoding);
			assert.equal(await soxInfo(file, '-s'), '20001');
			const info = await readWavInfo(file);
			assert.equal(info.extensible, true);
			assert.equal(info.formatTag, 0xfffe);
			assert.equal(info.channelMask, channelMask);
			assert.equal(info.stale, false);
			const wav = await readWav(file);
			assert.equal(wav.channels, channels);
			assert.equal(wav.frames, 20_001);
			if (sampleFormat === 'float32') {
				assert.deepEqual(wav.data, expected);
			} else {
				// sox decodes the same samples we do.
				const {stdout} = await run('sox', [file, '-t', 'f32', '-'], {encoding: 'buffer', maxBuffer: 1 << 26});
				assert.deepEqual(new Float32Array(stdout.buffer, stdout.byteOffset, stdout.length / 4), wav.data);
			}
		});
	}

	it('pads an odd-sized data chunk to an even file size', async () => {
		const file = path.join(dir, 'odd.wav');
		const writer = await WavWriter.create(file, {sampleRate: 8000, channels: 1, sampleFormat: 'int24'});
		writer.append(new Float32Array(3).fill(0.25));
		await writer.finalize();
		const info = await readWavInfo(file);
		assert.equal(info.fileSize % 2, 0);
		assert.equal(info.declaredDataSize, 9);
		assert.equal(info.declaredRiffSize, info.fileSize - 8);
		assert.equal(info.stale, false);
		assert.equal((await readWav(file)).frames, 3);
		assert.equal(await soxInfo(file, '-s'), '3');
	});

	it('brings the header up to date within a second while the file is still open', async () => {
		const file = path.join(dir, 'live.wav');
		const writer = await WavWriter.create(file, {sampleRate: 48_000, channels: 2});
		try {
			const block = new Float32Array(4800 * 2);
			for (let round = 1; round <= 2; round++) {
				writer.append(block);
				const appended = performance.now();
				let info = await readWavInfo(file);
				while (info.frames < writer.framesAppended) {
					assert.ok(performance.now() - appended < 1000, `header still says ${info.frames} frames after 1 s`);
					await new Promise((resolve) => setTimeout(resolve, 20));
					info = await readWavInfo(file);
				}
				assert.equal(info.frames, 4800 * round);
				assert.equal(info.stale, false);
				assert.equal(info.declaredRiffSize, info.fileSize - 8);
			}
		} finally {
			await writer.dispose();
		}
	});

	it('flush resolves once everything queued is on disk and in the header', async () => {
		const file = path.join(dir, 'flush.wav');
		const writer = await WavWriter.create(file, {sampleRate: 48_000, channels: 2, headerRefreshMs: 60_000});
		try {
			const block = new Float32Array(13 * 48_000 * 2);
			fillCounter(block, 0, 2);
			writer.append(block);
			assert.equal(writer.framesAppended, 13 * 48_000);
			await writer.flush();
			assert.equal(writer.framesWritten, 13 * 48_000);
			const info = await readWavInfo(file);
			assert.equal(info.frames, 13 * 48_000);
			assert.equal(info.stale, false);
			// Nothing new: resolves without a write.
			await writer.flush();
		} finally {
			await writer.dispose();
		}
	});

	it('finalizes once however often it is called, and refuses appends afterwards', async () => {
		const file = path.join(dir, 'idempotent.wav');
		const writer = await WavWriter.create(file, {sampleRate: 16_000, channels: 1});
		writer.append(new Float32Array(160));
		const first = writer.finalize();
		assert.equal(writer.finalize(), first);
		assert.deepEqual(await first, {frames: 160});
		await writer.dispose();
		await writer.flush();
		assert.throws(() => {
			writer.append(new Float32Array(16));
		}, new Error(`WavWriter.append: ${file} is already finalized`));
	});

	it('creates files exclusively with mode 0600', async () => {
		const file = path.join(dir, 'exclusive.wav');
		const writer = await WavWriter.create(file, {sampleRate: 48_000, channels: 2});
		await writer.finalize();
		assert.equal((await stat(file)).mode & 0o777, 0o600);
		await assert.rejects(WavWriter.create(file, {sampleRate: 48_000, channels: 2}), {code: 'EEXIST'});
	});

	it('validates its arguments with exact messages', async () => {
		const file = path.join(dir, 'invalid.wav');
		await assert.rejects(
			WavWriter.create(file, {sampleRate: 0, channels: 2}),
			new RangeError('WavWriter.create: sampleRate must be a whole number of hertz from 1 to 536870911, got 0'),
		);
		await assert.rejects(
			WavWriter.create(file, {sampleRate: 48_000, channels: 0}),
			new RangeError('WavWriter.create: channels must be a whole number from 1 to 16383, got 0'),
		);
		await assert.rejects(
			WavWriter.create(file, {sampleRate: 48_000, channels: 2, sampleFormat: 'mp3' as never}),
			new RangeError('WavWriter.create: sampleFormat must be float32, int32, int24 or int16, got mp3'),
		);
		await assert.rejects(
			WavWriter.create(file, {sampleRate: 48_000, channels: 2, headerRefreshMs: 0}),
			new RangeError('WavWriter.create: headerRefreshMs must be a positive number of milliseconds, got 0'),
		);
		const writer = await WavWriter.create(file, {sampleRate: 48_000, channels: 2});
		try {
			assert.throws(() => {
				writer.append(new Float32Array(3));
			}, new RangeError('WavWriter.append: interleaved length 3 is not a whole number of 2-channel frames'));
			assert.throws(() => {
				writer.append(new Float32Array(4), 3);
			}, new RangeError('WavWriter.append: frames must be a whole number from 0 to 2, got 3'));
			assert.throws(() => {
				writer.append([0, 0] as never);
			}, new TypeError('WavWriter.append: interleaved must be a Float32Array'));
		} finally {
			await writer.dispose();
		}
	});
});
