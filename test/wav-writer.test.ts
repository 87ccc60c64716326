import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {promisify} from 'node:util';
import {readWav, readWavInfo} from '../src/wav/wav-reader.js';
import {WavWriter} from '../src/wav/wav-writer.js';
import {fillCounter} from './fixtures/wav-writer-child.js';
import {assertRf64Header} from './helpers/rf64-header.js';
import {waitUntil} from './helpers/wait-until.js';

const run = promisify(execFile);

/** `sox --i` with one of its single-value flags (-r, -c, -b, -e, -s). */
const soxInfo = async (file: string, flag: string): Promise<string> => (await run('sox', ['--i', flag, file])).stdout.trim();

/** What sox decodes the file to, as 32-bit floats. */
const soxFloats = async (file: string): Promise<Float32Array> => {
	const {stdout} = await run('sox', [file, '-t', 'f32', '-'], {encoding: 'buffer', maxBuffer: 1 << 26});
	return new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.length));
};

/** The file after a round trip through the reference FLAC encoder and decoder, as a plain WAV file. */
const throughFlac = async (file: string): Promise<string> => {
	const flac = `${file}.flac`;
	const decoded = `${file}.flac.wav`;
	await run('flac', ['--silent', '--force', '-o', flac, file]);
	await run('flac', ['--silent', '--force', '--decode', '-o', decoded, flac]);
	return decoded;
};

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
				assert.deepEqual(await soxFloats(file), wav.data);
			}
		});
	}

	it('reserves a JUNK chunk for ds64 before fmt that sox skips, decoding the same samples', async () => {
		const file = path.join(dir, 'junk.wav');
		const writer = await WavWriter.create(file, {sampleRate: 48_000, channels: 2, sampleFormat: 'int16'});
		const expected = await writeInOddChunks(writer, 20_001);
		await writer.finalize();
		const bytes = await readFile(file);
		assert.equal(writer.dataOffset, 80);
		assert.equal(bytes.toString('latin1', 0, 4), 'RIFF');
		assert.equal(bytes.toString('latin1', 12, 16), 'JUNK');
		assert.equal(bytes.readUInt32LE(16), 28);
		assert.equal(bytes.toString('latin1', 48, 52), 'fmt ');
		const info = await readWavInfo(file);
		assert.deepEqual([info.rf64, info.ds64Offset, info.dataOffset, info.stale], [false, 12, 80, false]);
		assert.equal(await soxInfo(file, '-s'), '20001');
		const wav = await readWav(file);
		assert.deepEqual(await soxFloats(file), wav.data);
		for (let i = 0; i < expected.length; i++) {
			assert.ok(Math.abs(wav.data[i]! - expected[i]!) <= 1 / 0x8000, `sample ${i}`);
		}
	});

	it('switches the header from RIFF to RF64 when the data passes rf64AboveBytes', async () => {
		const file = path.join(dir, 'switch.wav');
		const writer = await WavWriter.create(file, {sampleRate: 48_000, channels: 2, rf64AboveBytes: 8000, headerRefreshMs: 60_000});
		try {
			writer.append(new Float32Array(1000 * 2));
			await writer.flush();
			const riff = await readWavInfo(file);
			assert.deepEqual([riff.rf64, riff.frames, riff.stale], [false, 1000, false]);
			writer.append(new Float32Array(2));
			await writer.flush();
			const rf64 = await readWavInfo(file);
			assert.deepEqual([rf64.rf64, rf64.frames, rf64.declaredDataSize, rf64.factSampleLength, rf64.stale], [true, 1001, 8008, 1001, false]);
			assert.equal(rf64.declaredRiffSize, rf64.fileSize - 8);
		} finally {
			await writer.dispose();
		}
	});

	for (const [sampleFormat, channels, frames, lsb] of [
		['float32', 2, 30_001, 0],
		['int16', 2, 30_001, 1 / 0x8000],
		// Odd data: the RIFF size in ds64 counts the pad byte.
		['int24', 1, 30_001, 1 / 0x80_00_00],
		['int24', 3, 20_000, 1 / 0x80_00_00],
	] as const) {
		it(`writes RF64 that sox and flac read sample for sample: ${channels} channels of ${sampleFormat}`, async () => {
			const file = path.join(dir, `rf64-${sampleFormat}-${channels}.wav`);
			const writer = await WavWriter.create(file, {sampleRate: 44_100, channels, sampleFormat, rf64AboveBytes: 1000});
			const expected = await writeInOddChunks(writer, frames);
			assert.deepEqual(await writer.finalize(), {frames});
			const info = await readWavInfo(file);
			const dataBytes = frames * info.blockAlign;
			assert.equal(info.rf64, true);
			assert.equal(info.stale, false);
			assert.equal(info.fileSize, info.dataOffset + dataBytes + (dataBytes % 2));

			assert.equal(info.declaredRiffSize, info.fileSize - 8);
			assertRf64Header((await readFile(file)).subarray(0, info.dataOffset), info, frames);
			if (info.factLengthOffset !== undefined) {
				assert.equal(info.factSampleLength, frames);
			}

			const wav = await readWav(file);
			assert.equal(wav.frames, frames);
			assert.equal(await soxInfo(file, '-s'), String(frames));
			assert.equal(await soxInfo(file, '-c'), String(channels));
			assert.deepEqual(await soxFloats(file), wav.data);
			for (let i = 0; i < expected.length; i++) {
				assert.ok(Math.abs(wav.data[i]! - expected[i]!) <= lsb, `sample ${i}: ${wav.data[i]} vs ${expected[i]}`);
			}
			if (sampleFormat !== 'float32') {
				// flac reads integer PCM only; it takes RF64 input and gives back the same samples.
				const decoded = await readWav(await throughFlac(file));
				assert.equal(decoded.frames, frames);
				assert.deepEqual(decoded.data, wav.data);
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

	for (const [form, rf64AboveBytes] of [
		['RIFF', undefined],
		['RIFF, then RF64 once the data passes rf64AboveBytes,', 4800 * 8],
	] as const) {
		// How soon (every 500 ms by default) is a figure of bench/wav-writer.bench.ts, not a timed assertion.
		it(`brings the header up to date while the file is still open (${form})`, async () => {
			const file = path.join(dir, `live-${rf64AboveBytes ?? 'riff'}.wav`);
			const writer = await WavWriter.create(file, {sampleRate: 48_000, channels: 2, rf64AboveBytes});
			try {
				const block = new Float32Array(4800 * 2);
				for (let round = 1; round <= 2; round++) {
					writer.append(block);
					let info = await readWavInfo(file);
					await waitUntil('the header to count every frame appended', async () => {
						info = await readWavInfo(file);
						return info.frames >= writer.framesAppended;
					});
					assert.equal(info.frames, 4800 * round);
					assert.equal(info.stale, false);
					assert.equal(info.declaredRiffSize, info.fileSize - 8);
					// 4800 frames are exactly rf64AboveBytes, not above it.
					assert.equal(info.rf64, rf64AboveBytes !== undefined && round === 2);
				}
			} finally {
				await writer.dispose();
			}
		});
	}

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
		await assert.rejects(
			WavWriter.create(file, {sampleRate: 48_000, channels: 2, rf64AboveBytes: 2 ** 32}),
			new RangeError('WavWriter.create: rf64AboveBytes must be a whole number of bytes from 0 to 4294967207, got 4294967296'),
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
