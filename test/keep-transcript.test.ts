/**
 * `--keep transcript` (the privacy mode) with real parts: a real JACK server, the real Silero VAD, the
 * bundled whisper.cpp with the weightless test model (it runs the whole pipeline and returns no text).
 * After a run no audio file is left, the transcripts are; a kill -9 mid-capture leaves no audio once the
 * next start has repaired, transcribed and deleted it.
 */
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {after, before, describe, it} from 'node:test';
import type {SessionManifest} from '../src/session/session-manifest.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';
import {startSignalPlayer} from './helpers/signal-player.js';
import {startVoiceRecorder} from './helpers/voice-recorder.js';
import {waitUntil} from './helpers/wait-until.js';
import {buildTrack} from './helpers/sox-track.js';
import {testModel, whisperTestEnv} from './helpers/whisper.js';

const run = promisify(execFile);

let server: JackServer;
let root: string;
let trackPath: string;
let speechPath: string;

before(async () => {
	server = await startJackServer({sync: true});
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-keep-'));
	speechPath = await buildTrack(root, [{jfk: {seconds: 5.2}}]);
	trackPath = await buildTrack(root, [{silence: 3}, {jfk: {seconds: 5.2}}, {silence: 18}]);
});
after(async () => {
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
});

/** Every file under `dir` whose name ends in an audio extension (what `find -name '*.wav'` would list, and more). */
const audioFiles = async (dir: string): Promise<string[]> => {
	const {stdout} = await run('find', [dir, '-type', 'f', '(', '-name', '*.wav', '-o', '-name', '*.flac', '-o', '-name', '*.opus', ')']);
	return stdout.split('\n').filter(line => line !== '');
};

const manifestOf = async (sessionsDir: string): Promise<{dir: string; manifest: SessionManifest}> => {
	const [session] = await fs.readdir(sessionsDir);
	const dir = path.join(sessionsDir, session!);
	return {dir, manifest: JSON.parse(await fs.readFile(path.join(dir, 'session.json'), 'utf8')) as SessionManifest};
};

describe('--keep transcript', () => {
	it('keeps the transcript of a voice capture and deletes its audio once it is written, saying so in session.json', async t => {
		const voice = await startVoiceRecorder(
			server,
			root,
			['--trigger', 'voice', '--buffer-seconds', '3', '--transcribe', '--model', testModel, '--keep', 'transcript', '--format', 'flac'],
			`wav:${trackPath}`,
		);
		t.after(async () => voice.dispose());
		await voice.recorder.waitForLine(/PRIVATE: audio is not kept \(--keep transcript\)/);
		await voice.recorder.waitForLine(/capture 001 transcribed/, 180_000);
		await waitUntil('the audio of capture 001 to be deleted', async () => (await manifestOf(voice.sessionsDir)).manifest.captures[0]?.audioDiscardedAt !== undefined, {timeoutMs: 30_000});
		await voice.player.stop();
		const status = await voice.recorder.control('status');
		assert.equal(status.status?.keep, 'transcript');
		const {dir, manifest} = await manifestOf(voice.sessionsDir);
		t.diagnostic(voice.recorder.lines.join('\n'));
		assert.equal(manifest.keep, 'transcript');
		const [capture] = manifest.captures;
		assert.equal(capture?.transcript?.status, 'done');
		assert.ok(Date.parse(capture.audioDiscardedAt!) >= Date.parse(capture.transcript.finishedAt!), 'deleted after the transcript was written');
		await fs.access(path.join(dir, '001.txt'));
		await fs.access(path.join(dir, '001.json'));
		assert.deepEqual(await audioFiles(voice.sessionsDir), []);
		// Not encoded first (--format flac): there is nothing to keep.
		assert.doesNotMatch(voice.recorder.lines.join('\n'), /kept as 001\.flac/);
		// A retry has nothing to read, and says why.
		const retry = await runCli(['transcribe', dir, '1', '--model', testModel], whisperTestEnv({XDG_RUNTIME_DIR: voice.recorder.runtimeDir}));
		assert.notEqual(retry.code, 0);
		assert.match(retry.stdout + retry.stderr, /capture 001 cannot be transcribed again: its audio was deleted once transcribed \(--keep transcript\)/);
	});

	it('leaves no audio after a kill -9 mid-capture, once the next start has transcribed it', async t => {
		const jackName = `keep${process.pid}`;
		const sessionsDir = path.join(root, 'killed');
		const args = ['--sessions-dir', sessionsDir, '--connect', 'none', '--hotkey', 'off', '--model', testModel, '--keep', 'transcript'];
		const env = whisperTestEnv(server.env as Record<string, string>, {silero: true});
		const first = await RecorderProcess.start({env, jackName, args});
		t.after(async () => first.dispose());
		// Speech, so the silence gate lets the capture start whenever it is asked.
		const player = await startSignalPlayer({server, signal: `wav:${speechPath}`, channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
		t.after(async () => player.stop());
		await first.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= 2);
		const started = await first.control('start');
		assert.equal(started.ok, true, started.message);
		await first.recordedLive(1);
		first.child.kill('SIGKILL');
		await first.exited;
		assert.equal((await audioFiles(sessionsDir)).length, 1, 'the killed run left its capture');
		await player.stop();

		const second = await RecorderProcess.start({env, jackName, args});
		t.after(async () => second.dispose());
		await second.waitForLine(/001\.wav: (recovered|audio left by a run)/);
		await waitUntil('the recovered audio to be transcribed and deleted', async () => (await manifestOf(sessionsDir)).manifest.captures[0]?.audioDiscardedAt !== undefined, {
			timeoutMs: 180_000,
			intervalMs: 250,
		});
		t.diagnostic(second.lines.join('\n'));
		assert.deepEqual(await audioFiles(sessionsDir), []);
		const {manifest} = await manifestOf(sessionsDir);
		assert.match(manifest.captures[0]?.transcript?.status ?? '', /^(done|no speech)$/);
	});

	it('refuses to start without transcription, and turns --persist off with a line', async () => {
		const env = whisperTestEnv(server.env as Record<string, string>);
		const refused = await runCli(['--headless', '--source', 'demo', '--sessions-dir', path.join(root, 'refused'), '--keep', 'transcript', '--no-transcribe'], env);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /--keep transcript keeps only transcripts, but transcription is off \(--no-transcribe, or `transcription: false` in the config\): turn it on, or use --keep audio/);
		const jackName = `keepp${process.pid}`;
		const recorder = await RecorderProcess.start({
			env,
			jackName,
			args: ['--sessions-dir', path.join(root, 'persist'), '--persist-dir', path.join(root, 'persisted'), '--persist', '1', '--connect', 'none', '--hotkey', 'off', '--model', testModel, '--keep', 'transcript'],
		});
		try {
			await recorder.waitForLine(/--keep transcript: rolling persistence \(--persist\) is off: it would keep hours of audio/);
			assert.equal((await recorder.control('status')).status?.persist, undefined);
		} finally {
			await recorder.dispose();
		}
	});
});
