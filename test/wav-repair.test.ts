import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {appendFile, mkdtemp, open, readFile, rm, stat, truncate, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {promisify} from 'node:util';
import type {SampleFormat} from '../src/wav/sample-format.js';
import {readWav, readWavInfo} from '../src/wav/wav-reader.js';
import {repairWav} from '../src/wav/wav-repair.js';
import {WavWriter} from '../src/wav/wav-writer.js';
import {fillCounter} from './fixtures/wav-writer-child.js';
import {assertRf64Header} from './helpers/rf64-header.js';

const run = promisify(execFile);

let dir: string;
before(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'omega13-wav-repair-'));
});
after(async () => {
	await rm(dir, {recursive: true, force: true});
});

/** A finished file of the counter signal. */
const writeCounter = async (
	name: string,
	frames: number,
	options: {channels?: number; sampleFormat?: SampleFormat; rf64AboveBytes?: number} = {},
): Promise<{file: string; signal: Float32Array}> => {
	const file = path.join(dir, name);
	const channels = options.channels ?? 2;
	const writer = await WavWriter.create(file, {
		sampleRate: 48_000,
		channels,
		sampleFormat: options.sampleFormat ?? 'float32',
		rf64AboveBytes: options.rf64AboveBytes,
	});
	const signal = new Float32Array(frames * channels);
	fillCounter(signal, 0, channels);
	writer.append(signal);
	await writer.finalize();
	return {file, signal};
};

const soxFrames = async (file: string): Promise<number> => Number((await run('sox', ['--i', '-s', file])).stdout.trim());

/**
 * 5 GiB: past what 32-bit sizes describe. `truncate` makes the file that long in an instant without using
 * the disk (a sparse file): the tests read only its header and a few frames.
 */
const bigFileSize = 5 * 2 ** 30;

/** The first `length` bytes of a file too big to read whole. */
const headOf = async (file: string, length: number): Promise<Buffer> => {
	const handle = await open(file, 'r');
	try {
		const {buffer, bytesRead} = await handle.read(Buffer.alloc(length), 0, length, 0);
		return buffer.subarray(0, bytesRead);
	} finally {
		await handle.close();
	}
};

/** A repaired 5 GiB file: an RF64 header with the 64-bit sizes of `frames`, its first frames `audio`, zeros at the end. */
const assertBigRf64 = async (file: string, frames: number, audio: Float32Array): Promise<void> => {
	const info = await readWavInfo(file);
	const dataBytes = frames * info.blockAlign;
	assert.ok(dataBytes > 2 ** 32);
	assert.deepEqual(
		{rf64: info.rf64, stale: info.stale, frames: info.frames, dataSize: info.declaredDataSize, riffSize: info.declaredRiffSize},
		{rf64: true, stale: false, frames, dataSize: dataBytes, riffSize: info.fileSize - 8},
	);
	assert.equal(info.fileSize, info.dataOffset + dataBytes);
	if (info.factLengthOffset !== undefined) {
		assert.equal(info.factSampleLength, frames);
	}
	assertRf64Header(await headOf(file, info.dataOffset), info, frames);
	assert.deepEqual((await readWav(file, {frameCount: audio.length / info.channels})).data, audio);
	const tail = await readWav(file, {startFrame: frames - 3});
	assert.deepEqual([...tail.data], Array.from({length: 3 * info.channels}, () => 0));
	// No sox here: it reads a file past 4 GiB through to the end (40 s), even for `--i`. The small RF64
	// files of the writer's tests are checked against sox and flac.
	assert.equal((await repairWav(file)).repaired, false);
};

describe('repairWav', () => {
	it('leaves a file with current sizes untouched', async () => {
		const {file} = await writeCounter('good.wav', 1000);
		const before = await readFile(file);
		assert.deepEqual(await repairWav(file), {repaired: false, frames: 1000, declaredFrames: 1000, truncatedBytes: 0});
		assert.deepEqual(await readFile(file), before);
	});

	it('extends stale sizes over the whole frames on disk and cuts a trailing partial frame', async () => {
		const {file} = await writeCounter('stale.wav', 1000);
		// What a writer killed between header refreshes leaves: 500 more frames and half a sample.
		const more = new Float32Array(1500 * 2);
		fillCounter(more, 0, 2);
		await appendFile(file, Buffer.concat([Buffer.from(more.buffer, 1000 * 8), Buffer.alloc(5, 0x7f)]));
		const stale = await readWavInfo(file);
		assert.equal(stale.stale, true);
		assert.equal(stale.frames, 1000);
		assert.equal(stale.framesOnDisk, 1500);

		assert.deepEqual(await repairWav(file), {repaired: true, frames: 1500, declaredFrames: 1000, truncatedBytes: 5});
		const info = await readWavInfo(file);
		assert.equal(info.stale, false);
		assert.equal(info.fileSize, info.dataOffset + 1500 * 8);
		assert.equal(info.factSampleLength, 1500);
		assert.deepEqual((await readWav(file)).data, more);
		assert.equal(await soxFrames(file), 1500);
	});

	it('shrinks sizes that promise more than the file holds', async () => {
		const {file, signal} = await writeCounter('short.wav', 1000, {sampleFormat: 'int16'});
		const info = await readWavInfo(file);
		await truncate(file, info.dataOffset + 600 * 4 + 3);
		assert.equal((await readWavInfo(file)).stale, true);
		assert.deepEqual(await repairWav(file), {repaired: true, frames: 600, declaredFrames: 1000, truncatedBytes: 3});
		const wav = await readWav(file);
		assert.equal(wav.frames, 600);
		for (let i = 0; i < wav.data.length; i++) {
			assert.ok(Math.abs(wav.data[i]! - signal[i]!) <= 1 / 0x8000);
		}
		assert.equal(await soxFrames(file), 600);
	});

	it('pads odd-sized data after the repair', async () => {
		const {file} = await writeCounter('odd.wav', 5, {channels: 1, sampleFormat: 'int24'});
		assert.equal((await stat(file)).size % 2, 0);
		await appendFile(file, Buffer.from([1, 2, 3, 4, 5, 6, 7]));
		// 5 frames of 3 bytes, the old pad byte and 7 more bytes: 23 bytes, so 7 whole frames and 2 bytes over.
		const result = await repairWav(file);
		assert.equal(result.frames, 7);
		const info = await readWavInfo(file);
		assert.equal(info.declaredDataSize, 21);
		assert.equal((await stat(file)).size % 2, 0);
		assert.equal(info.stale, false);
		assert.equal(await soxFrames(file), 7);
	});

	it('fixes only the RIFF size when chunks follow the data', async () => {
		const {file} = await writeCounter('list.wav', 10);
		const list = Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from(Uint32Array.of(4).buffer), Buffer.from('INFO', 'latin1')]);
		await appendFile(file, list);
		const info = await readWavInfo(file);
		assert.equal(info.dataIsLast, false);
		assert.equal(info.stale, true);
		assert.deepEqual(await repairWav(file), {repaired: true, frames: 10, declaredFrames: 10, truncatedBytes: 0});
		const after = await readWavInfo(file);
		assert.equal(after.stale, false);
		assert.equal(after.declaredDataSize, 80);
		assert.equal(after.fileSize, info.fileSize);
	});

	it('makes the header RF64 when the audio on disk has passed 4 GiB under a stale RIFF header', async () => {
		// A writer killed after crossing 4 GiB but before its next header refresh.
		const {file, signal} = await writeCounter('big-riff.wav', 1000);
		await truncate(file, bigFileSize);
		const stale = await readWavInfo(file);
		const dataBytesOnDisk = bigFileSize - stale.dataOffset;
		const framesOnDisk = Math.floor(dataBytesOnDisk / 8);
		assert.deepEqual([stale.rf64, stale.stale, stale.frames, stale.framesOnDisk], [false, true, 1000, framesOnDisk]);
		assert.deepEqual(await repairWav(file), {
			repaired: true,
			frames: framesOnDisk,
			declaredFrames: 1000,
			truncatedBytes: dataBytesOnDisk % 8,
		});
		await assertBigRf64(file, framesOnDisk, signal);
	});

	it('brings stale ds64 sizes up to date, past 4 GiB and back below it, and keeps the file RF64', async () => {
		const {file} = await writeCounter('big-rf64.wav', 1000, {sampleFormat: 'int16', rf64AboveBytes: 0});
		const audio = (await readWav(file)).data;
		const {dataOffset, rf64} = await readWavInfo(file);
		assert.equal(rf64, true);
		await truncate(file, bigFileSize);
		const stale = await readWavInfo(file);
		const framesOnDisk = Math.floor((bigFileSize - dataOffset) / 4);
		assert.deepEqual([stale.rf64, stale.stale, stale.frames, stale.framesOnDisk], [true, true, 1000, framesOnDisk]);
		assert.equal((await repairWav(file)).frames, framesOnDisk);
		await assertBigRf64(file, framesOnDisk, audio);

		// Cut back to 500 frames and a byte: the 64-bit sizes now promise more than the file holds.
		await truncate(file, dataOffset + 500 * 4 + 1);
		assert.deepEqual(await repairWav(file), {repaired: true, frames: 500, declaredFrames: framesOnDisk, truncatedBytes: 1});
		const info = await readWavInfo(file);
		assert.deepEqual([info.rf64, info.stale, info.declaredDataSize, info.declaredRiffSize], [true, false, 2000, info.fileSize - 8]);
		assert.deepEqual((await readWav(file)).data, audio.subarray(0, 1000));
		assert.equal(await soxFrames(file), 500);
	});

	it('refuses to grow past 4 GiB a header with no place for ds64, leaving the file as it was', async () => {
		// sox writes no JUNK chunk after WAVE.
		const file = path.join(dir, 'sox-big.wav');
		await run('sox', ['-n', '-r', '8000', '-b', '16', file, 'synth', '0.01', 'sine', '440']);
		await truncate(file, bigFileSize);
		const {dataOffset, ds64Offset} = await readWavInfo(file);
		assert.equal(ds64Offset, undefined);
		const head = await headOf(file, dataOffset);
		const dataBytes = bigFileSize - dataOffset;
		await assert.rejects(repairWav(file), {
			code: 'WAV_UNSUPPORTED',
			message: `${file}: ${dataBytes} bytes of audio need an RF64 header, and the file has no place for its ds64 chunk`,
		});
		assert.deepEqual(await headOf(file, dataOffset), head);
		assert.equal((await stat(file)).size, bigFileSize);
	});

	it('rejects a file that is not WAV without touching it', async () => {
		const file = path.join(dir, 'text.wav');
		await writeFile(file, 'not audio');
		await assert.rejects(repairWav(file), {code: 'WAV_NOT_WAV'});
		assert.equal(await readFile(file, 'utf8'), 'not audio');
	});
});
