import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {describeSession} from '../src/session/describe-sessions.js';
import {exportSession} from '../src/session/export-session.js';
import type {SessionManifest} from '../src/session/session-manifest.js';
import {startInferenceServer, type InferenceServer} from './helpers/inference-server.js';
import {runCli} from './helpers/recorder-process.js';
import {jfkWav, makeSession, testModel, whisperTestEnv} from './helpers/whisper.js';

const manifestOf = async (dir: string): Promise<SessionManifest> => JSON.parse(await readFile(path.join(dir, 'session.json'), 'utf8')) as SessionManifest;

/**
 * Issue 13 item 5: a retry that fails (missing model, an endpoint answering 401) is recorded beside the
 * transcript that was done, which stays in force in session.json, transcript.md, `sessions show` and
 * exports. The first transcript is real whisper.cpp with the weightless test model (done, empty text).
 */
describe('a failed re-transcription never hides a good transcript', () => {
	let root: string;
	let server: InferenceServer;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcript-kept-'));
		server = await startInferenceServer('sk-right-key');
	});
	after(async () => {
		await server.close();
		await rm(root, {recursive: true, force: true});
	});

	const failedRetryKeepsTranscript = async (name: string, retryFlags: string[], reason: RegExp): Promise<void> => {
		const sessionsDir = path.join(root, name);
		const dir = await makeSession(sessionsDir, [jfkWav]);
		const env = whisperTestEnv({OMEGA13_ENGINE_KEY: 'sk-wrong-key'});
		const first = await runCli(['transcribe', dir, '1', '--model', testModel], env);
		assert.equal(first.code, 0, first.stderr);
		const good = (await manifestOf(dir)).captures[0]!.transcript!;
		assert.equal(good.status, 'done');
		const txtBefore = await readFile(path.join(dir, '001.txt'), 'utf8');
		const markdownBefore = await readFile(path.join(dir, 'transcript.md'), 'utf8');

		const retry = await runCli(['transcribe', dir, '1', ...retryFlags], env);
		assert.equal(retry.code, 1, 'the retry failed, and the command says so');
		assert.match(retry.stdout, /capture 001 transcription failed: /);

		const kept = (await manifestOf(dir)).captures[0]!.transcript!;
		assert.equal(kept.status, 'done', 'the good transcript stays in force');
		assert.equal(kept.finishedAt, good.finishedAt);
		assert.equal(kept.model, good.model);
		assert.deepEqual(kept.files, good.files);
		assert.equal(kept.retry?.status, 'failed');
		assert.match(kept.retry.reason ?? '', reason);
		assert.equal(await readFile(path.join(dir, '001.txt'), 'utf8'), txtBefore);

		const markdown = await readFile(path.join(dir, 'transcript.md'), 'utf8');
		assert.ok(!markdown.includes('_transcription failed'), markdown);
		assert.ok(markdown.startsWith(markdownBefore.trimEnd()), 'transcript.md still shows the transcript');
		assert.match(markdown, /_a later transcription failed \(.+\); this transcript is kept_/);

		const id = path.basename(dir);
		const shown = await describeSession(sessionsDir, id);
		assert.ok(!shown.includes('transcript failed'), shown);
		assert.match(shown, /transcript done \(for-tests-ggml-tiny\.en\): no speech found\n\s+a later transcription failed \(/);
		assert.match(shown, /transcripts: 1 done, 0 failed/);
		const shownByCli = await runCli(['sessions', 'show', id, '--sessions-dir', sessionsDir], env);
		assert.equal(shownByCli.code, 0, shownByCli.stderr);
		assert.ok(!shownByCli.stdout.includes('transcript failed'), shownByCli.stdout);

		const exported = await exportSession(sessionsDir, id, {to: path.join(root, `${name}-export`), format: 'json'});
		const json = JSON.parse(await readFile(path.join(exported.dir, `${id}.json`), 'utf8')) as {captures: Array<{transcript: {status: string}}>};
		assert.equal(json.captures[0]!.transcript.status, 'done');
		const md = await exportSession(sessionsDir, id, {to: path.join(root, `${name}-export-md`), format: 'md'});
		assert.ok(!(await readFile(path.join(md.dir, `${id}.md`), 'utf8')).includes('_transcription failed'));

		// A later retry that succeeds replaces the transcript and clears the failure.
		const third = await runCli(['transcribe', dir, '1', '--model', testModel], env);
		assert.equal(third.code, 0, third.stderr);
		const replaced = (await manifestOf(dir)).captures[0]!.transcript!;
		assert.equal(replaced.status, 'done');
		assert.equal(replaced.retry, undefined);
		assert.notEqual(replaced.finishedAt, good.finishedAt);
	};

	test('a retry with a missing model', async () => {
		const missing = path.join(root, 'nowhere', 'ggml-base.en.bin');
		await failedRetryKeepsTranscript('missing-model', ['--model', missing], /^model not found at /);
	});

	test('a retry against an endpoint on loopback answering 401', async () => {
		await failedRetryKeepsTranscript('http-401', ['--engine-url', `${server.url}/v1`], /answered HTTP 401/);
	});
});
