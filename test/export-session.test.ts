import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {exportSession, srtTime} from '../src/session/export-session.js';
import {recordSampleSessions, recordSession} from './helpers/recorded-sessions.js';

// Local times in the documents are the test's fixed UTC times.
process.env['TZ'] = 'UTC';

const sessionModule = fileURLToPath(new URL('../src/session/session.js', import.meta.url));

let root: string;
let sessions: string;
let sessionDir: string;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-export-'));
	sessions = path.join(root, 'sessions');
	await recordSampleSessions(sessions);
	sessionDir = path.join(sessions, '2025-11-23_14-05-00');
});
after(async () => {
	await rm(root, {recursive: true, force: true});
});

const same = async (a: string, b: string): Promise<boolean> => (await readFile(a)).equals(await readFile(b));

describe('exportSession', () => {
	it('copies audio and transcripts and writes the session as Markdown', async () => {
		const to = path.join(root, 'out-md');
		const result = await exportSession(sessions, '2025-11-23', {to});
		assert.equal(result.sessionId, '2025-11-23_14-05-00');
		assert.deepEqual(result.files, ['001.wav', '001.txt', '001.json', '002.wav', '003.flac', '2025-11-23_14-05-00.md']);
		assert.deepEqual(result.skipped, []);
		assert.deepEqual((await readdir(to)).sort(), [...result.files].sort());
		for (const name of ['001.wav', '001.txt', '001.json', '002.wav', '003.flac']) {
			assert.ok(await same(path.join(sessionDir, name), path.join(to, name)), `${name} is copied as it is`);
		}
		// The session's own transcript.md, for the captures exported.
		assert.equal(
			await readFile(path.join(to, '2025-11-23_14-05-00.md'), 'utf8'),
			[
				'# Transcript: session 2025-11-23_14-05-00',
				'',
				'## 001 · 2025-11-23 14:05:00 · 0:02.0',
				'',
				'Hello there.',
				'',
				'## 002 · 2025-11-23 14:06:30 · 0:01.5',
				'',
				'_transcription failed: model not found at /m/ggml-base.en.bin_',
				'',
				'## 003 · 2025-11-23 14:08:00 · 0:01.2',
				'',
				'Third capture.',
				'',
			].join('\n'),
		);
	});

	it('writes one SRT cue per segment, or per capture without segments, timed from the first capture', async () => {
		const to = path.join(root, 'out-srt');
		await exportSession(sessions, '2025-11-23_14-05-00', {to, format: 'srt'});
		assert.equal(
			await readFile(path.join(to, '2025-11-23_14-05-00.srt'), 'utf8'),
			[
				'1',
				'00:00:00,000 --> 00:00:00,800',
				'Hello',
				'',
				'2',
				'00:00:00,800 --> 00:00:01,900',
				'there.',
				'',
				'3',
				'00:03:00,000 --> 00:03:01,250',
				'Third capture.',
				'',
			].join('\n'),
		);
	});

	it('writes the manifest with each capture\'s audio file, offset, text and segments as JSON', async () => {
		const to = path.join(root, 'out-json');
		await exportSession(sessions, '2025-11-23', {to, format: 'json'});
		const document = JSON.parse(await readFile(path.join(to, '2025-11-23_14-05-00.json'), 'utf8')) as {
			id: string;
			captures: Array<{file: string; audioFile: string; offsetSeconds: number; text: string | null; segments: unknown; transcript?: {status: string}}>;
		};
		assert.equal(document.id, '2025-11-23_14-05-00');
		assert.deepEqual(
			document.captures.map(({file, audioFile, offsetSeconds, text}) => ({file, audioFile, offsetSeconds, text})),
			[
				{file: '001.wav', audioFile: '001.wav', offsetSeconds: 0, text: 'Hello there.'},
				{file: '002.wav', audioFile: '002.wav', offsetSeconds: 90, text: null},
				{file: '003.wav', audioFile: '003.flac', offsetSeconds: 180, text: 'Third capture.'},
			],
		);
		assert.deepEqual(document.captures[0]!.segments, [
			{start: 0, end: 0.8, text: 'Hello'},
			{start: 0.8, end: 1.9, text: 'there.'},
		]);
		assert.equal(document.captures[1]!.transcript?.status, 'failed');
	});

	it('refuses to overwrite anything and then writes nothing', async () => {
		const to = path.join(root, 'out-twice');
		await exportSession(sessions, 'last', {to});
		await writeFile(path.join(to, 'note.txt'), 'mine');
		const before = (await readdir(to)).sort();
		await assert.rejects(
			exportSession(sessions, 'last', {to}),
			new Error(`${to} already has 001.wav, 2025-11-24_10-00-00.md; nothing was exported (choose another --to directory, or move those away)`),
		);
		assert.deepEqual((await readdir(to)).sort(), before);
	});

	it('leaves out a capture another omega13 is still recording', async () => {
		const live = path.join(root, 'live-sessions');
		const session = await recordSession(
			live,
			'2025-12-01T08:00:00Z',
			[
				{startedAt: '2025-12-01T08:00:00Z', seconds: 1, transcript: {status: 'done', text: 'Done one.'}},
				{startedAt: '2025-12-01T08:00:30Z', seconds: 0.5, state: 'recording'},
			],
		);
		// Another process opens the session, as a running recorder has it open.
		const child = spawn(
			process.execPath,
			[
				'--input-type=module',
				'-e',
				`const {Session} = await import(${JSON.stringify(sessionModule)}); await Session.open(process.argv[1]); process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`,
				session.dir,
			],
			{stdio: ['ignore', 'pipe', 'inherit']},
		);
		try {
			const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
			assert.equal(chunk.toString(), 'ready\n');
			const to = path.join(root, 'out-live');
			const result = await exportSession(live, 'last', {to});
			assert.deepEqual(result.skipped, ['002.wav: still being recorded']);
			assert.deepEqual(result.files, ['001.wav', '2025-12-01_08-00-00.md']);
		} finally {
			child.kill('SIGKILL');
			await once(child, 'close');
		}
	});

	it('validates its arguments', async () => {
		await assert.rejects(exportSession(sessions, 'last', {to: ''}), new TypeError('exportSession: to must name a directory'));
		await assert.rejects(
			exportSession(sessions, 'last', {to: path.join(root, 'x'), format: 'txt' as never}),
			new TypeError('exportSession: format must be one of md, json, srt, got txt'),
		);
	});
});

describe('srtTime', () => {
	it('formats hours, minutes, seconds and milliseconds', () => {
		assert.equal(srtTime(0), '00:00:00,000');
		assert.equal(srtTime(3723.4567), '01:02:03,457');
	});
});
