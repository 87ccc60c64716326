import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {promisify} from 'node:util';
import {EncodeError, encodeCapture, findProgram} from '../src/session/encode-capture.js';
import type {SampleFormat} from '../src/wav/sample-format.js';
import {Session} from '../src/session/session.js';
import {readWavInfo} from '../src/wav/wav-reader.js';
import {WavWriter} from '../src/wav/wav-writer.js';

const run = promisify(execFile);

let root: string;
let session: Session;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-encode-'));
	session = await Session.create(path.join(root, 'sessions'));
});
after(async () => {
	await session.dispose();
	await rm(root, {recursive: true, force: true});
});

/** Full-scale noise from a fixed seed: every bit of every sample matters for the comparison. */
const noise = (samples: number, seed: number): Float32Array => {
	const data = new Float32Array(samples);
	let state = seed >>> 0;
	for (let i = 0; i < samples; i++) {
		state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
		data[i] = state / 2 ** 31 - 1;
	}
	return data;
};

/** A capture written the way the recorder writes one: a session slot and the streaming writer. */
const writeCapture = async (sampleFormat: SampleFormat, sampleRate: number, channels: number, data: Float32Array, rf64AboveBytes?: number): Promise<string> => {
	const {path: file} = session.nextCapture();
	const writer = await WavWriter.create(file, {sampleRate, channels, sampleFormat, ...(rf64AboveBytes === undefined ? {} : {rf64AboveBytes})});
	writer.append(data);
	await writer.finalize();
	return file;
};

/** A WAV's sample bytes as they are on disk. */
const wavData = async (file: string): Promise<Buffer> => {
	const info = await readWavInfo(file);
	return (await readFile(file)).subarray(info.dataOffset, info.dataOffset + info.frames * info.blockAlign);
};

/** flac's own decoder, to raw little-endian signed PCM. */
const decodeFlacRaw = async (file: string): Promise<Buffer> => {
	const out = `${file}.raw`;
	await run('flac', ['--decode', '--silent', '--force-raw-format', '--endian=little', '--sign=signed', '-o', out, file]);
	try {
		return await readFile(out);
	} finally {
		await rm(out, {force: true});
	}
};

const soxInfo = async (file: string): Promise<{rate: number; channels: number; samples: number; bits: number}> => {
	const {stdout} = await run('soxi', [file]);
	const field = (name: string): number => Number(new RegExp(`^${name}\\s*:\\s*(\\d+)`, 'm').exec(stdout)?.[1]);
	return {rate: field('Sample Rate'), channels: field('Channels'), samples: Number(/= (\d+) samples/.exec(stdout)?.[1]), bits: field('Precision')};
};

const exists = async (file: string): Promise<boolean> =>
	stat(file).then(
		() => true,
		() => false,
	);

describe('encodeCapture to FLAC', () => {
	it('round-trips a 16-bit capture bit-exact, and removes the WAV once checked', async () => {
		const wav = await writeCapture('int16', 48_000, 2, noise(48_000 * 2 * 2, 1));
		const original = await wavData(wav);
		const encoded = await encodeCapture(wav, {format: 'flac'});
		assert.equal(encoded.path, wav.replace(/\.wav$/, '.flac'));
		assert.equal(encoded.bitsPerSample, 16);
		assert.equal(encoded.frames, 96_000);
		assert.deepEqual(encoded.notes, []);
		assert.equal(encoded.wavRemoved, true);
		assert.equal(await exists(wav), false);
		assert.equal((await stat(encoded.path)).mode & 0o777, 0o600);
		assert.ok((await decodeFlacRaw(encoded.path)).equals(original), 'the decoded samples are the WAV samples');
		assert.deepEqual(await soxInfo(encoded.path), {rate: 48_000, channels: 2, samples: 96_000, bits: 16});
		assert.deepEqual((await readdir(session.dir)).filter((name) => name.includes('partial')), []);
	});

	it('round-trips a 24-bit capture bit-exact across several read steps', async () => {
		// 300001 frames: more than one 262144-frame step, and not a multiple of it.
		const wav = await writeCapture('int24', 44_100, 2, noise(300_001 * 2, 2));
		const original = await wavData(wav);
		const encoded = await encodeCapture(wav, {format: 'flac', keepWav: true});
		assert.equal(encoded.bitsPerSample, 24);
		assert.equal(encoded.wavRemoved, false);
		assert.equal(await exists(wav), true);
		assert.ok((await decodeFlacRaw(encoded.path)).equals(original));
		assert.deepEqual(await soxInfo(encoded.path), {rate: 44_100, channels: 2, samples: 300_001, bits: 24});
	});

	it('stores a float capture as 24-bit, equal to the same audio written as a 24-bit WAV, and says so', async () => {
		const data = noise(16_000 * 3, 3);
		const floatWav = await writeCapture('float32', 16_000, 1, data);
		const intWav = await writeCapture('int24', 16_000, 1, data);
		const encoded = await encodeCapture(floatWav, {format: 'flac'});
		assert.equal(encoded.bitsPerSample, 24);
		assert.deepEqual(encoded.notes, ['FLAC holds no floats: the float32 samples are stored as 24-bit integers (rounded, clipped at full scale)']);
		assert.ok((await decodeFlacRaw(encoded.path)).equals(await wavData(intWav)));
		assert.deepEqual(await soxInfo(encoded.path), {rate: 16_000, channels: 1, samples: 48_000, bits: 24});
	});

	it('keeps the WAV and leaves no file when the FLAC does not check out', async () => {
		// A real flac whose output is then cut short, as a full disk or a killed encoder would leave it.
		const realFlac = await findProgram('flac');
		assert.ok(realFlac !== undefined);
		const bin = path.join(root, 'cutting-flac');
		await mkdir(bin);
		await writeFile(
			path.join(bin, 'flac'),
			`#!/bin/sh\nout=""; prev=""\nfor a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done\n${realFlac} "$@" || exit $?\n[ -n "$out" ] && truncate -s 3000 "$out"\nexit 0\n`,
		);
		await chmod(path.join(bin, 'flac'), 0o755);
		const wav = await writeCapture('int16', 48_000, 1, noise(48_000, 4));
		await assert.rejects(
			encodeCapture(wav, {format: 'flac', env: {...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}`}}),
			(error: unknown) => error instanceof EncodeError && error.code === 'verify-failed' && error.message.startsWith('flac '),
		);
		assert.equal(await exists(wav), true);
		assert.equal(await exists(wav.replace(/\.wav$/, '.flac')), false);
		assert.deepEqual((await readdir(session.dir)).filter((name) => name.includes('partial')), []);
	});
});

describe('encodeCapture to Opus', () => {
	it('writes 48 kHz stereo that decodes to the same length within one 20 ms frame', async () => {
		const frames = 48_000 * 3 + 123;
		const wav = await writeCapture('float32', 48_000, 2, noise(frames * 2, 5).map((sample) => sample * 0.3));
		const encoded = await encodeCapture(wav, {format: 'opus'});
		assert.equal(encoded.path, wav.replace(/\.wav$/, '.opus'));
		assert.equal(await exists(wav), false);
		const decoded = path.join(root, 'opus-decoded.wav');
		await run('opusdec', ['--quiet', encoded.path, decoded]);
		const info = await readWavInfo(decoded);
		assert.equal(info.sampleRate, 48_000);
		assert.equal(info.channels, 2);
		assert.ok(Math.abs(info.frames - frames) <= 960, `decoded ${info.frames} frames, wrote ${frames}`);
		// 24 kbit/s per channel: far smaller than the 4.6 MB WAV.
		assert.ok(encoded.bytes < 60_000, `${encoded.bytes} bytes`);
	});

	it('keeps the original rate and channel count of a 16 kHz mono capture', async () => {
		const frames = 16_000 * 2;
		const wav = await writeCapture('int16', 16_000, 1, noise(frames, 6).map((sample) => sample * 0.3));
		const encoded = await encodeCapture(wav, {format: 'opus', keepWav: true});
		const {stdout} = await run('opusinfo', [encoded.path]);
		assert.match(stdout, /Original sample rate: 16000 Hz/);
		assert.match(stdout, /Channels: 1\n/);
		const decoded = path.join(root, 'opus-decoded-48k.wav');
		await run('opusdec', ['--quiet', '--rate', '48000', encoded.path, decoded]);
		const info = await readWavInfo(decoded);
		assert.equal(info.sampleRate, 48_000);
		assert.equal(info.channels, 1);
		assert.ok(Math.abs(info.frames - frames * 3) <= 960, `decoded ${info.frames} frames at 48 kHz, wrote ${frames} at 16 kHz`);
	});

	it('encodes an RF64 capture (over 4 GiB; switched early here) to Opus, and to FLAC bit-exact', async () => {
		const data = noise(48_000 * 2, 7);
		const flacSource = await writeCapture('int16', 48_000, 2, data, 1024);
		assert.equal((await readFile(flacSource)).subarray(0, 4).toString('latin1'), 'RF64');
		const original = await wavData(flacSource);
		const flac = await encodeCapture(flacSource, {format: 'flac'});
		assert.ok((await decodeFlacRaw(flac.path)).equals(original));
		const opusSource = await writeCapture('float32', 48_000, 2, data, 1024);
		const opus = await encodeCapture(opusSource, {format: 'opus'});
		const {stdout} = await run('opusinfo', [opus.path]);
		assert.match(stdout, /Playback length: 0m:01\.000s/);
	});
});

describe('encodeCapture refusals', () => {
	it('names the Debian package when the encoder is missing, and keeps the WAV', async () => {
		const wav = await writeCapture('int16', 48_000, 1, noise(4800, 7));
		const emptyBin = path.join(root, 'empty-bin');
		await mkdir(emptyBin);
		await assert.rejects(
			encodeCapture(wav, {format: 'opus', env: {PATH: emptyBin}}),
			new EncodeError(
				'missing-program',
				`opusenc and opusinfo are not installed, so ${path.basename(wav)} stays a WAV file: install them (Debian/Ubuntu: apt-get install opus-tools) or set "format": "wav"`,
			),
		);
		await assert.rejects(encodeCapture(wav, {format: 'flac', env: {PATH: emptyBin}}), /apt-get install flac\)/);
		assert.equal(await exists(wav), true);
	});

	it('does not overwrite an encoded file that is already there', async () => {
		const wav = await writeCapture('int16', 48_000, 1, noise(4800, 8));
		const target = wav.replace(/\.wav$/, '.flac');
		await writeFile(target, 'mine');
		await assert.rejects(encodeCapture(wav, {format: 'flac'}), (error: unknown) => error instanceof EncodeError && error.code === 'exists');
		assert.equal(await readFile(target, 'utf8'), 'mine');
		assert.equal(await exists(wav), true);
	});

	it('validates its arguments', async () => {
		await assert.rejects(encodeCapture('x.flac', {format: 'flac'}), new TypeError('encodeCapture: wavPath must be a .wav file, got x.flac'));
		await assert.rejects(encodeCapture('x.wav', {format: 'mp3' as never}), new TypeError('encodeCapture: format must be "flac" or "opus", got mp3'));
		await assert.rejects(encodeCapture('x.wav', {format: 'flac', flacBits: 32 as never}), new TypeError('encodeCapture: flacBits must be 16 or 24, got 32'));
	});
});
