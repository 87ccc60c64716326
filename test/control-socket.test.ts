import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import {NotRunningError, sendControl} from '../src/control/control-client.js';
import type {ControlResponse, StatusReport} from '../src/control/control-protocol.js';
import net from 'node:net';
import {ControlServer, ControlSocketInUseError, requestTimeoutMs} from '../src/control/control-server.js';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-control-'));
after(async () => fs.rm(dir, {recursive: true, force: true}));

const status = {pid: process.pid, jackName: 'test', state: 'idle'} as unknown as StatusReport;
const answer = async ({command}: {command: string}): Promise<ControlResponse> => ({ok: true, message: `did ${command}`, status});

describe('control socket', () => {
	it('answers a command from the client and is private to the user', async () => {
		const socketPath = path.join(dir, 'a.sock');
		const server = await ControlServer.listen(socketPath, answer);
		try {
			const response = await sendControl(socketPath, {command: 'toggle'});
			assert.deepEqual(response, {ok: true, message: 'did toggle', status});
			assert.equal((await fs.stat(socketPath)).mode & 0o777, 0o600);
		} finally {
			await server.dispose();
		}
		await assert.rejects(fs.stat(socketPath), {code: 'ENOENT'});
		await server.dispose();
	});

	it('refuses to start a second instance on a live socket, naming the fix', async () => {
		const socketPath = path.join(dir, 'b.sock');
		const server = await ControlServer.listen(socketPath, answer);
		try {
			await assert.rejects(ControlServer.listen(socketPath, answer), (error: unknown) => {
				assert.ok(error instanceof ControlSocketInUseError);
				assert.match(error.message, /already running .* another --jack-name/);
				return true;
			});
		} finally {
			await server.dispose();
		}
	});

	it('takes over a socket left behind by a killed instance', async () => {
		const socketPath = path.join(dir, 'c.sock');
		const child = spawn(process.execPath, [
			'-e',
			`require('node:net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('up'))`,
		]);
		await new Promise<void>(resolve => child.stdout.once('data', () => resolve()));
		child.kill('SIGKILL');
		await new Promise(resolve => child.once('exit', resolve));
		await fs.stat(socketPath);
		const server = await ControlServer.listen(socketPath, answer);
		try {
			assert.equal((await sendControl(socketPath, {command: 'status'})).message, 'did status');
		} finally {
			await server.dispose();
		}
	});

	it('tells the client clearly when no instance runs', async () => {
		await assert.rejects(sendControl(path.join(dir, 'nobody.sock'), {command: 'toggle'}), (error: unknown) => {
			assert.ok(error instanceof NotRunningError);
			assert.match(error.message, /omega13 is not running .* start it with `omega13` or `omega13 --headless`/);
			return true;
		});
	});

	it('answers bad requests with a reason instead of dropping them', async () => {
		const socketPath = path.join(dir, 'd.sock');
		const server = await ControlServer.listen(socketPath, answer);
		try {
			const response = await sendControl(socketPath, {command: 'explode'} as never);
			assert.deepEqual(response, {ok: false, message: 'bad request: unknown command "explode"'});
			// The command line's check, for any client: no 5-frame captures from `0.0001`.
			const tiny = await sendControl(socketPath, {command: 'save-last', seconds: 0.0001});
			assert.deepEqual(tiny, {ok: false, message: 'bad request: save-last SECONDS must be a number from 0.1 to 1800, got 0.0001 (in "seconds")'});
		} finally {
			await server.dispose();
		}
	});

	it('hangs up, saying why, on a client that sends no newline in time or too long a line, and keeps serving', async () => {
		const socketPath = path.join(dir, 'e.sock');
		const server = await ControlServer.listen(socketPath, answer);
		/** Connects, writes `text`, and returns what the server said before it closed the connection. */
		const converse = async (text: string): Promise<{said: string; ms: number}> =>
			new Promise((resolve, reject) => {
				const started = Date.now();
				const socket = net.connect(socketPath, () => socket.write(text));
				let said = '';
				socket.setEncoding('utf8');
				socket.on('data', (part: string) => (said += part));
				socket.on('error', reject);
				socket.on('close', () => resolve({said, ms: Date.now() - started}));
			});
		try {
			const silent = await converse('{"command":"sta');
			assert.match(silent.said, /no request line within 5 s/);
			assert.ok(silent.ms >= requestTimeoutMs - 100, `closed after ${silent.ms} ms`);
			// A byte now and then does not buy more time.
			const dripping = await new Promise<{said: string; ms: number}>((resolve, reject) => {
				const started = Date.now();
				const socket = net.connect(socketPath);
				const drip = setInterval(() => socket.write('{'), 1000);
				let said = '';
				socket.setEncoding('utf8');
				socket.on('data', (part: string) => {
					said += part;
					// Answered: stop dripping, and hang up.
					clearInterval(drip);
					socket.end();
				});
				socket.on('error', reject);
				socket.on('close', () => {
					clearInterval(drip);
					resolve({said, ms: Date.now() - started});
				});
			});
			assert.match(dripping.said, /no request line within 5 s/);
			assert.ok(dripping.ms < 3 * requestTimeoutMs, `a dripping client held the connection ${dripping.ms} ms`);
			const flood = await converse('x'.repeat(100_000));
			assert.match(flood.said, /no newline in the first 4096 bytes/);
			assert.equal((await sendControl(socketPath, {command: 'status'})).message, 'did status');
		} finally {
			await server.dispose();
		}
	});
});
