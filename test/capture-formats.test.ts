import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {after, before, describe, it} from 'node:test';
import {readWav} from '../src/wav/wav-reader.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';
import {startSignalPlayer} from './helpers/signal-player.js';
import {testModel, whisperTestEnv} from './helpers/whisper.js';

const run = promisify(execFile);
let server: JackServer;
let root: string;
before(async () => {
	server = await startJackServer();
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-formats-'));
});
after(async () => {
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
});

const captureWith = async (name: string, args: string[], settled: RegExp) => {
	const sessionsDir = path.join(root, name);
	const recorder = await RecorderProcess.start({
		env: whisperTestEnv({JACK_DEFAULT_SERVER: server.name}),
		jackName: name,
		args: ['--sessions-dir', sessionsDir, '--buffer-seconds', '1', '--connect', 'none', ...args],
	});
	const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: [`${name}:in_1`, `${name}:in_2`]});
	try {
		await recorder.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= 1);
		// The 1 s ring then holds nothing from before the player connected.
		await player.playFor(1.2);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.recordedLive(0.3);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.waitForLine(settled, 120_000);
	} finally {
		await player.stop();
		await recorder.dispose();
	}
	const [id] = await fs.readdir(sessionsDir);
	const sessionDir = path.join(sessionsDir, id!);
	return {sessionDir, manifest: JSON.parse(await fs.readFile(path.join(sessionDir, 'session.json'), 'utf8'))};
};

describe('captures kept as FLAC or Opus', () => {
	it('--format flac replaces the WAV with a FLAC that decodes to the same counter signal, bit for bit', async () => {
		const {sessionDir, manifest} = await captureWith(`flac${process.pid}`, ['--format', 'flac', '--no-transcribe'], /kept as 001\.flac/);
		assert.equal(manifest.captures[0].file, '001.flac');
		await assert.rejects(fs.stat(path.join(sessionDir, '001.wav')), {code: 'ENOENT'});
		const decoded = path.join(root, 'flac-decoded.wav');
		await run('flac', ['--silent', '--decode', '-o', decoded, path.join(sessionDir, '001.flac')]);
		const wav = await readWav(decoded);
		assert.equal(wav.frames, manifest.captures[0].frames);
		// The counter's steps are multiples of 2^-22: 24-bit FLAC holds them exactly.
		verifyCounter(wav.data, 2);
	});

	it('--format opus encodes once the transcript is done, and a capture kept as Opus can be transcribed again', async () => {
		const {sessionDir, manifest} = await captureWith(`opus${process.pid}`, ['--format', 'opus', '--model', testModel], /kept as 001\.opus/);
		assert.equal(manifest.captures[0].file, '001.opus');
		assert.equal(manifest.captures[0].transcript.status, 'done');
		const {stdout} = await run('opusinfo', [path.join(sessionDir, '001.opus')]);
		assert.match(stdout, /Channels: 2/);
		const retry = await runCli(['transcribe', sessionDir, '1', '--model', testModel], whisperTestEnv({}));
		assert.equal(retry.code, 0, retry.stderr);
		assert.match(retry.stdout, /capture 001 transcribed/);
	});
});
