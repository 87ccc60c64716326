import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {pastSessionCommands} from '../src/app/past-sessions.js';
import type {Session} from '../src/session/session.js';
import {recordSession} from './helpers/recorded-sessions.js';

// Session ids are local times: fix them.
process.env['TZ'] = 'UTC';

let root: string;
let sessions: string;
let live: Session;

before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-past-sessions-'));
	sessions = path.join(root, 'sessions');
	await recordSession(sessions, '2025-11-23T14:05:00Z', [
		{startedAt: '2025-11-23T14:05:00Z', seconds: 2, transcript: {status: 'done', model: 'base.en', text: ' Hello there. '}, txt: 'Hello there.\n'},
		// The manifest has no text (a build that kept only the files): the text comes from 002.txt.
		{startedAt: '2025-11-23T14:06:30Z', seconds: 1.5, transcript: {status: 'done', model: 'base.en', files: {txt: '002.txt'}}, txt: 'From the text file.\n'},
		{startedAt: '2025-11-23T14:08:00Z', seconds: 1.25, transcript: {status: 'failed', reason: 'model not found at /m/ggml-base.en.bin'}, flac: true},
	]);
	// The transcript record was lost (a repair rebuilt the manifest) but 001.txt is there.
	await recordSession(sessions, '2025-11-24T09:00:00Z', [{startedAt: '2025-11-24T09:00:00Z', seconds: 1, txt: 'Only in the file.\n'}]);
	// The session being recorded into, still open.
	live = await recordSession(sessions, '2025-11-25T10:00:00Z', [{startedAt: '2025-11-25T10:00:00Z', seconds: 1, transcript: {status: 'queued'}}], {keepOpen: true});
	await recordSession(sessions, '2025-11-22T08:00:00Z', [{startedAt: '2025-11-22T08:00:00Z', seconds: 1}]);
	await writeFile(path.join(sessions, '2025-11-22_08-00-00', 'session.json'), '{"version": 1, "id": ');
	// Not sessions: a directory without a manifest, and a stray file.
	await mkdir(path.join(sessions, 'notes'));
	await writeFile(path.join(sessions, 'README'), 'hello');
});

after(async () => {
	await live?.dispose();
	await rm(root, {recursive: true, force: true});
});

/** Every file under `dir` with a hash of its content and its mtime, to show that reading changed nothing. */
const fingerprint = async (dir: string): Promise<Record<string, string>> => {
	const result: Record<string, string> = {};
	for (const entry of await readdir(dir, {withFileTypes: true, recursive: true})) {
		if (entry.isFile()) {
			const file = path.join(entry.parentPath, entry.name);
			const info = await stat(file);
			result[path.relative(dir, file)] = `${createHash('sha256').update(await readFile(file)).digest('hex')} ${info.mtimeMs} ${info.mode}`;
		}
	}
	return result;
};

describe('pastSessionCommands', () => {
	it('lists the sessions newest first with captures, length and transcript counts; an unreadable one last, saying why', async () => {
		const list = await pastSessionCommands(sessions).listSessions();
		assert.deepEqual(
			list.map(({id, createdAt, captures, totalSeconds, transcripts, error}) => ({id, createdAt, captures, totalSeconds, transcripts, error})),
			[
				{id: '2025-11-25_10-00-00', createdAt: '2025-11-25T10:00:00.000Z', captures: 1, totalSeconds: 1, transcripts: {done: 0, failed: 0, pending: 1}, error: undefined},
				{id: '2025-11-24_09-00-00', createdAt: '2025-11-24T09:00:00.000Z', captures: 1, totalSeconds: 1, transcripts: {done: 0, failed: 0, pending: 0}, error: undefined},
				{id: '2025-11-23_14-05-00', createdAt: '2025-11-23T14:05:00.000Z', captures: 3, totalSeconds: 4.75, transcripts: {done: 2, failed: 1, pending: 0}, error: undefined},
				{id: '2025-11-22_08-00-00', createdAt: '', captures: 0, totalSeconds: 0, transcripts: {done: 0, failed: 0, pending: 0}, error: list[3]!.error},
			],
		);
		assert.equal(list[0]!.dir, live.dir, 'the live session is listed under the directory the recorder uses');
		assert.match(list[3]!.error!, /^not valid JSON \(/, 'the reason, without the manifest path the row already names');
		assert.ok(!('error' in list[0]!), 'a readable session has no error field');
	});

	it('opens a session read-only: its captures, with transcript text from the manifest or else NNN.txt', async () => {
		const {openSession} = pastSessionCommands(sessions);
		const view = await openSession('2025-11-23_14-05-00');
		assert.equal(view.dir, path.join(sessions, '2025-11-23_14-05-00'));
		assert.deepEqual(view.captures, [
			{index: 1, file: '001.wav', startedAt: '2025-11-23T14:05:00.000Z', durationSeconds: 2, state: 'complete', transcript: {status: 'done', text: 'Hello there.'}},
			{index: 2, file: '002.wav', startedAt: '2025-11-23T14:06:30.000Z', durationSeconds: 1.5, state: 'complete', transcript: {status: 'done', text: 'From the text file.'}},
			{
				index: 3,
				file: '003.flac',
				startedAt: '2025-11-23T14:08:00.000Z',
				durationSeconds: 1.25,
				state: 'complete',
				transcript: {status: 'failed', reason: 'model not found at /m/ggml-base.en.bin'},
			},
		]);
		const lost = await openSession('2025-11-24_09-00-00');
		assert.deepEqual(lost.captures[0]!.transcript, {status: 'done', text: 'Only in the file.'}, 'a text file without a record is a finished transcript');
		const current = await openSession('2025-11-25_10-00-00');
		assert.deepEqual(current.captures[0]!.transcript, {status: 'queued'}, 'the live session reads as it stands');
	});

	it('a capture whose audio is gone reads as missing', async () => {
		const dir = path.join(root, 'missing-audio');
		await recordSession(dir, '2025-12-01T10:00:00Z', [{startedAt: '2025-12-01T10:00:00Z', seconds: 1}]);
		await unlink(path.join(dir, '2025-12-01_10-00-00', '001.wav'));
		const view = await pastSessionCommands(dir).openSession('2025-12-01_10-00-00');
		assert.equal(view.captures[0]!.state, 'missing');
		assert.equal(view.captures[0]!.file, '001.wav');
	});

	it('a corrupt manifest is listed as unreadable, and opening it says why instead of crashing', async () => {
		await assert.rejects(pastSessionCommands(sessions).openSession('2025-11-22_08-00-00'), (error: unknown) => {
			assert.ok(error instanceof Error);
			assert.match(error.message, /^session 2025-11-22_08-00-00 cannot be read: not valid JSON \(/);
			return true;
		});
	});

	it('listing and opening change nothing on disk', async () => {
		const before = await fingerprint(sessions);
		const commands = pastSessionCommands(sessions);
		for (const summary of await commands.listSessions()) {
			await commands.openSession(summary.id).catch(() => undefined);
		}
		assert.deepEqual(await fingerprint(sessions), before);
	});

	it('refuses an id that is not a directory name, and says when a session is gone', async () => {
		const {openSession} = pastSessionCommands(sessions);
		for (const id of ['', '.', '..', '../sessions', 'a/b', 'a\\b']) {
			await assert.rejects(openSession(id), {name: 'TypeError', message: `openSession: id must be a session directory name, got ${JSON.stringify(id)}`});
		}
		await assert.rejects(openSession('2020-01-01_00-00-00'), {
			message: `no session 2020-01-01_00-00-00 in ${sessions} (deleted since the list was read?)`,
		});
	});

	it('a sessions root that does not exist yet has no sessions; an empty root is refused', async () => {
		assert.deepEqual(await pastSessionCommands(path.join(root, 'nothing-here')).listSessions(), []);
		assert.throws(() => pastSessionCommands(''), {name: 'TypeError', message: 'pastSessionCommands: sessionsRoot must be a non-empty string'});
	});
});
