import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {after, before, describe, it} from 'node:test';
import {chunkFileName, parseChunkName} from '../src/persist/chunk-name.js';
import {listChunks} from '../src/persist/chunk-store.js';
import {readWav} from '../src/wav/wav-reader.js';
import {startApiRecorder, waitForApiStatus, type ApiRecorder} from './helpers/api-recorder.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';

const run = promisify(execFile);
const rate = 48_000;
let server: JackServer;
let scratch: string;
const running: ApiRecorder[] = [];

before(async () => {
	server = await startJackServer({rate, period: 256, sync: true});
	scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-persist-'));
});
after(async () => {
	for (const api of running.splice(0)) {
		await api.dispose();
	}
	await server?.stop();
	await fs.rm(scratch, {recursive: true, force: true});
});

/** A recorder persisting to `dir` in chunks of `chunkSeconds` (the test option below the 60 s minimum). */
const persisting = async (dir: string, chunkSeconds: number, args: readonly string[], signal: 'counter' | 'none' = 'counter') => {
	const api = await startApiRecorder({
		server,
		bufferSeconds: 1,
		signal,
		env: {OMEGA13_TEST_PERSIST_CHUNK_SECONDS: String(chunkSeconds)},
		args: ['--persist', '1', '--persist-dir', dir, ...args],
	});
	running.push(api);
	return api;
};

const stop = async (api: ApiRecorder): Promise<void> => {
	running.splice(running.indexOf(api), 1);
	await api.dispose();
};

const waitForChunks = async (dir: string, count: number, timeoutMs = 30_000) => {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const {chunks} = await listChunks(dir);
		if (chunks.length >= count) {
			return chunks;
		}
		if (Date.now() > deadline) {
			throw new Error(`only ${chunks.length} chunks in ${dir} after ${timeoutMs} ms`);
		}
		await new Promise(resolve => setTimeout(resolve, 200));
	}
};

/** A 200 WAV, asked for again (as Retry-After says) while the audio is still being written to disk. */
const wavResponse = async (api: ApiRecorder, route: string) => {
	let response = await api.get(route);
	for (let tries = 0; response.status === 503 && tries < 20; tries++) {
		await response.arrayBuffer();
		await new Promise(resolve => setTimeout(resolve, 500));
		response = await api.get(route);
	}
	const bytes = Buffer.from(await response.arrayBuffer());
	assert.equal(response.status, 200, `${route}: ${bytes.toString()}`);
	const file = path.join(scratch, `range-${Date.now()}.wav`);
	await fs.writeFile(file, bytes);
	return readWav(file);
};

describe('rolling persistence (a recorder on jackd -d dummy with the counter signal)', () => {
	it('writes chunks named by their first sample, and serves a range across two chunk boundaries without a gap', async () => {
		const dir = path.join(scratch, 'flac');
		const api = await persisting(dir, 2, ['--persist-format', 'flac']);
		const chunks = await waitForChunks(dir, 4);
		// The first chunk starts before the player: from the second on, all counter.
		const [, first, second, third] = chunks;
		for (const chunk of [first!, second!, third!]) {
			assert.equal(chunk.frames, 2 * rate);
			assert.equal(path.basename(path.dirname(chunk.path)), new Date(chunk.startTime).toISOString().slice(0, 10));
			assert.equal((await fs.stat(chunk.path)).mode & 0o777, 0o600);
			assert.equal(path.basename(chunk.path), chunkFileName(chunk));
		}
		// The next chunk starts exactly where one ends (to the microsecond of the name).
		assert.ok(Math.abs(second!.startTime - (first!.startTime + 2000)) < 0.01);
		const from = new Date(first!.startTime + 1500).toISOString();
		const to = new Date(third!.startTime + 500).toISOString();
		const wav = await wavResponse(api, `/audio?from=${from}&to=${to}&format=wav`);
		assert.equal(wav.frames, Math.round(((Date.parse(to) - Date.parse(from)) * rate) / 1000));
		verifyCounter(wav.data, 2);
		// The latest 3 s: the chunk being written, then the 1 s ring.
		const latest = await wavResponse(api, '/audio?seconds=3');
		assert.equal(latest.frames, 3 * rate);
		verifyCounter(latest.data, 2);
		const status = await waitForApiStatus(api, s => s.persist?.chunks >= 4);
		assert.equal(status.persist.state, 'persisting');
		assert.equal(status.persist.format, 'flac');
		assert.match(api.recorder.lines.join('\n'), /persisting: \d+ s on disk, \d+ MB in /);
		await stop(api);
		// Quitting finishes the chunk being written: no part is left.
		assert.deepEqual((await listChunks(dir)).parts, []);
	});

	it('deletes the oldest chunks past the size cap and chunks older than the hours kept, in every folder', async () => {
		const dir = path.join(scratch, 'retention');
		const old = {startTime: Date.UTC(2020, 0, 1, 12), sampleRate: rate, channels: 2, format: 'wav' as const, frames: 10};
		const oldPath = path.join(dir, '2020-01-01', 'nested', chunkFileName(old));
		await fs.mkdir(path.dirname(oldPath), {recursive: true});
		await fs.writeFile(oldPath, 'an old chunk');
		const foreign = path.join(dir, '2020-01-01', 'notes.txt');
		await fs.writeFile(foreign, 'not ours');
		// Float WAV chunks of 1 s are 384 KB: a 1 MB cap keeps two of them.
		const api = await persisting(dir, 1, ['--persist-format', 'wav', '--persist-max-mb', '1']);
		await waitForApiStatus(api, s => s.persist && s.persist.chunks >= 2);
		await new Promise(resolve => setTimeout(resolve, 4000));
		const {chunks} = await listChunks(dir);
		assert.ok(chunks.length <= 2, `${chunks.length} chunks are left`);
		assert.ok(chunks.reduce((sum, chunk) => sum + chunk.bytes, 0) <= 1e6);
		await assert.rejects(fs.stat(oldPath), 'the chunk from 2020, two folders down, is gone');
		assert.equal(await fs.readFile(foreign, 'utf8'), 'not ours');
		// The newest survive.
		const newest = parseChunkName(path.basename(chunks.at(-1)!.path))!;
		assert.ok(Date.now() - newest.startTime < 5000);
		await stop(api);
	});

	it('finishes at the next start a chunk that kill -9 left as a part', async () => {
		const dir = path.join(scratch, 'crash');
		const api = await persisting(dir, 60, ['--persist-format', 'opus']);
		await waitForApiStatus(api, s => s.persist !== undefined);
		await new Promise(resolve => setTimeout(resolve, 3500));
		const {parts} = await listChunks(dir);
		assert.equal(parts.length, 1, 'a chunk is being written');
		api.recorder.child.kill('SIGKILL');
		await api.recorder.exited;
		await stop(api);
		assert.equal((await listChunks(dir)).parts.length, 1);

		const again = await persisting(dir, 60, ['--persist-format', 'opus'], 'none');
		await again.recorder.waitForLine(/persistence: finished .* left unfinished by a crash/);
		const {chunks, parts: left} = await listChunks(dir);
		assert.deepEqual(left.map(part => part.path).filter(part => part === parts[0]!.path), []);
		const repaired = chunks.find(chunk => Math.abs(chunk.startTime - parts[0]!.startTime) < 0.01);
		assert.ok(repaired, 'the repaired chunk keeps its start time');
		assert.ok(repaired.frames > 1.5 * rate, `${repaired.frames} frames survived`);
		const decoded = path.join(scratch, 'repaired.wav');
		await run('opusdec', ['--quiet', '--rate', String(rate), repaired.path, decoded]);
		assert.equal((await readWav(decoded)).frames, repaired.frames);
		await stop(again);
	});

	it('pauses below the free-space floor with a visible warning, and resumes when space returns', async t => {
		const mountPoint = path.join(scratch, 'small-disk');
		await fs.mkdir(mountPoint);
		try {
			await run('mount', ['-t', 'tmpfs', '-o', 'size=6m,mode=0700', 'tmpfs', mountPoint]);
		} catch (error) {
			t.skip(`cannot mount a small tmpfs here (${(error as Error).message.split('\n')[0]}): needs root`);
			return;
		}
		try {
			const api = await persisting(mountPoint, 1, ['--persist-format', 'wav', '--persist-min-free-mb', '3']);
			await waitForApiStatus(api, s => s.persist?.chunks >= 1);
			const ballast = path.join(mountPoint, 'ballast');
			await fs.writeFile(ballast, Buffer.alloc(4 * 1024 * 1024));
			await api.recorder.waitForLine(/persistence paused: only .* free on the disk of/);
			const paused = await waitForApiStatus(api, s => s.persist.state === 'paused');
			assert.match(paused.persist.reason, /free some space/);
			assert.equal(paused.source.status, 'running', 'the ring goes on');
			const chunksWhilePaused = paused.persist.chunks;
			await fs.rm(ballast);
			await api.recorder.waitForLine(/persistence resumed: .* free again/);
			await waitForApiStatus(api, s => s.persist.state === 'persisting' && s.persist.chunks > chunksWhilePaused);
			await stop(api);
		} finally {
			await run('umount', [mountPoint]);
		}
	});
});
