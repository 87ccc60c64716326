import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {describeSession} from '../src/session/describe-sessions.js';
import {exportSession} from '../src/session/export-session.js';
import {Session} from '../src/session/session.js';
import type {SessionManifest} from '../src/session/session-manifest.js';
import {lazyEngine} from '../src/transcribe/engine-factory.js';
import {captureRecord} from './helpers/capture-record.js';
import {jfkWav, makeSession, testModel, transcribeWithQueue, whisperTestEnv} from './helpers/whisper.js';

const manifestText = (dir: string): Promise<string> => readFile(path.join(dir, 'session.json'), 'utf8');
const manifestOf = async (dir: string): Promise<SessionManifest> => JSON.parse(await manifestText(dir)) as SessionManifest;

/** Issue 13 item 10 (storage): transcripts live in their own files; session.json names them and stays small. */
describe('transcripts are stored in their own files, not in session.json', () => {
	let root: string;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcript-storage-'));
	});
	after(() => rm(root, {recursive: true, force: true}));

	test('a real transcription writes 001.txt and leaves the text out of session.json', async () => {
		const dir = await makeSession(path.join(root, 'real'), [jfkWav]);
		const [state] = await transcribeWithQueue(dir, {engine: lazyEngine({env: whisperTestEnv(), model: testModel})});
		assert.equal(state!.status, 'done', state!.reason);
		assert.equal(state!.text, '', 'the weightless test model hears nothing');
		const saved = (await manifestOf(dir)).captures[0]!.transcript!;
		assert.equal(saved.status, 'done');
		assert.ok(!('text' in saved), JSON.stringify(saved));
		assert.deepEqual(saved.files, {txt: '001.txt', json: '001.json'});
		assert.equal(await readFile(path.join(dir, '001.txt'), 'utf8'), '');
	});

	test('a 5 MB transcript leaves session.json small through later captures, and is read back everywhere', async () => {
		const sessionsDir = path.join(root, 'big');
		const session = await Session.create(sessionsDir);
		const big = `${'the quick brown fox jumps over the lazy dog. '.repeat(116_000)}end`;
		try {
			await session.addCapture(captureRecord(1, {state: 'complete'}));
			// The file first, then the record naming it, as the transcription queue does.
			await writeFile(path.join(session.dir, '001.txt'), `${big}\n`, {mode: 0o600});
			await session.updateCapture(1, {transcript: {status: 'done', model: 'base.en', text: big, files: {txt: '001.txt'}}});
			assert.equal(session.manifest.captures[0]!.transcript!.text, big, 'the running omega13 keeps the text at hand');
			for (let index = 2; index <= 5; index++) {
				await session.addCapture(captureRecord(index, {state: 'complete'}));
				const {size} = await stat(path.join(session.dir, 'session.json'));
				assert.ok(size < 4096, `session.json is ${size} bytes after capture ${index}`);
			}
		} finally {
			await session.dispose();
		}
		assert.ok(!(await manifestText(session.dir)).includes('quick brown fox'));

		const reopened = await Session.open(session.dir);
		try {
			assert.equal(reopened.manifest.captures[0]!.transcript!.text, big, 'Session.open reads the text back from 001.txt');
		} finally {
			await reopened.dispose();
		}
		const shown = await describeSession(sessionsDir, session.id);
		assert.match(shown, /the quick brown fox/);
		const exported = await exportSession(sessionsDir, session.id, {to: path.join(root, 'big-export'), format: 'md'});
		assert.ok((await readFile(path.join(exported.dir, `${session.id}.md`), 'utf8')).includes(`${big.slice(-200)}\n`));
	});

	test('an older session.json with inline transcripts is still read, and moves the text to its file on the next save', async () => {
		const sessionsDir = path.join(root, 'old');
		const session = await Session.create(sessionsDir);
		const {dir, id} = session;
		await session.dispose();
		const old = {
			version: 1,
			id,
			createdAt: '2025-11-23T10:00:00.000Z',
			captures: [
				// Its 001.txt is gone; the inline text is all there is.
				{...captureRecord(1, {state: 'complete'}), transcript: {status: 'done', text: 'inline one', files: {txt: '001.txt', json: '001.json'}}},
				// No file named at all: the text stays inline.
				{...captureRecord(2, {state: 'complete'}), transcript: {status: 'done', text: 'inline two'}},
			],
		};
		await writeFile(path.join(dir, 'session.json'), JSON.stringify(old), {mode: 0o600});
		assert.match(await describeSession(sessionsDir, id), /inline one[\s\S]*inline two/);

		const reopened = await Session.open(dir);
		try {
			await reopened.addCapture(captureRecord(3, {state: 'complete'}));
		} finally {
			await reopened.dispose();
		}
		const saved = await manifestOf(dir);
		assert.ok(!('text' in saved.captures[0]!.transcript!), 'the text of 001 moved out');
		assert.equal(await readFile(path.join(dir, '001.txt'), 'utf8'), 'inline one\n');
		assert.equal(saved.captures[1]!.transcript!.text, 'inline two');
		const shown = await describeSession(sessionsDir, id);
		assert.match(shown, /inline one[\s\S]*inline two/);
	});
});
