import assert from 'node:assert/strict';
import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {lazyEngine, type EngineConfig} from '../src/transcribe/engine-factory.js';
import {readEngineKey} from '../src/transcribe/engine-key.js';
import {remoteEngineFromUrl} from '../src/transcribe/remote-engine.js';
import {parseMainJson, parseVerboseJson} from '../src/transcribe/whisper-output.js';
import {freeLoopbackPort} from './helpers/free-port.js';
import {startInferenceServer, type InferenceServer} from './helpers/inference-server.js';
import {runCli} from './helpers/recorder-process.js';
import {jfkWav, makeSession, transcribeWithQueue, whisperTestEnv} from './helpers/whisper.js';

const key = 'sk-test-5f2b9c';

const transcribeAll = (dir: string, config: EngineConfig, env = whisperTestEnv()) => transcribeWithQueue(dir, {engine: lazyEngine({env, vad: 'off', ...config})});

describe('remote engines: a whisper.cpp server, or an OpenAI-compatible service with a key', () => {
	let root: string;
	let server: InferenceServer;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcribe-remote-'));
		server = await startInferenceServer(key);
	});
	after(async () => {
		await server.close();
		await rm(root, {recursive: true, force: true});
	});

	test('a whisper.cpp server URL gets /inference and its verbose_json is read', async () => {
		const dir = await makeSession(path.join(root, 'server'), [jfkWav]);
		const remote = remoteEngineFromUrl(server.url);
		assert.deepEqual(remote, {kind: 'whisper-server', url: server.url});
		const [state] = await transcribeAll(dir, {remote});
		assert.equal(state!.status, 'done', state!.reason);
		assert.equal(state!.engine, `whisper.cpp server at ${new URL(server.url).host}`);
		assert.equal(state!.language, 'en');
		assert.equal(server.seen.at(-1)?.['response_format'], 'verbose_json');
	});

	test('an OpenAI-compatible URL sends the model asked for and the key from OMEGA13_ENGINE_KEY as a bearer header; a wrong key fails saying 401, never showing the key', async () => {
		const dir = await makeSession(path.join(root, 'openai'), [jfkWav]);
		const remote = {...remoteEngineFromUrl(`${server.url}/v1`), model: 'gpt-4o-transcribe'};
		const [state] = await transcribeAll(dir, {remote}, whisperTestEnv({OMEGA13_ENGINE_KEY: key}));
		assert.equal(state!.status, 'done', state!.reason);
		assert.equal(state!.engine, `OpenAI-compatible API at ${new URL(server.url).host}`);
		assert.equal(state!.model, 'gpt-4o-transcribe');
		assert.deepEqual(server.seen.at(-1), {file: 'file:audio.wav', model: 'gpt-4o-transcribe', response_format: 'verbose_json', 'timestamp_granularities[]': 'segment', language: 'en'});
		assert.equal(server.authorizations.at(-1), `Bearer ${key}`);

		const [refused] = await transcribeAll(dir, {remote}, whisperTestEnv({OPENAI_API_KEY: 'sk-wrong-1234'}));
		assert.equal(refused!.status, 'failed');
		assert.equal(refused!.reason, `the transcription service at ${server.url}/v1/audio/transcriptions answered HTTP 401: {"error":{"message":"Incorrect API key provided"}}`);
		assert.equal(server.authorizations.at(-1), 'Bearer sk-wrong-1234', 'OPENAI_API_KEY is the fallback');
		const stored = await readFile(path.join(dir, 'session.json'), 'utf8');
		assert.ok(!stored.includes(key) && !stored.includes('sk-wrong-1234'), 'no key in the manifest');
	});

	test('a key file is used only when its mode is 0600, and the message says how to fix it', async () => {
		const file = path.join(root, 'engine.key');
		await writeFile(file, `${key}\n`, {mode: 0o644});
		await chmod(file, 0o644);
		await assert.rejects(readEngineKey(file, {}), {
			message: `the engine key file ${file} is readable by others (mode 0644), so it is not used: run \`chmod 600 ${file}\``,
		});
		const dir = await makeSession(path.join(root, 'keyfile'), [jfkWav]);
		const [refused] = await transcribeAll(dir, {remote: remoteEngineFromUrl(`${server.url}/v1`), keyFile: file});
		assert.equal(refused!.status, 'failed');
		assert.match(refused!.reason!, /is readable by others \(mode 0644\), so it is not used: run `chmod 600 /);
		assert.ok(!refused!.reason!.includes(key));
		await chmod(file, 0o600);
		assert.equal(await readEngineKey(file, {}), key);
		assert.equal(await readEngineKey(file, {OMEGA13_ENGINE_KEY: 'from-env'}), 'from-env', 'the variable wins over the file');
		await assert.rejects(readEngineKey(path.join(root, 'none.key'), {}), /cannot be read \(ENOENT\): create it with the key on one line and chmod 600/);
	});

	test('omega13 transcribe with --engine-url, --engine-model and the config\'s engineKeyFile (no key on the command line)', async () => {
		const file = path.join(root, 'cli.key');
		await writeFile(file, `${key}\n`, {mode: 0o600});
		const config = path.join(root, 'config.json');
		await writeFile(config, JSON.stringify({engineKeyFile: file}));
		const dir = await makeSession(path.join(root, 'cli'), [jfkWav]);
		const result = await runCli(['transcribe', dir, '--config', config, '--engine-url', `${server.url}/v1`, '--engine-model', 'whisper-large-v3'], whisperTestEnv());
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /capture 001 transcribed/);
		assert.equal(server.seen.at(-1)?.['model'], 'whisper-large-v3');
		assert.equal(server.authorizations.at(-1), `Bearer ${key}`);
		assert.ok(!(result.stdout + result.stderr).includes(key), 'the key is never printed');
	});

	test('a remote server that is not there fails the capture saying so', async () => {
		const dir = await makeSession(path.join(root, 'gone'), [jfkWav]);
		const port = await freeLoopbackPort();
		const [state] = await transcribeAll(dir, {remote: {kind: 'whisper-server', url: `http://127.0.0.1:${port}/`}});
		assert.equal(state!.status, 'failed');
		assert.equal(state!.reason, `could not reach the whisper.cpp server at http://127.0.0.1:${port}/inference (ECONNREFUSED)`);
	});
});

test("whisper-cli's JSON segments become seconds, even with raw control characters in the text", () => {
	const text = `{\n\t"result": {"language": "en"},\n\t"transcription": [\n\t\t{"offsets": {"from": 0, "to": 2080}, "text": " And so\tmy fellow\u0001 Americans"},\n\t\t{"offsets": {"from": 2080, "to": 4500}, "text": " ask not"}\n\t]\n}`;
	assert.deepEqual(parseMainJson(text), {
		language: 'en',
		segments: [
			{start: 0, end: 2.08, text: ' And so my fellow Americans'},
			{start: 2.08, end: 4.5, text: ' ask not'},
		],
	});
});

test('an answer with only text still gives one segment per line, without times', () => {
	assert.deepEqual(parseVerboseJson({text: ' And so my fellow Americans\n ask not\n'}), {
		language: undefined,
		segments: [
			{start: undefined, end: undefined, text: ' And so my fellow Americans'},
			{start: undefined, end: undefined, text: ' ask not'},
		],
	});
	assert.throws(() => parseVerboseJson({nothing: true}), /neither segments nor text/);
});
