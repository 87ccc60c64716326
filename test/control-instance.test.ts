import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import type {ControlRequest, ControlResponse, StatusReport} from '../src/control/control-protocol.js';
import {controlSocketPath} from '../src/control/control-protocol.js';
import {ControlServer} from '../src/control/control-server.js';
import {findInstance, runningInstances, SeveralRunningError} from '../src/control/find-instance.js';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';

let root: string;
before(async () => {
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-instance-'));
});
after(async () => {
	await fs.rm(root, {recursive: true, force: true});
});

/** A control socket that answers like an instance named `jackName`, and remembers what it was asked. */
const listen = async (runtimeDir: string, jackName: string, pid: number) => {
	const asked: ControlRequest[] = [];
	const status = {pid, jackName, state: 'idle'} as unknown as StatusReport;
	await fs.mkdir(runtimeDir, {recursive: true, mode: 0o700});
	const server = await ControlServer.listen(controlSocketPath(runtimeDir, jackName), async (request): Promise<ControlResponse> => {
		asked.push(request);
		return {ok: true, message: `${jackName} did ${request.command}`, status};
	});
	return {server, asked};
};

/** A socket file whose process was killed: it is there, but nothing answers. */
const staleSocket = async (socketPath: string): Promise<void> => {
	const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('up'))`]);
	await new Promise<void>(resolve => child.stdout.once('data', () => resolve()));
	child.kill('SIGKILL');
	await new Promise(resolve => child.once('exit', resolve));
};

describe('finding the running instance', () => {
	it('lists the instances that answer, not stale sockets or other files', async () => {
		const runtimeDir = await fs.mkdtemp(path.join(root, 'list-'));
		assert.deepEqual(await runningInstances(path.join(runtimeDir, 'missing')), []);
		const mic = await listen(runtimeDir, 'mic', 11);
		const desk = await listen(runtimeDir, 'desk', 22);
		try {
			await staleSocket(path.join(runtimeDir, 'gone.sock'));
			await fs.writeFile(path.join(runtimeDir, 'notes.txt'), 'not a socket');
			assert.deepEqual(await runningInstances(runtimeDir), [
				{jackName: 'desk', pid: 22, socketPath: path.join(runtimeDir, 'desk.sock')},
				{jackName: 'mic', pid: 11, socketPath: path.join(runtimeDir, 'mic.sock')},
			]);
			await assert.rejects(findInstance(runtimeDir, undefined), (error: unknown) => {
				assert.ok(error instanceof SeveralRunningError);
				assert.equal(error.message, '2 instances of omega13 are running: "desk" (pid 22), "mic" (pid 11); name one with --jack-name NAME');
				return true;
			});
			assert.equal(await findInstance(runtimeDir, 'mic'), path.join(runtimeDir, 'mic.sock'));
		} finally {
			await mic.server.dispose();
			await desk.server.dispose();
		}
	});

	it('omega13 toggle reaches the one instance running, whatever its --jack-name', async () => {
		const runtimeDir = await fs.mkdtemp(path.join(root, 'one-'));
		const mic = await listen(path.join(runtimeDir, 'omega13'), 'mic', 11);
		try {
			const result = await runCli(['toggle'], {...process.env, XDG_RUNTIME_DIR: runtimeDir, XDG_CONFIG_HOME: root});
			assert.equal(result.code, 0, result.stderr);
			assert.equal(result.stdout, 'mic did toggle\n');
			assert.deepEqual(mic.asked.map(request => request.command), ['status', 'toggle']);
		} finally {
			await mic.server.dispose();
		}
	});

	it('lists the instances and exits 2 when several run and none is named; a name picks one', async () => {
		const runtimeDir = await fs.mkdtemp(path.join(root, 'two-'));
		const dir = path.join(runtimeDir, 'omega13');
		const mic = await listen(dir, 'mic', 11);
		const desk = await listen(dir, 'desk', 22);
		const env = {...process.env, XDG_RUNTIME_DIR: runtimeDir, XDG_CONFIG_HOME: root};
		try {
			const ambiguous = await runCli(['toggle'], env);
			assert.equal(ambiguous.code, 2);
			assert.equal(ambiguous.stderr, 'omega13: 2 instances of omega13 are running: "desk" (pid 22), "mic" (pid 11); name one with --jack-name NAME\n');
			assert.ok(!mic.asked.some(request => request.command === 'toggle') && !desk.asked.some(request => request.command === 'toggle'));
			const json = await runCli(['status', '--json'], env);
			assert.equal(json.code, 2);
			assert.deepEqual(JSON.parse(json.stdout).instances, [{jackName: 'desk', pid: 22}, {jackName: 'mic', pid: 11}]);
			const named = await runCli(['toggle', '--jack-name', 'desk'], env);
			assert.equal(named.code, 0, named.stderr);
			assert.equal(named.stdout, 'desk did toggle\n');
		} finally {
			await mic.server.dispose();
			await desk.server.dispose();
		}
	});

	it('says that none runs, and exits 1, when no socket answers', async () => {
		const runtimeDir = await fs.mkdtemp(path.join(root, 'none-'));
		await fs.mkdir(path.join(runtimeDir, 'omega13'));
		await staleSocket(path.join(runtimeDir, 'omega13', 'omega13.sock'));
		const result = await runCli(['toggle'], {...process.env, XDG_RUNTIME_DIR: runtimeDir, XDG_CONFIG_HOME: root});
		assert.equal(result.code, 1);
		assert.equal(
			result.stderr,
			`omega13: omega13 is not running (no instance answers in ${path.join(runtimeDir, 'omega13')}): start it with \`omega13\` or \`omega13 --headless\`\n`,
		);
	});
});

describe('omega13 toggle with real instances', () => {
	it('toggles an instance started with --jack-name, and refuses to guess between two', async () => {
		const runtimeDir = await fs.mkdtemp(path.join(root, 'real-'));
		const env = {...process.env, XDG_CONFIG_HOME: path.join(root, 'config'), XDG_RUNTIME_DIR: runtimeDir};
		const args = (name: string) => ['--source', 'demo', '--hotkey', 'off', '--no-transcribe', '--silence-threshold', 'off', '--sessions-dir', path.join(root, `sessions-${name}`)];
		const mic = await RecorderProcess.start({env, jackName: 'mic', args: args('mic'), runtimeDir});
		try {
			const started = await runCli(['toggle'], env);
			assert.equal(started.code, 0, started.stderr);
			assert.match(started.stdout, /capture 001 started/);
			const stopped = await runCli(['toggle'], env);
			assert.equal(stopped.code, 0, stopped.stderr);
			assert.match(stopped.stdout, /capture 001 saved/);

			const desk = await RecorderProcess.start({env, jackName: 'desk', args: args('desk'), runtimeDir});
			try {
				const ambiguous = await runCli(['status'], env);
				assert.equal(ambiguous.code, 2);
				assert.match(ambiguous.stderr, /2 instances of omega13 are running: "desk" \(pid \d+\), "mic" \(pid \d+\); name one with --jack-name NAME/);
				const status = await runCli(['status', '--jack-name', 'desk'], env);
				assert.equal(status.code, 0, status.stderr);
				assert.match(status.stdout, /^IDLE/);
			} finally {
				await desk.dispose();
			}
		} finally {
			await mic.dispose();
		}
	});
});
