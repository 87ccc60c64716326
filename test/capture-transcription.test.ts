import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {after, before, describe, it} from 'node:test';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';
import {startSignalPlayer, type PlayerSignal} from './helpers/signal-player.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {readWav} from '../src/wav/wav-reader.js';
import {jfkWav, realModel, testModel, whisperTestEnv} from './helpers/whisper.js';

const run = promisify(execFile);
let server: JackServer;
let root: string;
let speech: string;

before(async () => {
	server = await startJackServer();
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-capture-text-'));
	// The player plays at the server's rate: give it the speech at 48 kHz.
	speech = path.join(root, 'jfk-48k.wav');
	await run('sox', [jfkWav, '-r', '48000', '-c', '2', '-b', '16', speech]);
});
after(async () => {
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
});

/** A headless omega13 with its own sessions dir and a player feeding both inputs. */
const startFed = async (name: string, signal: PlayerSignal, args: readonly string[], env = whisperTestEnv({JACK_DEFAULT_SERVER: server.name})) => {
	const sessionsDir = path.join(root, name);
	const recorder = await RecorderProcess.start({env, jackName: name, args: ['--sessions-dir', sessionsDir, '--connect', 'none', ...args]});
	const player = await startSignalPlayer({server, signal, channels: 2, to: [`${name}:in_1`, `${name}:in_2`]});
	return {recorder, player, sessionsDir, env};
};

/** Once `filled` seconds are buffered: a capture of the pre-roll and 300 ms more. */
const captureOnce = async (recorder: RecorderProcess, filled: number): Promise<void> => {
	await recorder.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= filled);
	assert.equal((await recorder.control('toggle')).ok, true);
	await recorder.recordedLive(0.3);
	const stopped = await recorder.control('toggle');
	assert.equal(stopped.ok, true, stopped.message);
};

/** Records a few seconds of speech through JACK with a headless omega13 and waits for its transcript. */
const captureSpeech = async (model: string, name: string) => {
	const {recorder, player, sessionsDir} = await startFed(name, `wav:${speech}`, ['--buffer-seconds', '13', '--model', model]);
	try {
		await captureOnce(recorder, 11);
		await recorder.waitForLine(/capture 001 transcribing/, 30_000);
		const done = await recorder.waitForLine(/capture 001 transcri(bed|ption failed)/, 240_000);
		const [id] = await fs.readdir(sessionsDir);
		return {recorder, done, sessionDir: path.join(sessionsDir, id!)};
	} finally {
		await player.stop();
	}
};

describe('a capture is transcribed in the background', () => {
	it('goes queued -> running -> done with whisper.cpp and the test model; txt, json and transcript.md exist', async () => {
		const {recorder, done, sessionDir} = await captureSpeech(testModel, `text${process.pid}`);
		try {
			assert.match(done, /capture 001 transcribed/);
			const manifest = JSON.parse(await fs.readFile(path.join(sessionDir, 'session.json'), 'utf8'));
			const {transcript} = manifest.captures[0];
			assert.equal(transcript.status, 'done');
			assert.equal(transcript.model, 'for-tests-ggml-tiny.en');
			assert.ok(transcript.elapsedSeconds > 0);
			assert.ok(Math.abs(transcript.audioSeconds - manifest.captures[0].durationSeconds) < 0.1);
			// The weightless test model hears nothing: the pipeline ran, the transcript is empty.
			assert.equal(await fs.readFile(path.join(sessionDir, '001.txt'), 'utf8').then(text => text.trim()), '');
			const json = JSON.parse(await fs.readFile(path.join(sessionDir, '001.json'), 'utf8'));
			assert.ok(Array.isArray(json.segments));
			const markdown = await fs.readFile(path.join(sessionDir, 'transcript.md'), 'utf8');
			assert.match(markdown, /001/);
			// The audio is never touched by transcription.
			await fs.stat(path.join(sessionDir, '001.wav'));
		} finally {
			await recorder.dispose();
		}
	});

	it('fails with a reason a person can act on when the model is missing, keeps the audio, and a retry succeeds', async () => {
		const {recorder, done, sessionDir} = await captureSpeech(path.join(root, 'no-such-model.bin'), `nomodel${process.pid}`);
		assert.match(done, /transcription failed: .*no-such-model\.bin/);
		await recorder.dispose();
		await fs.stat(path.join(sessionDir, '001.wav'));
		const manifest = JSON.parse(await fs.readFile(path.join(sessionDir, 'session.json'), 'utf8'));
		assert.equal(manifest.captures[0].transcript.status, 'failed');
		const retry = await runCli(['transcribe', sessionDir, '1', '--model', testModel], whisperTestEnv({}));
		assert.equal(retry.code, 0, retry.stderr);
		assert.match(retry.stdout, /capture 001 transcribed/);
	});

	it('hears "ask not what your country can do for you" with a real model', {skip: realModel() === undefined && 'set OMEGA13_WHISPER_MODEL to a real ggml model (e.g. ggml-tiny.en.bin) to run it'}, async () => {
		const {recorder, done, sessionDir} = await captureSpeech(realModel()!, `real${process.pid}`);
		await recorder.dispose();
		assert.match(done, /transcribed/);
		const text = await fs.readFile(path.join(sessionDir, '001.txt'), 'utf8');
		assert.match(text.toLowerCase(), /ask not what your country can do for you/);
	});
});

/** The transcription process omega13 started (a child of the recorder running engine-child.js). */
const transcriptionPid = async (parent: number): Promise<number | undefined> => {
	for (const entry of await fs.readdir('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}
		try {
			const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === parent && (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8')).includes('engine-child.js')) {
				return Number(entry);
			}
		} catch {
			// Gone meanwhile.
		}
	}
	return undefined;
};

const counterPart = (data: Float32Array, channels: number): ReturnType<typeof verifyCounter> => {
	let zeros = 0;
	while (zeros * channels < data.length && data[zeros * channels] === 0) {
		zeros++;
	}
	return verifyCounter(data.subarray(zeros * channels), channels);
};

describe('the transcription process is apart from the recorder', () => {
	it('a capture of silence ends `no speech` and Whisper is never started for it', async () => {
		const name = `silent${process.pid}`;
		// A whisper model that cannot load: had Whisper been started, the capture would have failed.
		const broken = path.join(root, 'ggml-broken.bin');
		await fs.writeFile(broken, Buffer.concat([Buffer.from('lmgg', 'latin1'), Buffer.alloc(4096)]));
		const env = whisperTestEnv({JACK_DEFAULT_SERVER: server.name}, {silero: true});
		const {recorder, player, sessionsDir} = await startFed(name, 'silence', ['--buffer-seconds', '3', '--silence-threshold', 'off', '--model', broken], env);
		try {
			await captureOnce(recorder, 2);
			await recorder.waitForLine(/capture 001: no speech \(Silero VAD\), Whisper not run/, 60_000);
			const [id] = await fs.readdir(sessionsDir);
			const manifest = JSON.parse(await fs.readFile(path.join(sessionsDir, id!, 'session.json'), 'utf8'));
			assert.equal(manifest.captures[0].transcript.status, 'no speech');
			assert.equal(manifest.captures[0].transcript.vad, 'silero-v6.2.0');
			assert.ok(!recorder.lines.some(line => /transcription failed/.test(line)), recorder.transcript());
		} finally {
			await player.stop();
			await recorder.dispose();
		}
	});

	it('kill -9 of the transcription process mid-job: the recorder keeps buffering, the open capture stays sample-exact, the job fails saying why, and `omega13 transcribe last` then succeeds', async () => {
		const name = `crash${process.pid}`;
		const {recorder, player, sessionsDir, env} = await startFed(name, 'counter', ['--buffer-seconds', '2', '--model', testModel]);
		try {
			await captureOnce(recorder, 2);
			await recorder.waitForLine(/capture 001 transcribing/, 30_000);
			// Capture 002 is open while 001 is transcribed.
			assert.equal((await recorder.control('toggle')).ok, true);
			let pid: number | undefined;
			for (let tries = 0; pid === undefined && tries < 100; tries++) {
				await new Promise(resolve => setTimeout(resolve, 50));
				pid = await transcriptionPid(recorder.child.pid!);
			}
			assert.ok(pid !== undefined, 'the transcription process runs');
			await new Promise(resolve => setTimeout(resolve, 1000));
			process.kill(pid, 'SIGKILL');
			const failed = await recorder.waitForLine(/capture 001 transcription failed/, 30_000);
			assert.match(failed, /the transcription process \(whisper\.cpp\) was killed \(SIGKILL: killed by hand, or by the kernel for want of memory\) while transcribing; the audio is kept/);
			// Still buffering and recording: the ring goes on filling, capture 002 keeps growing.
			const before = (await recorder.control('status')).status!;
			await new Promise(resolve => setTimeout(resolve, 1000));
			const afterStatus = (await recorder.control('status')).status!;
			assert.equal(afterStatus.state, 'recording');
			assert.ok(JSON.stringify(afterStatus.capture) !== JSON.stringify(before.capture), 'the open capture grows');
			assert.equal((await recorder.control('toggle')).ok, true);
			await recorder.waitForLine(/capture 002 transcri(bed|ption failed)/, 240_000);
			const [id] = await fs.readdir(sessionsDir);
			const sessionDir = path.join(sessionsDir, id!);
			const manifest = JSON.parse(await fs.readFile(path.join(sessionDir, 'session.json'), 'utf8'));
			assert.equal(manifest.captures[1].droppedFrames, 0);
			// Sample-exact across the crash: the counter runs on without a gap or a repeat.
			const wav = await readWav(path.join(sessionDir, '002.wav'));
			counterPart(wav.data, 2);
			assert.equal(manifest.captures[0].transcript.status, 'failed');
			await recorder.dispose();
			const retry = await runCli(['transcribe', 'last', '--sessions-dir', sessionsDir, '--model', testModel], env);
			assert.equal(retry.code, 0, retry.stderr);
			assert.match(retry.stdout, /capture 001 transcribed/);
		} finally {
			await player.stop();
			await recorder.dispose();
		}
	});
});
