import assert from 'node:assert/strict';
import {execFile, spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {createInterface} from 'node:readline';
import {setTimeout as delay} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {promisify} from 'node:util';
import {readWav} from '../src/wav/wav-reader.js';
import {vadSampleRate} from '../src/transcribe/speech-detector.js';
import {spliceSpeech} from '../src/transcribe/speech-splice.js';
import {WhisperChild} from '../src/transcribe/whisper-child.js';
import {waitUntil} from './helpers/wait-until.js';
import {jfkWav, sileroModel} from './helpers/whisper.js';

const run = promisify(execFile);

/** whisper.cpp's own VAD test expects these speech segments in samples/jfk.wav with Silero v6.2.0. */
const golden = [
	[0.32, 2.27],
	[3.27, 4.41],
	[5.38, 7.68],
	[8.16, 10.62],
];

const assertGolden = (segments: ReadonlyArray<{start: number; end: number}>): void => {
	assert.equal(segments.length, golden.length, JSON.stringify(segments));
	segments.forEach((segment, index) => {
		const [start, end] = golden[index]!;
		assert.ok(Math.abs(segment.start - start!) <= 0.02 && Math.abs(segment.end - end!) <= 0.02, `segment ${index}: ${JSON.stringify(segment)}, golden ${start}-${end}`);
	});
};

describe('Silero VAD in the transcription process, with the real weights', () => {
	let root: string;
	let child: WhisperChild;
	const never = new AbortController().signal;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-vad-'));
		child = new WhisperChild({vadModel: sileroModel});
	});
	after(async () => {
		await child.dispose();
		await rm(root, {recursive: true, force: true});
	});

	test('jfk.wav gives whisper.cpp\'s four golden speech segments, within 20 ms, from a file and from samples', async () => {
		assertGolden(await child.detectSpeechInFile(jfkWav, sileroModel, never));
		const {data} = await readWav(jfkWav);
		assertGolden(await child.detectSpeech(data));
		assert.equal(child.counters.starts, 1, 'one process answers both');
		assert.equal(child.counters.transcriptions, 0);
	});

	test('3 s of digital silence and 3 s of pink noise (sox) hold no speech', async () => {
		const silence = path.join(root, 'silence.wav');
		const pink = path.join(root, 'pink.wav');
		await run('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', silence, 'trim', '0', '3']);
		await run('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', pink, 'synth', '3', 'pinknoise', 'vol', '0.5']);
		assert.deepEqual(await child.detectSpeechInFile(silence, sileroModel, never), []);
		assert.deepEqual(await child.detectSpeechInFile(pink, sileroModel, never), []);
	});

	test('live audio: a sliding one-second window, moved in 250 ms steps, finds the first words and nothing in silence', async () => {
		const {data} = await readWav(jfkWav);
		const window = vadSampleRate;
		const step = vadSampleRate / 4;
		const heard: number[] = [];
		for (let end = step; end <= 3 * vadSampleRate; end += step) {
			const chunk = data.subarray(Math.max(0, end - window), end);
			if ((await child.detectSpeech(chunk)).length > 0) {
				heard.push(end / vadSampleRate);
			}
		}
		// Speech starts at 0.32 s: the first window that can hold 250 ms of it ends by 0.75 s.
		assert.ok(heard.length > 0 && heard[0]! <= 0.75, `speech first heard at ${heard[0]} s`);
		assert.deepEqual(await child.detectSpeech(new Float32Array(window)), []);
		assert.deepEqual(await child.detectSpeech(new Float32Array(100)), [], 'less than one Silero frame is no speech');
	});

	test('recycled between two calls, the detector answers the very next call from a fresh process, and the old one goes', async () => {
		const {data} = await readWav(jfkWav);
		const first = data.subarray(0, 3 * vadSampleRate);
		assert.equal((await child.detectSpeech(first)).length > 0, true);
		const old = child.pid;
		assert.equal(child.recycle(), true);
		// Right after: this call must not go to the process that is ending (it would fail with its SIGTERM).
		assert.equal((await child.detectSpeech(first)).length > 0, true);
		assert.notEqual(child.pid, old);
		await waitUntil('the recycled process to end', () => !existsSync(`/proc/${old}`));
		assert.equal((await child.detectSpeech(first)).length > 0, true, 'its end does not fail the new process\'s calls');
	});

	test('a missing Silero model is refused with the command that fetches it', async () => {
		const missing = new WhisperChild({vadModel: path.join(root, 'nothing.bin')});
		await assert.rejects(missing.detectSpeech(new Float32Array(16_000)), {
			message: `no Silero VAD model at ${path.join(root, 'nothing.bin')}: run \`omega13 models download silero\``,
		});
		await missing.dispose();
	});
});

test('speech is spliced as whisper.cpp splices it, and times map back to the capture', () => {
	const samples = new Float32Array(10 * vadSampleRate).map((_, index) => index);
	const {samples: spliced, toCaptureTime} = spliceSpeech(samples, [
		{start: 1, end: 2},
		{start: 5, end: 6.5},
	]);
	// 1 s + 0.1 s overlap, 0.1 s silence, 1.5 s.
	assert.equal(spliced.length, Math.round(2.7 * vadSampleRate));
	assert.equal(spliced[0], vadSampleRate);
	assert.equal(spliced[Math.round(1.1 * vadSampleRate) + 10], 0, 'the gap is silence');
	assert.equal(spliced[Math.round(1.2 * vadSampleRate)], 5 * vadSampleRate);
	assert.equal(toCaptureTime(0), 1);
	assert.equal(toCaptureTime(0.5), 1.5);
	assert.equal(toCaptureTime(1.2), 5);
	assert.equal(toCaptureTime(2.7), 6.5);
	assert.equal(toCaptureTime(1.15), 3.5, 'inside the gap: between the end of one segment and the start of the next');
});

test('the transcription process dies with omega13, even when omega13 is killed with SIGKILL', async () => {
	const host = spawn(process.execPath, [fileURLToPath(new URL('fixtures/whisper-child-host.js', import.meta.url))], {stdio: ['ignore', 'pipe', 'inherit']});
	let pid: number | undefined;
	for await (const line of createInterface({input: host.stdout})) {
		pid = Number(/^child (\d+)$/.exec(line)?.[1]);
		break;
	}
	assert.ok(pid !== undefined && isRunning(pid), 'the transcription process runs');
	host.kill('SIGKILL');
	const deadline = Date.now() + 10_000;
	while (isRunning(pid)) {
		assert.ok(Date.now() < deadline, `the transcription process ${pid} outlived the process that started it`);
		await delay(50);
	}
});

/** Alive and not a zombie (a zombie is dead; only its parent's reaping is left). */
const isRunning = (pid: number): boolean => {
	try {
		return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
	} catch {
		return false;
	}
};
