import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {listChunks} from '../src/persist/chunk-store.js';
import {startApiRecorder, waitForApiStatus, type ApiRecorder} from './helpers/api-recorder.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {s3Credentials, startS3Server, type S3Server} from './helpers/s3-server.js';
import {testModel, whisperTestEnv} from './helpers/whisper.js';

let server: JackServer;
let s3: S3Server;
let scratch: string;
const running: ApiRecorder[] = [];

before(async () => {
	server = await startJackServer({rate: 48_000, period: 256});
	s3 = await startS3Server({bucket: 'dashcam'});
	scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-archive-'));
});
after(async () => {
	for (const api of running.splice(0)) {
		await api.dispose();
	}
	await s3?.dispose();
	await server?.stop();
	await fs.rm(scratch, {recursive: true, force: true});
});

const archiving = async (dir: string, endpoint: string, args: readonly string[] = []) => {
	const api = await startApiRecorder({
		server,
		bufferSeconds: 1,
		env: {...s3Credentials, OMEGA13_TEST_PERSIST_CHUNK_SECONDS: '1'},
		args: ['--persist', '1', '--persist-dir', dir, '--persist-format', 'wav', '--archive', 's3://dashcam/car/', '--archive-endpoint', endpoint, ...args],
	});
	running.push(api);
	return api;
};

const stop = async (api: ApiRecorder): Promise<void> => {
	running.splice(running.indexOf(api), 1);
	await api.dispose();
};

/** The key a chunk gets: the prefix, then its path under the persistence folder. */
const keyOf = (dir: string, file: string): string => `car/${path.relative(dir, file).split(path.sep).join('/')}`;

/**
 * A proxy in front of s3rver that can hold PUT requests (never forwarding them), so a test can kill the
 * recorder in the middle of an upload.
 */
const holdingProxy = async (target: () => number) => {
	let holding = true;
	let onHeld: (() => void) | undefined;
	const proxy = http.createServer((request, response) => {
		if (holding && request.method === 'PUT') {
			onHeld?.();
			request.resume();
			return;
		}
		const upstream = http.request({host: '127.0.0.1', port: target(), path: request.url, method: request.method, headers: request.headers}, reply => {
			response.writeHead(reply.statusCode ?? 502, reply.headers);
			reply.pipe(response);
		});
		upstream.on('error', () => response.destroy());
		request.pipe(upstream);
	});
	await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
	return {
		endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
		held: new Promise<void>(resolve => {
			onHeld = resolve;
		}),
		pass() {
			holding = false;
		},
		async close() {
			proxy.closeAllConnections();
			await new Promise(resolve => proxy.close(resolve));
		},
	};
};

describe('archiving persisted chunks to S3 (s3rver on loopback)', () => {
	it('uploads each closed chunk under the prefix with its bytes, and records it in a 0600 journal', async () => {
		const dir = path.join(scratch, 'plain');
		const api = await archiving(dir, s3.endpoint);
		await waitForApiStatus(api, s => s.archive?.uploaded >= 3);
		await stop(api);
		const {chunks} = await listChunks(dir);
		const journal = path.join(dir, 'archive-journal.jsonl');
		assert.equal((await fs.stat(journal)).mode & 0o777, 0o600);
		const uploaded = (await fs.readFile(journal, 'utf8')).trim().split('\n').map(line => JSON.parse(line) as {file: string; key: string});
		assert.ok(uploaded.length >= 3);
		for (const entry of uploaded) {
			const chunk = chunks.find(candidate => candidate.path === path.join(dir, entry.file))!;
			assert.equal(entry.key, keyOf(dir, chunk.path));
			assert.match(entry.key, /^car\/\d{4}-\d\d-\d\d\/\d{8}T\d{6}\.\d{6}Z-48000Hz-2ch-48000f\.wav$/);
			assert.deepEqual(await s3.object(entry.key), await fs.readFile(chunk.path));
			assert.equal(s3.puts().get(entry.key), 1);
		}
	});

	it('uploads each chunk exactly once across a kill -9 in the middle of an upload', async () => {
		const dir = path.join(scratch, 'killed');
		const proxy = await holdingProxy(() => s3.port);
		const api = await archiving(dir, proxy.endpoint);
		await proxy.held;
		api.recorder.child.kill('SIGKILL');
		await api.recorder.exited;
		await stop(api);
		const before = await listChunks(dir);
		assert.ok(before.chunks.length >= 1);
		proxy.pass();
		const again = await archiving(dir, proxy.endpoint);
		await waitForApiStatus(again, s => s.archive?.uploaded >= before.chunks.length + 2);
		await stop(again);
		await proxy.close();
		const {chunks} = await listChunks(dir);
		const uploaded = chunks.filter(chunk => s3.puts().has(keyOf(dir, chunk.path)));
		assert.ok(uploaded.length >= before.chunks.length + 2);
		for (const chunk of uploaded) {
			assert.equal(s3.puts().get(keyOf(dir, chunk.path)), 1, `${chunk.path} was uploaded more than once`);
		}
		for (const chunk of before.chunks) {
			assert.equal(s3.puts().get(keyOf(dir, chunk.path)), 1, `${chunk.path}, closed before the kill, was not uploaded once`);
		}
	});

	it('keeps retrying while the server is down, keeps un-uploaded chunks past the size cap, and uploads them when it returns', async () => {
		const dir = path.join(scratch, 'outage');
		// 1 s float WAV chunks are 384 KB: the 1 MB cap would keep two.
		const api = await archiving(dir, s3.endpoint, ['--persist-max-mb', '1']);
		await waitForApiStatus(api, s => s.archive?.uploaded >= 1);
		await s3.stop();
		await api.recorder.waitForLine(/archive: cannot upload .*retrying with backoff/);
		await waitForApiStatus(api, s => s.persist.chunks >= 5);
		const status = await waitForApiStatus(api, s => s.archive.failing !== undefined);
		assert.ok(status.archive.pending >= 3);
		const waiting = await listChunks(dir);
		assert.ok(waiting.chunks.reduce((sum, chunk) => sum + chunk.bytes, 0) > 1e6, 'retention kept what is not uploaded');
		await s3.start();
		await api.recorder.waitForLine(/archive: uploads work again/, 60_000);
		await waitForApiStatus(api, s => s.archive.pending === 0 && s.archive.failing === undefined, 60_000);
		for (const chunk of waiting.chunks) {
			assert.equal(s3.puts().get(keyOf(dir, chunk.path)), 1, `${chunk.path} was not uploaded once`);
		}
		// Uploaded, they may go: the cap holds again.
		await waitForApiStatus(api, s => s.persist.bytes <= 1e6, 10_000);
		await stop(api);
	});

	it('--archive-captures uploads each capture in its final format with its transcript files, without --persist', async () => {
		const dir = path.join(scratch, 'captures');
		const api = await startApiRecorder({
			server,
			bufferSeconds: 1,
			env: whisperTestEnv({...s3Credentials}),
			args: ['--persist-dir', dir, '--archive', 's3://dashcam/car/', '--archive-endpoint', s3.endpoint, '--archive-captures', '--transcribe', '--model', testModel, '--format', 'flac'],
		});
		running.push(api);
		assert.equal((await api.get('/capture/start', {method: 'POST'})).status, 200);
		await api.recorder.recordedLive(0.3);
		assert.equal((await api.get('/capture/stop', {method: 'POST'})).status, 200);
		await api.recorder.waitForLine(/kept as 001\.flac/, 120_000);
		await waitForApiStatus(api, s => s.archive?.uploaded >= 3 && s.archive.pending === 0, 60_000);
		const [session] = await fs.readdir(api.sessionsDir);
		const keys = [...s3.puts().keys()].filter(key => key.startsWith(`car/sessions/${session}/`)).sort();
		assert.deepEqual(keys, ['001.flac', '001.json', '001.txt'].map(name => `car/sessions/${session}/${name}`));
		for (const key of keys) {
			assert.deepEqual(await s3.object(key), await fs.readFile(path.join(api.sessionsDir, session!, path.basename(key))));
			assert.equal(s3.puts().get(key), 1);
		}
		assert.equal(JSON.parse((await s3.object(`car/sessions/${session}/001.json`)).toString()).capture, 1);
		await stop(api);
	});

	it('--archive-captures uploads at the next start a capture whose upload a quit cut short, though the server never answered that run', async () => {
		const home = await fs.mkdtemp(path.join(scratch, 'cut-'));
		const start = async () => {
			const api = await startApiRecorder({
				server,
				bufferSeconds: 1,
				home,
				env: whisperTestEnv({...s3Credentials}),
				args: ['--persist-dir', path.join(home, 'persist'), '--archive', 's3://dashcam/car/', '--archive-endpoint', s3.endpoint, '--archive-captures', '--transcribe', '--model', testModel],
			});
			running.push(api);
			return api;
		};
		await s3.stop();
		const first = await start();
		assert.equal((await first.get('/capture/start', {method: 'POST'})).status, 200);
		await first.recorder.recordedLive(0.3);
		assert.equal((await first.get('/capture/stop', {method: 'POST'})).status, 200);
		await first.recorder.waitForLine(/capture 001 transcribed/, 120_000);
		await waitForApiStatus(first, s => s.archive?.pending >= 3 && s.archive.failing !== undefined, 60_000);
		await stop(first);
		await s3.start();
		const second = await start();
		await waitForApiStatus(second, s => s.archive?.uploaded >= 3 && s.archive.pending === 0, 60_000);
		const [session] = await fs.readdir(second.sessionsDir);
		const keys = [...s3.puts().keys()].filter(key => key.startsWith(`car/sessions/${session}/`)).sort();
		assert.deepEqual(keys, ['001.json', '001.txt', '001.wav'].map(name => `car/sessions/${session}/${name}`));
		await stop(second);
	});
});
