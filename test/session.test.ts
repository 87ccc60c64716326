import assert from 'node:assert/strict';
import {mkdtemp, readdir, readFile, rm, stat, unlink, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {listSessions} from '../src/session/list-sessions.js';
import {Session} from '../src/session/session.js';
import {captureRecord} from './helpers/capture-record.js';

let root: string;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-session-'));
});
after(async () => {
	await rm(root, {recursive: true, force: true});
});

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;
const readManifest = async (session: Session): Promise<unknown> => JSON.parse(await readFile(path.join(session.dir, 'session.json'), 'utf8'));


describe('Session', () => {
	it('creates a private directory named for the local time, with its manifest', async () => {
		const now = new Date(2025, 10, 23, 9, 5, 7);
		const sessionsRoot = path.join(root, 'made', 'sessions');
		const session = await Session.create(sessionsRoot, {now});
		try {
			assert.equal(session.id, '2025-11-23_09-05-07');
			assert.equal(session.dir, path.join(sessionsRoot, '2025-11-23_09-05-07'));
			assert.equal(await modeOf(sessionsRoot), 0o700);
			assert.equal(await modeOf(session.dir), 0o700);
			assert.equal(await modeOf(path.join(session.dir, 'session.json')), 0o600);
			const expected = {version: 1, id: '2025-11-23_09-05-07', createdAt: now.toISOString(), captures: []};
			assert.deepEqual(session.manifest, expected);
			assert.deepEqual(await readManifest(session), expected);
		} finally {
			await session.dispose();
		}
	});

	it('adds -2, -3 when the name is taken', async () => {
		const now = new Date(2025, 0, 2, 3, 4, 5);
		const sessions = [await Session.create(root, {now}), await Session.create(root, {now}), await Session.create(root, {now})];
		assert.deepEqual(
			sessions.map((session) => session.id),
			['2025-01-02_03-04-05', '2025-01-02_03-04-05-2', '2025-01-02_03-04-05-3'],
		);
		await Promise.all(sessions.map(async (session) => session.dispose()));
	});

	it('numbers captures from 001 and never reuses a number from the disk, the manifest or an earlier call', async () => {
		const session = await Session.create(root, {now: new Date(2025, 1, 1)});
		try {
			assert.deepEqual(session.nextCapture(), {index: 1, file: '001.wav', path: path.join(session.dir, '001.wav')});
			// Reserved but never written: still not reused.
			assert.equal(session.nextCapture().file, '002.wav');
			await writeFile(path.join(session.dir, '007.txt'), 'a transcript whose audio is gone');
			assert.equal(session.nextCapture('flac').file, '008.flac');
			await session.addCapture(captureRecord(12));
			assert.equal(session.nextCapture().index, 13);
			await unlink(path.join(session.dir, '007.txt'));
			assert.equal(session.nextCapture().index, 14);
			assert.throws(() => session.nextCapture('../x'), new TypeError('Session.nextCapture: extension must be letters and digits, got ../x'));
		} finally {
			await session.dispose();
		}
		const reopened = await Session.open(session.dir);
		try {
			assert.equal(reopened.nextCapture().index, 13);
		} finally {
			await reopened.dispose();
		}
	});

	it('persists records atomically and replaces the snapshot on every change', async () => {
		const session = await Session.create(root, {now: new Date(2025, 2, 3)});
		const seen: unknown[] = [];
		const unsubscribe = session.subscribe(() => seen.push(session.getSnapshot()));
		const empty = session.getSnapshot();
		await session.addCapture(captureRecord(1));
		const recording = session.getSnapshot();
		assert.notEqual(recording, empty);
		assert.deepEqual(empty.captures, []);
		assert.ok(Object.isFrozen(recording) && Object.isFrozen(recording.captures[0]));

		await session.updateCapture(1, {state: 'complete', endedAt: '2025-11-23T10:00:20.000Z', frames: 960_000, durationSeconds: 20});
		await session.addCapture(captureRecord(2, {transcript: {status: 'queued', queuedAt: '2025-11-23T10:00:21.000Z'}}));
		await writeFile(path.join(session.dir, '002.txt'), 'ask not\n');
		await session.updateCapture(2, {transcript: {status: 'done', text: 'ask not', files: {txt: '002.txt'}}});
		assert.equal(seen.length, 4);
		assert.equal(seen.at(-1), session.getSnapshot());
		unsubscribe();
		await session.updateCapture(2, {droppedFrames: 3});
		assert.equal(seen.length, 4);

		const expected = {
			version: 1,
			id: session.id,
			createdAt: session.manifest.createdAt,
			captures: [
				captureRecord(1, {state: 'complete', endedAt: '2025-11-23T10:00:20.000Z', frames: 960_000, durationSeconds: 20}),
				captureRecord(2, {droppedFrames: 3, transcript: {status: 'done', text: 'ask not', files: {txt: '002.txt'}}}),
			],
		};
		// The text lives in 002.txt; session.json names the file and is read back with it.
		const onDisk = {...expected, captures: [expected.captures[0], captureRecord(2, {droppedFrames: 3, transcript: {status: 'done', files: {txt: '002.txt'}}})]};
		assert.deepEqual(await readManifest(session), onDisk);
		await session.dispose();
		const reopened = await Session.open(session.dir);
		assert.deepEqual(reopened.manifest, expected);
		await reopened.dispose();
	});

	it('keeps fields it does not know, so a newer build can add some', async () => {
		const session = await Session.create(root, {now: new Date(2025, 2, 4)});
		const manifestPath = path.join(session.dir, 'session.json');
		await session.addCapture(captureRecord(1, {transcript: {status: 'done', futureField: 1} as never}));
		await session.dispose();
		const json = JSON.parse(await readFile(manifestPath, 'utf8')) as {captures: Array<Record<string, unknown>>; note?: string};
		json.note = 'from the future';
		json.captures[0]!['gain'] = 0.5;
		await writeFile(manifestPath, JSON.stringify(json));
		const reopened = await Session.open(session.dir);
		await reopened.updateCapture(1, {state: 'complete'});
		await reopened.dispose();
		const saved = JSON.parse(await readFile(manifestPath, 'utf8')) as typeof json;
		assert.equal(saved.note, 'from the future');
		assert.equal(saved.captures[0]!['gain'], 0.5);
		assert.deepEqual(saved.captures[0]!['transcript'], {status: 'done', futureField: 1});
	});

	it('rejects bad records and unknown captures with exact messages', async () => {
		const session = await Session.create(root, {now: new Date(2025, 2, 5)});
		try {
			await assert.rejects(
				session.addCapture(captureRecord(1, {frames: -1, sampleFormat: 'mp3' as never})),
				new TypeError(
					'Session.addCapture: invalid capture record: frames: Too small: expected number to be >=0; sampleFormat: Invalid option: expected one of "float32"|"int32"|"int24"|"int16"',
				),
			);
			await session.addCapture(captureRecord(1));
			await assert.rejects(session.addCapture(captureRecord(1)), new Error(`Session.addCapture: capture 1 is already in ${session.id}`));
			await assert.rejects(session.updateCapture(9, {state: 'complete'}), new Error(`Session.updateCapture: no capture 9 in ${session.id}`));
		} finally {
			await session.dispose();
		}
		await assert.rejects(session.addCapture(captureRecord(2)), new Error(`Session.addCapture: session ${session.id} is disposed`));
	});

	it('ends a burst of updates with the manifest matching the last snapshot, and no temp files', async () => {
		const session = await Session.create(root, {now: new Date(2025, 2, 6)});
		await session.addCapture(captureRecord(1));
		const updates: Array<Promise<void>> = [];
		for (let frames = 1; frames <= 200; frames++) {
			updates.push(session.updateCapture(1, {frames, durationSeconds: frames / 48_000}));
		}
		await session.dispose();
		await Promise.all(updates);
		assert.deepEqual(await readManifest(session), session.manifest);
		assert.equal(session.manifest.captures[0]!.frames, 200);
		assert.deepEqual(await readdir(session.dir), ['session.json']);
	});

	it('marks an open session with a lock file and removes it on dispose', async () => {
		const session = await Session.create(root, {now: new Date(2025, 2, 7)});
		const lock = JSON.parse(await readFile(path.join(session.dir, '.omega13.lock'), 'utf8')) as {pid: number};
		assert.equal(lock.pid, process.pid);
		await session.dispose();
		await session.dispose();
		assert.deepEqual(await readdir(session.dir), ['session.json']);
	});
});

describe('listSessions', () => {
	it('summarizes the sessions under a root, oldest first', async () => {
		const listRoot = path.join(root, 'list');
		const later = await Session.create(listRoot, {now: new Date(2025, 5, 2)});
		const earlier = await Session.create(listRoot, {now: new Date(2025, 5, 1)});
		await earlier.addCapture(captureRecord(1, {durationSeconds: 13}));
		await earlier.addCapture(captureRecord(2, {durationSeconds: 2.5}));
		await Promise.all([later.dispose(), earlier.dispose()]);
		await (await Session.create(listRoot, {now: new Date(2025, 5, 3)})).dispose();
		await writeFile(path.join(listRoot, 'stray.txt'), 'not a session');

		const summaries = await listSessions(listRoot);
		assert.deepEqual(
			summaries.map(({id, captures, totalSeconds}) => ({id, captures, totalSeconds})),
			[
				{id: '2025-06-01_00-00-00', captures: 2, totalSeconds: 15.5},
				{id: '2025-06-02_00-00-00', captures: 0, totalSeconds: 0},
				{id: '2025-06-03_00-00-00', captures: 0, totalSeconds: 0},
			],
		);
		assert.equal(summaries[0]!.dir, earlier.dir);
		await writeFile(path.join(later.dir, 'session.json'), '{"version": 1');
		const withBroken = await listSessions(listRoot);
		assert.equal(withBroken.at(-1)!.id, '2025-06-02_00-00-00');
		assert.match(withBroken.at(-1)!.error!, /not valid JSON/);
		assert.deepEqual(await listSessions(path.join(root, 'nowhere')), []);
	});
});
