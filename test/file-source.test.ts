import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {openFileSource} from '../src/engine/file-source.js';
import {encodeHeader} from '../src/wav/wav-header.js';
import {readWav} from '../src/wav/wav-reader.js';

import {jfkWav as jfk} from './helpers/fixtures.js';
import {readAfter} from './helpers/realtime-read.js';

describe('openFileSource', () => {
	let dir: string;
	before(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'omega13-file-source-'));
	});
	after(async () => {
		await rm(dir, {recursive: true, force: true});
	});

	test('replays a WAV at its own rate and channels, in real time, sample for sample', async () => {
		const wav = await readWav(jfk);
		const into = new Float32Array(wav.sampleRate);
		const {source, frames, least, most} = await readAfter(async () => openFileSource(jfk), 250, into);
		try {
			assert.equal(source.kind, 'file');
			assert.equal(source.name, jfk);
			assert.equal(source.sampleRate, wav.sampleRate);
			assert.equal(source.channels, 1);
			assert.deepEqual(source.portNames, ['file:in_1']);
			assert.ok(frames >= least && frames <= most && frames > 0, `${frames} frames, expected ${least} to ${most}`);
			assert.deepEqual(into.subarray(0, frames), wav.data.subarray(0, frames));
		} finally {
			source.dispose();
		}
	});

	test('converts to the rate and channels asked for', async () => {
		const into = new Float32Array(48_000 * 2);
		const {source, frames} = await readAfter(async () => openFileSource(jfk, {sampleRate: 48_000, channels: 2}), 200, into);
		try {
			assert.equal(source.sampleRate, 48_000);
			assert.equal(source.channels, 2);
			const wav = await readWav(jfk);
			assert.equal(source.loopFrames, wav.frames * 3);
			assert.ok(frames > 0);
			for (let frame = 0; frame < frames; frame++) {
				assert.equal(into[frame * 2], into[frame * 2 + 1]);
			}
			// Every third output frame sits on an input sample; band-limited interpolation passes through it closely.
			let worst = 0;
			for (let frame = 0; frame < frames; frame += 3) {
				worst = Math.max(worst, Math.abs(into[frame * 2]! - wav.data[frame / 3]!));
			}
			assert.ok(worst < 0.02, `worst deviation ${worst}`);
		} finally {
			source.dispose();
		}
	});

	test('a relative path is resolved', async () => {
		const relative = path.relative(process.cwd(), jfk);
		const source = await openFileSource(relative);
		source.dispose();
		assert.equal(source.name, jfk);
	});

	test('a missing file, a directory, a non-WAV and an empty WAV are clear errors', async () => {
		const missing = path.join(dir, 'missing.wav');
		await assert.rejects(openFileSource(missing), new Error(`cannot play ${missing}: no such file`));
		await assert.rejects(openFileSource(dir), new Error(`cannot play ${dir}: it is a directory`));
		const text = path.join(dir, 'notes.wav');
		await writeFile(text, 'these are not samples at all');
		await assert.rejects(openFileSource(text), new Error(`cannot play ${text}: not a WAV file (no RIFF/WAVE header)`));
		const empty = path.join(dir, 'empty.wav');
		await writeFile(empty, encodeHeader({sampleRate: 48_000, channels: 1, sampleFormat: 'int16'}, 0));
		await assert.rejects(openFileSource(empty), new Error(`cannot play ${empty}: it holds no audio`));
		await assert.rejects(openFileSource(''), new TypeError('openFileSource: the file path must be a non-empty string'));
	});
});
