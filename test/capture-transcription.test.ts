import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {after, before, describe, it} from 'node:test';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';
import {startSignalPlayer} from './helpers/signal-player.js';
import {jfkWav, realModel, testModel, testWhisper, whisperTestEnv} from './helpers/whisper.js';

const run = promisify(execFile);
let server: JackServer;
let root: string;
let speech: string;

before(async () => {
	await testWhisper();
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

/** Records a few seconds of speech through JACK with a headless omega13 and waits for its transcript. */
const captureSpeech = async (model: string, name: string) => {
	const sessionsDir = path.join(root, name);
	const recorder = await RecorderProcess.start({
		env: whisperTestEnv({JACK_DEFAULT_SERVER: server.name, OMEGA13_WHISPER_BIN: ''}),
		jackName: name,
		args: ['--sessions-dir', sessionsDir, '--buffer-seconds', '13', '--connect', 'none', '--model', model],
	});
	const player = await startSignalPlayer({server, signal: `wav:${speech}`, channels: 2, to: [`${name}:in_1`, `${name}:in_2`]});
	try {
		await recorder.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= 11);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.recordedLive(0.3);
		const stopped = await recorder.control('toggle');
		assert.equal(stopped.ok, true, stopped.message);
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
		const retry = await runCli(['transcribe', sessionDir, '1', '--model', testModel], whisperTestEnv({OMEGA13_WHISPER_BIN: ''}));
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
