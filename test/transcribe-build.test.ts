import assert from 'node:assert/strict';
import {execFile, spawn} from 'node:child_process';
import {once} from 'node:events';
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {promisify} from 'node:util';
import {Session} from '../src/session/session.js';
import {acquireBuildLock} from '../src/transcribe/build-lock.js';
import {lazyEngine} from '../src/transcribe/engine-factory.js';
import {runSetup} from '../src/transcribe/run-setup.js';
import {patchServerSource, serverPatchId} from '../src/transcribe/server-patch.js';
import {TranscriptionQueue} from '../src/transcribe/transcription-queue.js';
import {ensureWhisperBuilt, findWhisperBinaries} from '../src/transcribe/whisper-build.js';
import {findWhisperSource} from '../src/transcribe/whisper-source.js';
import {waitUntil} from './helpers/wait-until.js';
import {jfkWav, makeSession, repoRoot, testModel, testWhisper, whisperTestEnv} from './helpers/whisper.js';

const run = promisify(execFile);
let root: string;

before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-whisper-build-test-'));
});
after(() => rm(root, {recursive: true, force: true}));

test('the shipped source is whisper.cpp 1.5.0 and the server patch applies to it once', async () => {
	const source = findWhisperSource();
	assert.equal(source.version, '1.5.0');
	const original = await readFile(path.join(source.dir, 'examples', 'server', 'server.cpp'), 'utf8');
	const patched = patchServerSource(original);
	assert.ok(patched.includes(serverPatchId));
	assert.ok(patched.includes('params.response_format == vjson_format'));
	assert.equal(patchServerSource(patched), patched);
	assert.throws(() => patchServerSource('int main() {}'), /not the 1\.5\.0 one this omega13 knows how to patch/);
});

test('a finished build is found by its stamp and not built again; an empty build directory is not a build', async () => {
	const binaries = await testWhisper();
	const builtAt = (await stat(binaries.main)).mtimeMs;
	assert.deepEqual(await testWhisper(), binaries);
	assert.equal((await stat(binaries.main)).mtimeMs, builtAt, 'built again');
	assert.deepEqual(await findWhisperBinaries(whisperTestEnv({OMEGA13_WHISPER_BIN: ''})), binaries);
	assert.equal(await findWhisperBinaries(whisperTestEnv({OMEGA13_WHISPER_DIR: path.join(root, 'empty'), OMEGA13_WHISPER_BIN: ''})), undefined);
	const stamp = JSON.parse(await readFile(path.join(path.dirname(binaries.main), '.omega13-build.json'), 'utf8')) as Record<string, unknown>;
	assert.equal(stamp['version'], '1.5.0');
	assert.equal(stamp['patch'], serverPatchId);
	// The binaries run: main prints its usage.
	const {stderr} = await run(binaries.main, ['-h']).catch((error: {stderr: string}) => error);
	assert.match(stderr, /usage: .*main \[options\] file0\.wav/);
});

test('OMEGA13_WHISPER_BIN names an existing whisper build, with its server if one is beside it', async () => {
	const binaries = await testWhisper();
	const fromEnv = await ensureWhisperBuilt({env: whisperTestEnv({OMEGA13_WHISPER_BIN: binaries.main})});
	assert.deepEqual(fromEnv, {main: binaries.main, server: binaries.server, engine: 'whisper.cpp (main from OMEGA13_WHISPER_BIN)', origin: 'env'});
	await assert.rejects(ensureWhisperBuilt({env: whisperTestEnv({OMEGA13_WHISPER_BIN: path.join(root, 'nothing')})}), {
		message: `OMEGA13_WHISPER_BIN is ${path.join(root, 'nothing')}, which is not an executable file: point it at whisper.cpp's main (or whisper-cli), or unset it to use the bundled build`,
	});
});

test('the build lock makes a second builder wait, and a dead owner\'s lock is taken over', async () => {
	const lockPath = path.join(root, 'build.lock');
	const first = await acquireBuildLock(lockPath);
	let waitedFor: number | undefined;
	let secondHeld = false;
	const second = acquireBuildLock(lockPath, {onWait: (pid) => (waitedFor = pid)}).then((lock) => {
		secondHeld = true;
		return lock;
	});
	await waitUntil('the second builder to wait', () => waitedFor !== undefined);
	assert.equal(waitedFor, process.pid);
	assert.equal(secondHeld, false);
	await first.dispose();
	const lock = await second;
	await lock.dispose();
	assert.equal(existsSync(lockPath), false);

	// A lock left by a process that has exited.
	const child = spawn(process.execPath, ['-e', '']);
	await once(child, 'exit');
	await writeFile(lockPath, `${child.pid}\n`);
	const taken = await acquireBuildLock(lockPath);
	assert.equal((await readFile(lockPath, 'utf8')).trim(), String(process.pid));
	await taken.dispose();
});

test('importing the transcription modules builds nothing', async () => {
	const dir = path.join(root, 'untouched');
	const modules = ['engine-factory', 'transcription-queue', 'transcribe-session', 'run-setup', 'whisper-build'].map(
		(name) => path.join(repoRoot, 'dist', 'src', 'transcribe', `${name}.js`),
	);
	await run(process.execPath, ['--input-type=module', '-e', modules.map((file) => `await import(${JSON.stringify(file)});`).join('')], {
		env: {...process.env, OMEGA13_WHISPER_DIR: dir},
	});
	assert.equal(existsSync(dir), false);
});

test('omega13 setup reports the build and says when no model is installed', async () => {
	await testWhisper();
	const result = await runSetup({env: whisperTestEnv({OMEGA13_WHISPER_BIN: '', OMEGA13_MODELS_DIR: path.join(root, 'models')})});
	assert.equal(result.binaries.origin, 'built');
	assert.deepEqual(result.models, []);
	assert.deepEqual(result.advice, [`no whisper model in ${path.join(root, 'models')} yet: run \`omega13 models download base.en\` (or pass --model PATH)`]);
});

test('without make the first transcription fails saying what to install, and the build is not retried for every capture', async () => {
	const dir = await makeSession(path.join(root, 'sessions'), [jfkWav, jfkWav]);
	const session = await Session.open(dir);
	const progress: string[] = [];
	const env = whisperTestEnv({OMEGA13_WHISPER_BIN: '', OMEGA13_WHISPER_DIR: path.join(root, 'no-make-build'), PATH: path.join(root, 'no-tools')});
	const queue = new TranscriptionQueue({
		engine: lazyEngine({mode: 'process', model: testModel, env, build: 'auto', onBuildProgress: (step) => progress.push(step.phase)}),
	});
	try {
		const states = await Promise.all([queue.enqueue(session, 1), queue.enqueue(session, 2)]);
		const reason =
			'building whisper.cpp needs make and a C/C++ compiler: install them (on Debian: apt-get install build-essential) and run `omega13 setup`';
		assert.deepEqual(states.map((state) => [state.status, state.reason]), [['failed', reason], ['failed', reason]]);
		assert.deepEqual(progress, ['copy', 'patch', 'compile'], 'one build attempt for two captures');
	} finally {
		await queue.dispose();
		await session.dispose();
	}
});
