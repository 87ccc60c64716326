import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {promisify} from 'node:util';
import type {SampleFormat} from '../src/session/sample-format.js';
import {readWav, readWavInfo} from '../src/session/wav-reader.js';
import {repairWav} from '../src/session/wav-repair.js';
import {WavWriter} from '../src/session/wav-writer.js';
import {fillCounter} from './fixtures/wav-writer-child.js';

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
	options: {channels?: number; sampleFormat?: SampleFormat} = {},
): Promise<{file: string; signal: Float32Array}> => {
	const file = path.join(dir, name);
	const channels = options.channels ?? 2;
	const writer = await WavWriter.create(file, {sampleRate: 48_000, channels, sampleFormat: options.sampleFormat ?? 'float32'});
	const signal = new Float32Array(frames * channels);
	fillCounter(signal, 0, channels);
	writer.append(signal);
	await writer.finalize();
	return {file, signal};
};

const soxFrames = async (file: string): Promise<number> => Number((await run('sox', ['--i', '-s', file])).stdout.trim());

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

	it('rejects a file that is not WAV without touching it', async () => {
		const file = path.join(dir, 'text.wav');
		await writeFile(file, 'not audio');
		await assert.rejects(repairWav(file), {code: 'WAV_NOT_WAV'});
		assert.equal(await readFile(file, 'utf8'), 'not audio');
	});
});
