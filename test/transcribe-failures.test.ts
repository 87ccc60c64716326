import assert from 'node:assert/strict';
import type {ChildProcess} from 'node:child_process';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {SessionManifest} from '../src/session/session-manifest.js';
import {lazyEngine, type EngineConfig} from '../src/transcribe/engine-factory.js';
import {transcribeSession} from '../src/transcribe/transcribe-session.js';
import {lastError, meaningfulLines, tellingLine} from '../src/transcribe/whisper-stderr.js';
import type {QueueEvent} from '../src/transcribe/transcription-queue.js';
import {jfkWav, makeSession, testModel, transcribeWithQueue, whisperTestEnv} from './helpers/whisper.js';

/** Kills the transcription process (kill -9) one second into the first job's transcription. */
const killDuringFirstJob = (killed: number[]) => (event: QueueEvent, child: () => number | undefined): void => {
	if (killed.length === 0 && event.type === 'state' && event.state.status === 'running') {
		killed.push(-1);
		setTimeout(() => {
			const pid = child();
			assert.ok(pid !== undefined, 'the transcription process runs');
			killed[0] = pid;
			process.kill(pid, 'SIGKILL');
		}, 1000);
	}
};

const manifestOf = async (dir: string): Promise<SessionManifest> =>
	JSON.parse(await readFile(path.join(dir, 'session.json'), 'utf8')) as SessionManifest;

/** Runs captures through a fresh queue and returns their final states. */
const transcribe = async (
	dir: string,
	indices: number[],
	config: EngineConfig,
	timeoutSeconds?: number,
	onEvent?: (event: QueueEvent, child: () => number | undefined) => void,
) => {
	const engine = lazyEngine({env: whisperTestEnv(), ...config});
	return transcribeWithQueue(
		dir,
		{
			engine,
			...(timeoutSeconds === undefined ? {} : {timeoutSeconds}),
			...(onEvent === undefined ? {} : {onEvent: (event) => onEvent(event, () => engine.child.pid)}),
		},
		indices,
	);
};

describe('transcription failures keep the audio, say why, and retry succeeds', () => {
	let root: string;
	let audioSize: number;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcribe-fail-'));
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
		const [state] = await transcribe(dir, [1], {model: missing});
		assert.equal(state!.status, 'failed');
		assert.equal(state!.reason, `model not found at ${missing}: run \`omega13 models download base.en\` or pass --model PATH`);
		const saved = (await manifestOf(dir)).captures[0]!.transcript!;
		assert.equal(saved.status, 'failed');
		assert.equal(saved.reason, state!.reason);
		assert.match(await readFile(path.join(dir, 'transcript.md'), 'utf8'), /_transcription failed: model not found at /);
		await assertAudioKept(dir);

		const retry = await transcribeSession(dir, {capture: 1, model: testModel, env: whisperTestEnv()});
		assert.deepEqual(retry.captures.map((capture) => capture.state.status), ['done']);
		assert.equal((await manifestOf(dir)).captures[0]!.transcript!.status, 'done');
	});

	test('a corrupt model (garbage, or a ggml header with nothing sound after it) fails with the reason', async () => {
		const dir = await freshSession('corrupt');
		const garbage = path.join(root, 'garbage.bin');
		await writeFile(garbage, Buffer.from('this is not a whisper model at all, just some bytes'.repeat(100)));
		const [first] = await transcribe(dir, [1], {model: garbage});
		assert.equal(first!.status, 'failed');
		assert.equal(
			first!.reason!,
			`${garbage} is not a valid whisper model (it does not start with the ggml magic; 5100 bytes): pass --model a whisper.cpp ggml model file, or a model name such as base.en (\`omega13 models download base.en\` fetches it; \`omega13 models\` lists what is installed)`,
			'no `omega13 models download garbage`: there is no such model',
		);

		const broken = path.join(root, 'ggml-broken.bin');
		await writeFile(broken, Buffer.concat([Buffer.from('lmgg', 'latin1'), Buffer.alloc(4096)]));
		const [second] = await transcribe(dir, [1], {model: broken});
		assert.equal(second!.status, 'failed');
		assert.match(second!.reason!, /^whisper\.cpp could not load the model .*ggml-broken\.bin \(.*\): it is damaged or not a valid whisper model; pass --model a whisper\.cpp ggml model file, or a model name such as base\.en \(`omega13 models download base\.en` fetches it; `omega13 models` lists what is installed\)$/);
		assert.ok(!second!.reason!.includes('models download broken'));

		// A sound header with the audio encoder's width changed: whisper.cpp aborts in a GGML_ASSERT.
		const model = await readFile(testModel);
		const asserting = path.join(root, 'asserting.bin');
		model.writeInt32LE(model.readInt32LE(12) + 1, 12);
		await writeFile(asserting, model);
		const [third] = await transcribe(dir, [1], {model: asserting});
		assert.equal(third!.status, 'failed');
		assert.match(third!.reason!, /\(SIGABRT\) while transcribing: .*GGML_ASSERT\(.*\) failed; the audio is kept/);
		assert.doesNotMatch(third!.reason!, /sysdeps|LWP|#\d+ /);
		await assertAudioKept(dir);
	});

	test('the transcription process killed (kill -9) mid-job: the capture fails saying so, the next capture gets a new process', async () => {
		const dir = await freshSession('killed', 2);
		const killed: number[] = [];
		const spawned: ChildProcess[] = [];
		const states = await transcribe(dir, [1, 2], {model: testModel, onSpawn: (child) => spawned.push(child)}, undefined, killDuringFirstJob(killed));
		assert.equal(killed.length, 1);
		assert.equal(states[0]!.status, 'failed');
		assert.match(
			states[0]!.reason!,
			/^the transcription process \(whisper\.cpp\) was killed \(SIGKILL: killed by hand, or by the kernel for want of memory\) while transcribing; the audio is kept, retry with `omega13 transcribe`$/,
		);
		assert.equal(states[1]!.status, 'done', states[1]!.reason);
		assert.equal(spawned.length, 2, 'a new process for the next capture');
		assert.equal(spawned[0]!.pid, killed[0]);
		// dispose() stopped the second one.
		assert.ok(spawned.every((child) => child.exitCode !== null || child.signalCode !== null));
		await assertAudioKept(dir);
	});

	test('a time-out kills the transcription process and fails the capture saying how long it waited', async () => {
		const dir = await freshSession('timeout');
		const spawned: ChildProcess[] = [];
		const [state] = await transcribe(dir, [1], {model: testModel, onSpawn: (child) => spawned.push(child)}, 0.5);
		assert.equal(state!.status, 'failed');
		assert.equal(state!.reason, 'timed out after 0.5 s; the audio is kept, retry with `omega13 transcribe`');
		assert.equal(spawned.length, 1);
		assert.equal(spawned[0]!.signalCode, 'SIGKILL');
		await assertAudioKept(dir);
	});

	test('--whisper-bin that is not a program fails the capture with what to do', async () => {
		const dir = await freshSession('no-bin');
		const [state] = await transcribe(dir, [1], {model: testModel, whisperBin: path.join(root, 'no-such-whisper-cli')});
		assert.equal(state!.status, 'failed');
		assert.equal(
			state!.reason,
			`cannot run whisper.cpp at ${path.join(root, 'no-such-whisper-cli')} (ENOENT): point --whisper-bin at whisper.cpp's whisper-cli, or leave it out to use the bundled whisper.cpp`,
		);
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

test("gdb's backtrace after a GGML_ASSERT (ggml attaches gdb where it can) never becomes the reason", () => {
	// What ggml_print_backtrace leaves on stderr on a machine with gdb and ptrace allowed.
	const stderr = [
		'whisper_model_load: loading model',
		'/home/runner/work/whisper.cpp/ggml/src/ggml.c:3686: GGML_ASSERT(ggml_nelements(a) == ne0*ne1*ne2) failed',
		'[New LWP 52311]',
		'[Thread debugging using libthread_db enabled]',
		'Using host libthread_db library "/lib/x86_64-linux-gnu/libthread_db.so.1".',
		'0x00007f3c1e0ea42f in __GI___wait4 (pid=52312, stat_loc=0x0, options=0, usage=0x0) at ../sysdeps/unix/sysv/linux/wait4.c:30',
		'30\t../sysdeps/unix/sysv/linux/wait4.c: No such file or directory.',
		'#0  0x00007f3c1e0ea42f in __GI___wait4 (pid=52312, stat_loc=0x0, options=0, usage=0x0) at ../sysdeps/unix/sysv/linux/wait4.c:30',
		'#1  0x00007f3c1d2a1b7e in ggml_print_backtrace () from libggml-base.so',
		'#2  0x00007f3c1d2a1d02 in ggml_abort () from libggml-base.so',
		'[Inferior 1 (process 52310) detached]',
	];
	assert.deepEqual(meaningfulLines(stderr), stderr.slice(0, 2));
	assert.equal(tellingLine(stderr, ': '), `: ${stderr[1]}`);
	assert.equal(lastError(stderr.join('\n')), stderr[1]);
});
