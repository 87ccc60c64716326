import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import {readFile, mkdtemp, rm} from 'node:fs/promises';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {after, before, describe, test} from 'node:test';
import {setTimeout as delay} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {Session} from '../src/session/session.js';
import {lazyEngine, type EngineConfig} from '../src/transcribe/engine-factory.js';
import {freeLoopbackPort} from '../src/transcribe/free-port.js';
import {remoteEngineFromUrl} from '../src/transcribe/remote-engine.js';
import {TranscriptionQueue} from '../src/transcribe/transcription-queue.js';
import type {WhisperBinaries} from '../src/transcribe/whisper-build.js';
import {parseMainJson, parseVerboseJson} from '../src/transcribe/whisper-output.js';
import {jfkWav, makeSession, testModel, testWhisper, whisperTestEnv} from './helpers/whisper.js';
import {waitUntil} from './helpers/wait-until.js';

const serverChild = fileURLToPath(new URL('fixtures/whisper-server-child.js', import.meta.url));

/** Alive and not a zombie (a zombie is dead; only its parent's reaping is left). */
const isRunning = (pid: number): boolean => {
	try {
		return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
	} catch {
		return false;
	}
};

type Server = {readonly url: string; readonly child: ChildProcess};

/** A whisper.cpp server started by hand, as someone else would run one, on a free loopback port. */
const startWhisperServer = async (binaries: WhisperBinaries, cwd: string): Promise<Server> => {
	const port = await freeLoopbackPort();
	const child = spawn(binaries.server!, ['-m', testModel, '--host', '127.0.0.1', '--port', String(port), '-t', '2'], {cwd, stdio: 'ignore'});
	const url = `http://127.0.0.1:${port}`;
	// Loading the model takes a while on a loaded machine: a generous deadline, not a measurement.
	const deadline = Date.now() + 60_000;
	for (;;) {
		try {
			await (await fetch(url)).text();
			return {url, child};
		} catch (error) {
			if (Date.now() > deadline || child.exitCode !== null) {
				throw error;
			}
			await delay(20);
		}
	}
};

const stop = async (child: ChildProcess): Promise<void> => {
	if (child.exitCode === null && child.signalCode === null) {
		child.kill('SIGTERM');
		await once(child, 'exit');
	}
};

const transcribeAll = async (dir: string, config: EngineConfig) => {
	const session = await Session.open(dir);
	const queue = new TranscriptionQueue({engine: lazyEngine({env: whisperTestEnv(), build: 'never', ...config})});
	try {
		return await Promise.all(session.manifest.captures.map((capture) => queue.enqueue(session, capture.index)));
	} finally {
		await queue.dispose();
		await session.dispose();
	}
};

describe('whisper.cpp server: kept loaded, or remote', () => {
	let root: string;
	let binaries: WhisperBinaries;
	let server: Server;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcribe-server-'));
		binaries = await testWhisper();
		server = await startWhisperServer(binaries, root);
	});
	after(async () => {
		await stop(server.child);
		await rm(root, {recursive: true, force: true});
	});

	test('the built server answers verbose_json with segments, language and duration (the patch)', async () => {
		const form = new FormData();
		form.set('file', new Blob([await readFile(jfkWav)]), 'jfk.wav');
		form.set('response-format', 'verbose_json');
		const answer = (await (await fetch(`${server.url}/inference`, {method: 'POST', body: form})).json()) as Record<string, unknown>;
		assert.deepEqual(answer['segments'], []);
		assert.equal(answer['language'], 'en');
		assert.equal(answer['task'], 'transcribe');
		assert.equal(answer['duration'], 11);
	});

	test('server mode loads the model once for several captures and stops the server on dispose', async () => {
		const dir = await makeSession(path.join(root, 'kept'), [jfkWav, jfkWav, jfkWav]);
		const spawned: ChildProcess[] = [];
		const states = await transcribeAll(dir, {mode: 'server', model: testModel, onSpawn: (child) => spawned.push(child)});
		assert.deepEqual(states.map((state) => state.status), ['done', 'done', 'done']);
		assert.ok(states.every((state) => state.engine === 'whisper.cpp 1.5.0 (server)'));
		assert.equal(spawned.length, 1, 'one server for all three captures');
		assert.ok(spawned[0]!.exitCode !== null || spawned[0]!.signalCode !== null, 'the server was stopped');
		const json = JSON.parse(await readFile(path.join(dir, '002.json'), 'utf8')) as Record<string, unknown>;
		assert.equal(json['engine'], 'whisper.cpp 1.5.0 (server)');
		assert.deepEqual(json['segments'], []);
	});

	test('the kept-loaded server dies with omega13, even when omega13 is killed with SIGKILL', async () => {
		const child = spawn(process.execPath, [serverChild, JSON.stringify(binaries), testModel, jfkWav], {stdio: ['ignore', 'pipe', 'inherit']});
		let serverPid: number | undefined;
		for await (const line of createInterface({input: child.stdout!})) {
			serverPid ??= /^server (\d+)$/.exec(line) ? Number(line.slice(7)) : undefined;
			if (line === 'ready') {
				break;
			}
		}
		assert.ok(serverPid !== undefined && isRunning(serverPid), 'the server runs');
		child.kill('SIGKILL');
		await waitUntil(`the whisper server ${serverPid} to end with the process that started it`, () => !isRunning(serverPid), {timeoutMs: 60_000, intervalMs: 50});
	});

	test('a remote whisper.cpp server URL from the config transcribes over HTTP', async () => {
		const dir = await makeSession(path.join(root, 'remote'), [jfkWav]);
		const remote = remoteEngineFromUrl(server.url);
		assert.deepEqual(remote, {kind: 'whisper-server', url: server.url});
		const [state] = await transcribeAll(dir, {mode: 'remote', remote});
		assert.equal(state!.status, 'done', state!.reason);
		assert.equal(state!.engine, `whisper.cpp server at ${new URL(server.url).host}`);
		assert.equal(state!.language, 'en');
	});

	test('an OpenAI-compatible /v1/audio/transcriptions URL gets the OpenAI form and its verbose_json is read', async () => {
		// An OpenAI-shaped front for the real whisper.cpp server: checks the request, forwards the audio.
		const seen: Array<Record<string, string>> = [];
		const front = http.createServer((request, response) => {
			void (async () => {
				const chunks: Buffer[] = [];
				for await (const chunk of request) {
					chunks.push(chunk as Buffer);
				}
				if (request.headers.authorization !== 'Bearer sk-test') {
					response.writeHead(401, {'content-type': 'application/json'}).end('{"error":{"message":"Incorrect API key provided"}}');
					return;
				}
				const form = await new Request('http://front/', {method: 'POST', headers: {'content-type': request.headers['content-type']!}, body: Buffer.concat(chunks)}).formData();
				seen.push(Object.fromEntries([...form.entries()].map(([key, value]) => [key, typeof value === 'string' ? value : `file:${value.name}`])));
				const forward = new FormData();
				forward.set('file', form.get('file') as Blob, 'audio.wav');
				forward.set('response-format', 'verbose_json');
				const answer = await fetch(`${server.url}/inference`, {method: 'POST', body: forward});
				response.writeHead(200, {'content-type': 'application/json'}).end(await answer.text());
			})();
		});
		front.listen(0, '127.0.0.1');
		await once(front, 'listening');
		const base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
		try {
			const dir = await makeSession(path.join(root, 'openai'), [jfkWav]);
			assert.deepEqual(remoteEngineFromUrl(`${base}/v1`, 'sk-test'), {kind: 'openai', url: base, apiKey: 'sk-test'});
			const [state] = await transcribeAll(dir, {mode: 'remote', remote: remoteEngineFromUrl(`${base}/v1/audio/transcriptions`, 'sk-test')});
			assert.equal(state!.status, 'done', state!.reason);
			assert.equal(state!.engine, `OpenAI-compatible API at ${new URL(base).host}`);
			assert.equal(state!.model, 'whisper-1');
			assert.deepEqual(seen, [{file: 'file:audio.wav', model: 'whisper-1', response_format: 'verbose_json', 'timestamp_granularities[]': 'segment', language: 'en'}]);

			const [refused] = await transcribeAll(dir, {mode: 'remote', remote: {kind: 'openai', url: base, apiKey: 'wrong'}});
			assert.equal(refused!.status, 'failed');
			assert.equal(
				refused!.reason,
				`the transcription service at ${base}/v1/audio/transcriptions answered HTTP 401: {"error":{"message":"Incorrect API key provided"}}`,
			);
		} finally {
			front.close();
		}
	});

	test('a remote server that is not there fails the capture saying so', async () => {
		const dir = await makeSession(path.join(root, 'gone'), [jfkWav]);
		const port = await freeLoopbackPort();
		const [state] = await transcribeAll(dir, {mode: 'remote', remote: {kind: 'whisper-server', url: `http://127.0.0.1:${port}/`}});
		assert.equal(state!.status, 'failed');
		assert.equal(state!.reason, `could not reach the whisper.cpp server at http://127.0.0.1:${port}/inference (ECONNREFUSED)`);
	});
});

test("main's JSON segments become seconds, even with raw control characters in the text", () => {
	const text = `{\n\t"result": {"language": "en"},\n\t"transcription": [\n\t\t{"offsets": {"from": 0, "to": 2080}, "text": " And so\tmy fellow\u0001 Americans"},\n\t\t{"offsets": {"from": 2080, "to": 4500}, "text": " ask not"}\n\t]\n}`;
	assert.deepEqual(parseMainJson(text), {
		language: 'en',
		segments: [
			{start: 0, end: 2.08, text: ' And so my fellow Americans'},
			{start: 2.08, end: 4.5, text: ' ask not'},
		],
	});
});

test('an answer with only text (an unpatched server) still gives one segment per line, without times', () => {
	assert.deepEqual(parseVerboseJson({text: ' And so my fellow Americans\n ask not\n'}), {
		language: undefined,
		segments: [
			{start: undefined, end: undefined, text: ' And so my fellow Americans'},
			{start: undefined, end: undefined, text: ' ask not'},
		],
	});
	assert.throws(() => parseVerboseJson({nothing: true}), /neither segments nor text/);
});
