import assert from 'node:assert/strict';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {describeSession, describeSessionList, findSession, parseSegments, SessionLookupError} from '../src/session/describe-sessions.js';
import {recordSampleSessions} from './helpers/recorded-sessions.js';

// Local times in the output are the test's fixed UTC times.
process.env['TZ'] = 'UTC';

let root: string;
let sessions: string;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-describe-'));
	sessions = path.join(root, 'sessions');
	await recordSampleSessions(sessions);
});
after(async () => {
	await rm(root, {recursive: true, force: true});
});

const lookupError = (message: string) => (error: unknown) => {
	assert.ok(error instanceof SessionLookupError, String(error));
	assert.equal(error.message, message);
	return true;
};

describe('findSession', () => {
	it('finds a session by its full id, a unique prefix, or "last"', async () => {
		assert.equal((await findSession(sessions, '2025-11-23_14-05-00')).id, '2025-11-23_14-05-00');
		assert.equal((await findSession(sessions, '2025-11-23')).id, '2025-11-23_14-05-00');
		assert.equal((await findSession(sessions, '2025-11-24_09')).id, '2025-11-24_09-00-00');
		assert.equal((await findSession(sessions, 'last')).id, '2025-11-24_10-00-00');
	});

	it('lists the candidates when a prefix matches more than one', async () => {
		await assert.rejects(
			findSession(sessions, '2025-11-24'),
			lookupError('"2025-11-24" matches 2 sessions: 2025-11-24_09-00-00, 2025-11-24_10-00-00; give more of the id'),
		);
	});

	it('lists the newest sessions when nothing matches', async () => {
		await assert.rejects(
			findSession(sessions, '2024'),
			lookupError(`no session "2024" in ${sessions}; the newest are: 2025-11-24_10-00-00, 2025-11-24_09-00-00, 2025-11-23_14-05-00 (or say "last")`),
		);
	});

	it('says when there are no sessions at all', async () => {
		const empty = path.join(root, 'empty');
		await assert.rejects(findSession(empty, 'last'), lookupError(`there are no sessions in ${empty} yet`));
		await assert.rejects(findSession(sessions, ''), SessionLookupError);
	});
});

describe('describeSessionList', () => {
	it('prints one line per session: date, captures, length and transcripts done/failed', async () => {
		assert.equal(
			await describeSessionList(sessions),
			[
				'ID                   DATE              CAPTURES  LENGTH  TRANSCRIPTS',
				'2025-11-23_14-05-00  2025-11-23 14:05         3  0:04.7  2 done, 1 failed',
				'2025-11-24_09-00-00  2025-11-24 09:00         0  0:00.0  none',
				'2025-11-24_10-00-00  2025-11-24 10:00         1  0:01.0  0 done, 0 failed, 1 pending',
			].join('\n'),
		);
	});

	it('shows an unreadable session with what to do', async () => {
		const other = path.join(root, 'with-broken');
		await mkdir(path.join(other, 'broken'), {recursive: true});
		await writeFile(path.join(other, 'broken', 'session.json'), '{not json');
		const text = await describeSessionList(other);
		assert.match(text, /^broken +unreadable +- +- +.*not valid JSON.*\(start omega13 once to repair it\)$/m);
	});

	it('says so when there are none', async () => {
		assert.equal(await describeSessionList(path.join(root, 'none')), `No sessions in ${path.join(root, 'none')} yet.`);
	});
});

describe('describeSession', () => {
	it('prints each capture with its transcript, its failure or its encoded file', async () => {
		assert.equal(
			await describeSession(sessions, '2025-11-23'),
			[
				'Session 2025-11-23_14-05-00',
				`  Directory  ${path.join(sessions, '2025-11-23_14-05-00')}`,
				'  Created    2025-11-23 14:05:00',
				'  Captures   3, 0:04.7 in all; transcripts: 2 done, 1 failed',
				'',
				'001.wav  14:05:00  0:02.0  48000 Hz, 2 ch, float32',
				'    Hello there.',
				'',
				'002.wav  14:06:30  0:01.5  48000 Hz, 2 ch, float32',
				'    transcript failed (base.en): model not found at /m/ggml-base.en.bin',
				'',
				'003.flac  14:08:00  0:01.2  48000 Hz, 2 ch, float32',
				'    Third capture.',
			].join('\n'),
		);
	});

	it('shows a pending transcript', async () => {
		const text = await describeSession(sessions, 'last');
		assert.match(text, /^001\.wav  10:00:00  0:01\.0  48000 Hz, 2 ch, float32\n {4}transcript queued$/m);
	});
});

describe('parseSegments', () => {
	it('reads {segments: [{start, end, text}]} in seconds and whisper.cpp offsets in milliseconds', () => {
		assert.deepEqual(parseSegments('{"segments": [{"start": 0.5, "end": 1, "text": " hi "}, {"start": "x"}]}'), [{start: 0.5, end: 1, text: 'hi'}]);
		assert.deepEqual(parseSegments('{"transcription": [{"offsets": {"from": 1500, "to": 2250}, "text": " yes"}]}'), [
			{start: 1.5, end: 2.25, text: 'yes'},
		]);
		assert.equal(parseSegments('{"text": "no times"}'), undefined);
		// Some text without times: timing only the rest would lose it, so no segments at all.
		assert.equal(parseSegments('{"segments": [{"start": 0, "end": 1, "text": "a"}, {"text": "b"}]}'), undefined);
		assert.equal(parseSegments('not json'), undefined);
	});
});
