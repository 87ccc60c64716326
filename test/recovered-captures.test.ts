import assert from 'node:assert/strict';
import {access, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {Session} from '../src/session/session.js';
import type {SessionManifest} from '../src/session/session-manifest.js';
import {captureRecord} from './helpers/capture-record.js';
import {waitUntil} from './helpers/wait-until.js';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';
import {jfkWav, testModel, whisperTestEnv, writeCaptureWav} from './helpers/whisper.js';

const manifestOf = async (dir: string): Promise<SessionManifest> => JSON.parse(await readFile(path.join(dir, 'session.json'), 'utf8')) as SessionManifest;

/**
 * What a crash leaves: 001.wav with its record still `recording` (frames 0), and 002.wav the manifest
 * never heard of, under a lock held by a process that is gone.
 */
const crashedSession = async (sessionsDir: string): Promise<string> => {
	const session = await Session.create(sessionsDir);
	const first = session.nextCapture();
	await writeCaptureWav(jfkWav, first.path);
	await session.addCapture(captureRecord(first.index, {state: 'recording', frames: 0, durationSeconds: 0}));
	const second = session.nextCapture();
	await writeCaptureWav(jfkWav, second.path);
	await session.dispose();
	// pid 2^22 + 1 is above pid_max: no such process.
	await writeFile(path.join(session.dir, '.omega13.lock'), JSON.stringify({pid: 4_194_305, start: '1'}));
	return session.dir;
};

/** Issue 13 item 6: captures a crash cut off are transcribed and encoded once repaired, like any other. */
describe('captures recovered after a crash are finished like any capture', () => {
	let root: string;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-recovered-'));
	});
	after(() => rm(root, {recursive: true, force: true}));

	test('`omega13 transcribe` before any start repairs them and transcribes them, never saying they are done', async () => {
		const dir = await crashedSession(path.join(root, 'cli'));
		const result = await runCli(['transcribe', dir, '--model', testModel], whisperTestEnv());
		assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
		assert.ok(!result.stdout.includes('every capture is done'), result.stdout);
		assert.match(result.stdout, /repaired .*\/001\.wav: recovered 11\.00 s \(cut off while recording\)/);
		assert.match(result.stdout, /repaired .*\/002\.wav: recovered 11\.00 s \(it was missing from session\.json\)/);
		assert.match(result.stdout, /capture 001 transcribed/);
		assert.match(result.stdout, /capture 002 transcribed/);
		const manifest = await manifestOf(dir);
		assert.deepEqual(
			manifest.captures.map((capture) => [capture.file, capture.state, capture.transcript?.status]),
			[
				['001.wav', 'recovered', 'done'],
				['002.wav', 'recovered', 'done'],
			],
		);
	});

	test('a start of omega13 with --format flac queues them for transcription, then encodes them', async () => {
		const sessionsDir = path.join(root, 'start');
		const dir = await crashedSession(sessionsDir);
		const recorder = await RecorderProcess.start({
			env: whisperTestEnv(),
			jackName: `recovered${process.pid}`,
			args: ['--source', 'demo', '--hotkey', 'off', '--sessions-dir', sessionsDir, '--model', testModel, '--format', 'flac'],
		});
		try {
			await recorder.waitForLine(/repaired .*\/001\.wav: recovered/);
			await recorder.waitForLine(/capture 001 kept as 001\.flac/, 240_000);
			await recorder.waitForLine(/capture 002 kept as 002\.flac/, 240_000);
			const manifest = await manifestOf(dir);
			assert.deepEqual(
				manifest.captures.map((capture) => [capture.file, capture.state, capture.transcript?.status]),
				[
					['001.flac', 'recovered', 'done'],
					['002.flac', 'recovered', 'done'],
				],
			);
			assert.equal((await readFile(path.join(dir, '001.flac'))).subarray(0, 4).toString('latin1'), 'fLaC');
			await assert.rejects(access(path.join(dir, '001.wav')), 'the WAV is removed once its FLAC is checked');
			// Once settled, the recovered session is closed again: its lock goes.
			await waitUntil('the recovered session to be closed', () => access(path.join(dir, '.omega13.lock')).then(() => false, () => true));
		} finally {
			await recorder.dispose();
		}
	});
});
