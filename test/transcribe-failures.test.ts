import assert from 'node:assert/strict';
import type {ChildProcess} from 'node:child_process';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {Session} from '../src/session/session.js';
import type {SessionManifest} from '../src/session/session-manifest.js';
import {lazyEngine, type EngineConfig} from '../src/transcribe/engine-factory.js';
import {transcribeSession} from '../src/transcribe/transcribe-session.js';
import {TranscriptionQueue} from '../src/transcribe/transcription-queue.js';
import {jfkWav, makeSession, testModel, testWhisper, whisperTestEnv} from './helpers/whisper.js';

/** Kills a whisper process (SIGKILL) once it reports that it is working on the audio. */
const killWhenProcessing = (killed: ChildProcess[]) => (child: ChildProcess) => {
	if (killed.length > 0) {
		return;
	}
	child.stderr?.on('data', (chunk: Buffer | string) => {
		if (killed.length === 0 && String(chunk).includes("processing '")) {
			killed.push(child);
			child.kill('SIGKILL');
		}
	});
};

const manifestOf = async (dir: string): Promise<SessionManifest> =>
	JSON.parse(await readFile(path.join(dir, 'session.json'), 'utf8')) as SessionManifest;

/** Runs captures through a fresh queue and returns their final states. */
const transcribe = async (dir: string, indices: number[], config: EngineConfig, timeoutSeconds?: number) => {
	const session = await Session.open(dir);
	const queue = new TranscriptionQueue({engine: lazyEngine({env: whisperTestEnv(), build: 'never', ...config}), ...(timeoutSeconds === undefined ? {} : {timeoutSeconds})});
	try {
		return await Promise.all(indices.map((index) => queue.enqueue(session, index)));
	} finally {
		await queue.dispose();
		await session.dispose();
	}
};

describe('transcription failures keep the audio, say why, and retry succeeds', () => {
	let root: string;
	let audioSize: number;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcribe-fail-'));
		await testWhisper();
	});
	after(() => rm(root, {recursive: true, force: true}));

	const freshSession = async (name: string, captures = 1): Promise<string> => {
		const dir = await makeSession(path.join(root, name), Array.from({length: captures}, () => jfkWav));
		audioSize = (await stat(path.join(dir, '001.wav'))).size;
		return dir;
	};

	const assertAudioKept = async (dir: string): Promise<void> => {
		assert.equal((await stat(path.join(dir, '001.wav'))).size, audioSize);
	};

	test('a missing model fails the capture with what to do; retry with a model succeeds', async () => {
		const dir = await freshSession('missing');
		const missing = path.join(root, 'nowhere', 'ggml-base.en.bin');
		const [state] = await transcribe(dir, [1], {mode: 'process', model: missing});
		assert.equal(state!.status, 'failed');
		assert.equal(state!.reason, `model not found at ${missing}: run \`omega13 models download base.en\` or pass --model PATH`);
		const saved = (await manifestOf(dir)).captures[0]!.transcript!;
		assert.equal(saved.status, 'failed');
		assert.equal(saved.reason, state!.reason);
		assert.match(await readFile(path.join(dir, 'transcript.md'), 'utf8'), /_transcription failed: model not found at /);
		await assertAudioKept(dir);

		const retry = await transcribeSession(dir, {capture: 1, mode: 'process', model: testModel, env: whisperTestEnv(), build: 'never'});
		assert.deepEqual(retry.captures.map((capture) => capture.state.status), ['done']);
		assert.equal((await manifestOf(dir)).captures[0]!.transcript!.status, 'done');
	});

	test('a corrupt model (garbage, or a ggml header with nothing sound after it) fails with the reason', async () => {
		const dir = await freshSession('corrupt');
		const garbage = path.join(root, 'garbage.bin');
		await writeFile(garbage, Buffer.from('this is not a whisper model at all, just some bytes'.repeat(100)));
		const [first] = await transcribe(dir, [1], {mode: 'process', model: garbage});
		assert.equal(first!.status, 'failed');
		assert.match(first!.reason!, /garbage\.bin is not a ggml whisper model \(it does not start with the ggml magic; 5100 bytes\)/);

		const broken = path.join(root, 'ggml-broken.bin');
		await writeFile(broken, Buffer.concat([Buffer.from('lmgg', 'latin1'), Buffer.alloc(4096)]));
		const [second] = await transcribe(dir, [1], {mode: 'process', model: broken});
		assert.equal(second!.status, 'failed');
		assert.match(second!.reason!, /^whisper\.cpp could not load the model .*ggml-broken\.bin \(unknown tensor '' in model file\): it is damaged or not a whisper model; download it again/);
		await assertAudioKept(dir);

		const retry = await transcribeSession(dir, {mode: 'process', model: testModel, env: whisperTestEnv(), build: 'never'});
		assert.deepEqual(retry.captures.map((capture) => [capture.index, capture.state.status]), [[1, 'done']]);
	});

	test('whisper killed mid-run: the capture fails with the signal and the queue goes on to the next one', async () => {
		const dir = await freshSession('killed', 2);
		const killed: ChildProcess[] = [];
		const states = await transcribe(dir, [1, 2], {mode: 'process', model: testModel, onSpawn: killWhenProcessing(killed)});
		assert.equal(killed.length, 1);
		assert.equal(states[0]!.status, 'failed');
		assert.match(states[0]!.reason!, /^whisper exited with signal SIGKILL.*; the audio is kept, retry with `omega13 transcribe`$/);
		assert.equal(states[1]!.status, 'done');
		await assertAudioKept(dir);

		const retry = await transcribeSession(dir, {mode: 'process', model: testModel, env: whisperTestEnv(), build: 'never'});
		assert.deepEqual(retry.captures.map((capture) => [capture.index, capture.state.status]), [[1, 'done']]);
	});

	test('the kept-loaded server killed mid-run: the capture fails, the next capture gets a new server', async () => {
		const dir = await freshSession('server-killed', 2);
		const killed: ChildProcess[] = [];
		const spawned: ChildProcess[] = [];
		const states = await transcribe(dir, [1, 2], {
			mode: 'server',
			model: testModel,
			onSpawn: (child) => {
				spawned.push(child);
				killWhenProcessing(killed)(child);
			},
		});
		assert.equal(states[0]!.status, 'failed');
		assert.match(states[0]!.reason!, /^the whisper\.cpp server exited with signal SIGKILL while transcribing/);
		assert.equal(states[1]!.status, 'done', states[1]!.reason);
		assert.match(states[1]!.engine!, /\(server\)$/);
		assert.equal(spawned.length, 2);
		// dispose() stopped the second server.
		assert.ok(spawned.every((child) => child.exitCode !== null || child.signalCode !== null));
		await assertAudioKept(dir);
	});

	test('a time-out kills whisper and fails the capture saying how long it waited', async () => {
		const dir = await freshSession('timeout');
		const spawned: ChildProcess[] = [];
		const [state] = await transcribe(dir, [1], {mode: 'process', model: testModel, onSpawn: (child) => spawned.push(child)}, 0.2);
		assert.equal(state!.status, 'failed');
		assert.equal(state!.reason, 'timed out after 0.2 s; the audio is kept, retry with `omega13 transcribe`');
		assert.equal(spawned.length, 1);
		assert.equal(spawned[0]!.signalCode, 'SIGKILL');
		await assertAudioKept(dir);
	});

	test('whisper.cpp not built (and build disabled) tells the person to run omega13 setup', async () => {
		const dir = await freshSession('unbuilt');
		const empty = await mkdtemp(path.join(root, 'no-build-'));
		const session = await Session.open(dir);
		const queue = new TranscriptionQueue({
			engine: lazyEngine({mode: 'process', model: testModel, env: whisperTestEnv({OMEGA13_WHISPER_DIR: empty}), build: 'never'}),
		});
		try {
			const state = await queue.enqueue(session, 1);
			assert.equal(state.status, 'failed');
			assert.equal(state.reason, 'whisper.cpp is not built: run `omega13 setup`');
		} finally {
			await queue.dispose();
			await session.dispose();
		}

		const [state] = await transcribe(dir, [1], {mode: 'process', model: testModel, env: whisperTestEnv({OMEGA13_WHISPER_BIN: path.join(root, 'no-such-whisper')})});
		assert.equal(state!.status, 'failed');
		assert.match(state!.reason!, /^OMEGA13_WHISPER_BIN is .*no-such-whisper, which is not an executable file/);
		await assertAudioKept(dir);
	});

	test('omega13 transcribe refuses a session another running omega13 has open, and names the capture it lacks', async () => {
		const dir = await freshSession('locked');
		await assert.rejects(transcribeSession(dir, {capture: 7, model: testModel, env: whisperTestEnv()}), {
			message: `there is no capture 7 in ${dir} (it has captures 1)`,
		});
		// pid 1 is always alive; its lock says another omega13 owns the manifest.
		await writeFile(path.join(dir, '.omega13.lock'), '{"pid":1}\n');
		await assert.rejects(transcribeSession(dir, {model: testModel, env: whisperTestEnv()}), {
			message: `${dir} is open in a running omega13 (pid 1): transcribe it from there, or stop that omega13 first`,
		});
	});
});
