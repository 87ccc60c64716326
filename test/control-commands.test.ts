import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, afterEach, before, describe, it} from 'node:test';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';

let root: string;
let counter = 0;
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-commands-'));
});
after(async () => {
	await fs.rm(root, {recursive: true, force: true});
});
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
});

/** No config file of the user's: these tests see the defaults. */
const env = {...process.env, XDG_CONFIG_HOME: '/nonexistent/omega13-test-config'};

/** A headless recorder on the demo source (no JACK needed) with a 2 s ring. */
const startDemo = async () => {
	const jackName = `cmd${process.pid}x${++counter}`;
	const sessionsDir = path.join(root, jackName);
	const recorder = await RecorderProcess.start({env, jackName, args: ['--source', 'demo', '--sessions-dir', sessionsDir, '--buffer-seconds', '2', '--no-transcribe']});
	cleanups.push(async () => recorder.dispose());
	const cli = async (...args: string[]) => runCli([...args, '--jack-name', jackName], {...env, XDG_RUNTIME_DIR: recorder.runtimeDir});
	return {recorder, sessionsDir, jackName, cli};
};

describe('control commands a script relies on', () => {
	it('start while recording and stop while idle say so and exit 0 ("no change")', async () => {
		const {recorder, cli} = await startDemo();
		await recorder.waitForStatus(({status}) => (status?.bufferFilledSeconds ?? 0) >= 1);
		const idleStop = await cli('stop');
		assert.deepEqual([idleStop.code, idleStop.stdout.trim()], [0, 'not recording: no change']);
		assert.equal((await cli('start')).code, 0);
		const again = await cli('start');
		assert.deepEqual([again.code, again.stdout.trim()], [0, 'already recording: no change']);
		const stopped = await cli('stop');
		assert.equal(stopped.code, 0);
		assert.match(stopped.stdout, /capture 001 saved/);
	});

	it('save-last asking for more than the ring holds saves what it holds and says so', async () => {
		const {recorder, cli} = await startDemo();
		await recorder.waitForStatus(({status}) => (status?.bufferFilledSeconds ?? 0) >= 2);
		const saved = await cli('save-last', '20');
		assert.equal(saved.code, 0, saved.stderr);
		assert.match(saved.stdout, /^capture 001 saved: 2\.00 s .* \(asked for 20 s: the ring held only 2\.0 s\)$/m);
		const exact = await cli('save-last', '1');
		assert.doesNotMatch(exact.stdout, /asked for/);
	});

	it('a second instance with the same name is refused before it makes its sessions directory', async () => {
		const {recorder, jackName} = await startDemo();
		const otherDir = path.join(root, `other${counter}`);
		const second = await runCli(['--headless', '--source', 'demo', '--jack-name', jackName, '--sessions-dir', otherDir], {...env, XDG_RUNTIME_DIR: recorder.runtimeDir});
		assert.equal(second.code, 1);
		assert.match(second.stderr, /another omega13 is already running with this --jack-name/);
		await assert.rejects(fs.stat(otherDir), {code: 'ENOENT'});
	});
});
