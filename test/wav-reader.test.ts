import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {promisify} from 'node:util';
import {readWav, readWavInfo} from '../src/wav/wav-reader.js';
import {WavReadError} from '../src/wav/wav-read-error.js';
import {encodeHeader} from '../src/wav/wav-header.js';

const run = promisify(execFile);
import {jfkWav as jfk} from './helpers/fixtures.js';

let dir: string;
before(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'omega13-wav-reader-'));
});
after(async () => {
	await rm(dir, {recursive: true, force: true});
});

/** What sox decodes the file to, as 32-bit floats. */
const soxFloats = async (file: string): Promise<Float32Array> => {
	const {stdout} = await run('sox', [file, '-t', 'f32', '-'], {encoding: 'buffer', maxBuffer: 1 << 26});
	return new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.length));
};

const chunk = (id: string, body: Buffer): Buffer => {
	const head = Buffer.alloc(8);
	head.write(id, 0, 'latin1');
	head.writeUInt32LE(body.length, 4);
	return Buffer.concat([head, body, body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
};

/** The `fmt ` chunk of 22.05 kHz int16 stereo: in our header, after RIFF/WAVE (12 bytes) and the JUNK holding the place of ds64 (36). */
const int16StereoFmt = encodeHeader({sampleRate: 22_050, channels: 2, sampleFormat: 'int16'}, 0).subarray(48, 48 + 8 + 16);

/** A hand-made int16 stereo file with an odd-sized LIST chunk before the data and another after it. */
const fileWithListChunks = (samples: Int16Array): Buffer => {
	const fmt = int16StereoFmt;
	const data = chunk('data', Buffer.from(samples.buffer));
	const list = chunk('LIST', Buffer.from('INFOISFT\u0005\u0000\u0000\u0000odd!\u0000', 'latin1'));
	const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, list, data, chunk('LIST', Buffer.from('INFO', 'latin1'))]);
	return Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from(Uint32Array.of(body.length).buffer), body]);
};

/**
 * A hand-made RF64 file (EBU Tech 3306) of int16 stereo, built independently of our header encoder: ds64
 * first, 0xFFFFFFFF in the RIFF and data sizes, a LIST after the data. `riffSize` overrides ds64's RIFF size.
 */
const rf64File = (samples: Int16Array, riffSize?: number): Buffer => {
	const unknown = Buffer.from(Uint32Array.of(0xff_ff_ff_ff).buffer);
	const data = Buffer.concat([Buffer.from('data', 'latin1'), unknown, Buffer.from(samples.buffer)]);
	const list = chunk('LIST', Buffer.from('INFO', 'latin1'));
	const ds64 = Buffer.alloc(28);
	ds64.writeBigUInt64LE(BigInt(riffSize ?? 4 + 36 + int16StereoFmt.length + data.length + list.length), 0);
	ds64.writeBigUInt64LE(BigInt(samples.byteLength), 8);
	ds64.writeBigUInt64LE(BigInt(samples.length / 2), 16);
	return Buffer.concat([Buffer.from('RF64', 'latin1'), unknown, Buffer.from('WAVE', 'latin1'), chunk('ds64', ds64), int16StereoFmt, data, list]);
};

describe('readWav', () => {
	it('reads the shared 16 kHz mono speech file as sox does', async () => {
		const wav = await readWav(jfk);
		assert.equal(wav.sampleRate, 16_000);
		assert.equal(wav.channels, 1);
		assert.equal(wav.sampleFormat, 'int16');
		assert.equal(String(wav.frames), (await run('sox', ['--i', '-s', jfk])).stdout.trim());
		assert.deepEqual(wav.data, await soxFloats(jfk));
	});

	it('skips unknown chunks before and after the data', async () => {
		const file = path.join(dir, 'list.wav');
		const samples = Int16Array.of(0, 1, -1, 32_767, -32_768, 1234);
		await writeFile(file, fileWithListChunks(samples));
		const info = await readWavInfo(file);
		assert.equal(info.dataIsLast, false);
		assert.equal(info.stale, false);
		assert.equal(info.frames, 3);
		const wav = await readWav(file);
		assert.deepEqual([...wav.data], [...samples].map((sample) => sample / 32_768));
		assert.deepEqual(wav.data, await soxFloats(file));
	});

	it('reads RF64 files, taking the sizes from ds64, as sox does', async () => {
		const file = path.join(dir, 'rf64.wav');
		const samples = Int16Array.of(0, 1, -1, 32_767, -32_768, 1234, 7, -7);
		const bytes = rf64File(samples);
		await writeFile(file, bytes);
		const info = await readWavInfo(file);
		assert.equal(info.rf64, true);
		assert.equal(info.ds64Offset, 12);
		assert.equal(info.declaredRiffSize, bytes.length - 8);
		assert.equal(info.declaredDataSize, 16);
		assert.equal(info.frames, 4);
		assert.equal(info.dataIsLast, false);
		assert.equal(info.stale, false);
		const wav = await readWav(file);
		assert.deepEqual([...wav.data], [...samples].map((sample) => sample / 32_768));
		assert.deepEqual(wav.data, await soxFloats(file));

		await writeFile(file, rf64File(samples, bytes.length));
		assert.equal((await readWavInfo(file)).stale, true, 'a ds64 RIFF size that disagrees with the file');
	});

	it('refuses an RF64 file without ds64', async () => {
		const file = path.join(dir, 'rf64-no-ds64.wav');
		const plain = fileWithListChunks(Int16Array.of(1, 2));
		plain.write('RF64', 0, 'latin1');
		await writeFile(file, plain);
		await assert.rejects(readWavInfo(file), {code: 'WAV_UNSUPPORTED', message: `${file}: RF64 file without a ds64 chunk before its data`});
	});

	for (const [label, args] of [
		['32-bit integer PCM', ['-e', 'signed', '-b', '32']],
		['32-bit float', ['-e', 'float', '-b', '32']],
		['24-bit extensible (4 channels)', ['-e', 'signed', '-b', '24', '-c', '4']],
	] as const) {
		it(`reads sox's ${label} files sample for sample`, async () => {
			const file = path.join(dir, `sox-${label.replaceAll(/\W+/g, '-')}.wav`);
			await run('sox', ['-n', '-r', '44100', ...args, file, 'synth', '0.25', 'sine', '440', 'sine', '1000', 'vol', '0.5']);
			const wav = await readWav(file);
			assert.equal(wav.sampleRate, 44_100);
			assert.equal(wav.frames, 11_025);
			const expected = await soxFloats(file);
			assert.equal(wav.data.length, expected.length);
			for (let i = 0; i < expected.length; i++) {
				// sox's float output of 32-bit integers is rounded to float precision, as ours is.
				assert.ok(Math.abs(wav.data[i]! - expected[i]!) <= 2 ** -24, `sample ${i}`);
			}
		});
	}

	it('reads a range of frames', async () => {
		const file = path.join(dir, 'range.wav');
		await writeFile(file, fileWithListChunks(Int16Array.of(1, 2, 3, 4, 5, 6)));
		const wav = await readWav(file, {startFrame: 1, frameCount: 5});
		assert.equal(wav.frames, 2);
		assert.deepEqual([...wav.data].map((sample) => sample * 32_768), [3, 4, 5, 6]);
	});

	it('says clearly what is wrong with files it cannot read', async () => {
		const notWav = path.join(dir, 'not.wav');
		await writeFile(notWav, 'hello, this is text and not audio at all');
		await assert.rejects(readWav(notWav), new WavReadError('WAV_NOT_WAV', notWav, 'not a WAV file (no RIFF/WAVE header)'));
		const empty = path.join(dir, 'empty.wav');
		await writeFile(empty, '');
		await assert.rejects(readWavInfo(empty), {code: 'WAV_NOT_WAV', message: `${empty}: not a WAV file (0 bytes)`});

		const whole = await readFile(jfk);
		const cut = path.join(dir, 'cut.wav');
		await writeFile(cut, whole.subarray(0, 30));
		await assert.rejects(readWavInfo(cut), {code: 'WAV_TRUNCATED', message: `${cut}: truncated WAV: the fmt chunk is cut short`});
		await writeFile(cut, whole.subarray(0, 6));
		await assert.rejects(readWavInfo(cut), {code: 'WAV_TRUNCATED', message: `${cut}: truncated WAV: the file is 6 bytes`});
		await writeFile(cut, encodeHeader({sampleRate: 8000, channels: 1, sampleFormat: 'int16'}, 0).subarray(0, 72));
		await assert.rejects(readWavInfo(cut), {code: 'WAV_TRUNCATED', message: `${cut}: truncated WAV: no data chunk in 72 bytes`});

		const eightBit = path.join(dir, 'u8.wav');
		await run('sox', ['-n', '-r', '8000', '-b', '8', eightBit, 'synth', '0.01', 'sine', '440']);
		await assert.rejects(readWav(eightBit), {
			code: 'WAV_UNSUPPORTED',
			message: `${eightBit}: unsupported sample encoding: format tag 0x0001 with 8 bits per sample`,
		});
		const double = path.join(dir, 'f64.wav');
		await run('sox', ['-n', '-r', '8000', '-e', 'float', '-b', '64', double, 'synth', '0.01', 'sine', '440']);
		await assert.rejects(readWav(double), {
			code: 'WAV_UNSUPPORTED',
			message: `${double}: unsupported sample encoding: format tag 0x0003 with 64 bits per sample`,
		});
		await assert.rejects(readWav(path.join(dir, 'missing.wav')), {code: 'ENOENT'});
	});
});
