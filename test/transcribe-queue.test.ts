import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {promisify} from 'node:util';
import {Session} from '../src/session/session.js';
import type {SessionManifest} from '../src/session/session-manifest.js';
import type {TranscriptState} from '../src/session/transcript-state.js';
import {lazyEngine} from '../src/transcribe/engine-factory.js';
import {dropHallucinations, segmentsText} from '../src/transcribe/hallucination-filter.js';
import {renderSessionTranscript} from '../src/session/session-transcript.js';
import {TranscriptionQueue, type QueueEvent} from '../src/transcribe/transcription-queue.js';
import {jfkWav, makeSession, testModel, whisperTestEnv} from './helpers/whisper.js';

const run = promisify(execFile);

describe('transcription queue with whisper.cpp', () => {
	let root: string;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcribe-queue-'));
	});
	after(() => rm(root, {recursive: true, force: true}));

	test('a 48 kHz stereo capture of speech goes queued -> running -> done, with txt, json and transcript.md', async () => {
		const dir = await makeSession(path.join(root, 'a'), [jfkWav]);
		const session = await Session.open(dir);
		const events: QueueEvent[] = [];
		const queue = new TranscriptionQueue({
			engine: lazyEngine({model: testModel, env: whisperTestEnv()}),
			onEvent: (event) => events.push(event),
		});
		try {
			const enqueuedAt = performance.now();
			const pending = queue.enqueue(session, 1);
			// enqueue returns at once: the capture is recorded as queued and handed to the worker, not transcribed yet.
			assert.match(session.manifest.captures[0]!.transcript?.status ?? '', /^(queued|running)$/);
			const state = await pending;
			const waitedSeconds = (performance.now() - enqueuedAt) / 1000;
			assert.equal(state.status, 'done', state.reason);
			assert.deepEqual(
				events.filter((event) => event.type === 'state').map((event) => (event as {state: TranscriptState}).state.status),
				['queued', 'running', 'done'],
			);

			const saved = JSON.parse(await readFile(path.join(dir, 'session.json'), 'utf8')) as SessionManifest;
			const transcript = saved.captures[0]!.transcript!;
			assert.equal(transcript.status, 'done');
			assert.equal(transcript.model, 'for-tests-ggml-tiny.en');
			assert.equal(transcript.language, 'en');
			assert.equal(transcript.engine, 'whisper.cpp 1.9.3 (kept loaded)');
			assert.equal(transcript.vad, 'off', 'no Silero model in the models directory: VAD is off');
			assert.ok(Math.abs(transcript.audioSeconds! - 11) < 0.01, `audioSeconds ${transcript.audioSeconds}`);
			// In seconds, and no longer than the test waited for it (however long a loaded machine took).
			assert.ok(transcript.elapsedSeconds! > 0 && transcript.elapsedSeconds! <= waitedSeconds + 0.01, `${transcript.elapsedSeconds} s of ${waitedSeconds} s`);
			// The weightless test model transcribes nothing; the text is in 001.txt, not in session.json.
			assert.equal(state.text, '');
			assert.ok(!('text' in transcript));
			assert.deepEqual(transcript.files, {txt: '001.txt', json: '001.json'});

			assert.equal(await readFile(path.join(dir, '001.txt'), 'utf8'), '');
			const json = JSON.parse(await readFile(path.join(dir, '001.json'), 'utf8')) as Record<string, unknown>;
			assert.equal(json['capture'], 1);
			assert.equal(json['audio'], '001.wav');
			assert.equal(json['model'], 'for-tests-ggml-tiny.en');
			assert.ok(Array.isArray(json['segments']));
			assert.ok(Array.isArray(json['dropped']));
			for (const file of ['001.txt', '001.json', 'transcript.md']) {
				assert.equal((await stat(path.join(dir, file))).mode & 0o777, 0o600, `${file} mode`);
			}
			const markdown = await readFile(path.join(dir, 'transcript.md'), 'utf8');
			assert.match(markdown, /^# Transcript: session /);
			assert.match(markdown, /## 001 · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · 0:11\.0\n\n_\(no speech\)_/);
			// The audio is left as it was.
			assert.equal((await stat(path.join(dir, '001.wav'))).size > 11 * 48_000 * 8, true);
		} finally {
			await queue.dispose();
			await session.dispose();
		}
	});

	test('with Silero: captures go one at a time in queue order, silent ones end `no speech` and Whisper never runs for them', async () => {
		const silence = path.join(root, 'silence.wav');
		await run('sox', ['-n', '-r', '44100', '-c', '1', silence, 'trim', '0', '2']);
		const dir = await makeSession(path.join(root, 'b'), [silence, jfkWav, silence], {rate: 44_100, channels: 1});
		const session = await Session.open(dir);
		const order: string[] = [];
		let running = 0;
		let mostAtOnce = 0;
		const engine = lazyEngine({model: testModel, env: whisperTestEnv({}, {silero: true})});
		const queue = new TranscriptionQueue({
			engine,
			onEvent: (event) => {
				if (event.type === 'state') {
					order.push(`${event.index}:${event.state.status}`);
					running += event.state.status === 'running' ? 1 : event.state.status === 'queued' ? 0 : -1;
					mostAtOnce = Math.max(mostAtOnce, running);
				}
			},
		});
		try {
			const states = await Promise.all([3, 1, 2].map((index) => queue.enqueue(session, index)));
			assert.deepEqual(states.map((state) => state.status), ['no speech', 'no speech', 'done']);
			assert.equal(mostAtOnce, 1);
			assert.deepEqual(
				order.filter((entry) => !entry.endsWith(':queued')),
				['3:running', '3:no speech', '1:running', '1:no speech', '2:running', '2:done'],
			);
			// The engine's counters: three captures screened by VAD, one Whisper run (the speech).
			assert.equal(engine.child.counters.detections, 3);
			assert.equal(engine.child.counters.transcriptions, 1);
			assert.ok(states.every((state) => state.vad === 'silero-v6.2.0'));
			const silent = JSON.parse(await readFile(path.join(dir, '001.json'), 'utf8')) as Record<string, unknown>;
			assert.deepEqual(silent['speech'], []);
			assert.equal(await readFile(path.join(dir, '001.txt'), 'utf8'), '');
			// Only the speech was transcribed: the golden segments of jfk.wav, resampled from 44.1 kHz.
			const speech = (JSON.parse(await readFile(path.join(dir, '002.json'), 'utf8')) as {speech: Array<{start: number; end: number}>}).speech;
			assert.equal(speech.length, 4);
			assert.ok(Math.abs(speech[0]!.start - 0.32) < 0.05 && Math.abs(speech[3]!.end - 10.62) < 0.05, JSON.stringify(speech));
			// A second enqueue of a capture already waiting gives the same pending result.
			const first = queue.enqueue(session, 1);
			assert.equal(queue.enqueue(session, 1), first);
			await first;
			await queue.idle();
			assert.equal(queue.pending, 0);
			const markdown = await readFile(path.join(dir, 'transcript.md'), 'utf8');
			const headings = [...markdown.matchAll(/^## (\d{3})/gm)].map((match) => match[1]);
			assert.deepEqual(headings, ['001', '002', '003']);
			assert.match(markdown, /## 001 [^\n]*\n\n_\(no speech\)_/);
		} finally {
			await queue.dispose();
			await session.dispose();
		}
	});

	test('enqueue refuses an unknown capture and one that is still recording, with exact messages', async () => {
		const dir = await makeSession(path.join(root, 'c'), [jfkWav]);
		const session = await Session.open(dir);
		const queue = new TranscriptionQueue({engine: lazyEngine({model: testModel, env: whisperTestEnv()})});
		try {
			assert.throws(() => queue.enqueue(session, 9), {message: `TranscriptionQueue.enqueue: no capture 9 in ${dir}`});
			await session.updateCapture(1, {state: 'recording'});
			assert.throws(() => queue.enqueue(session, 1), {message: 'TranscriptionQueue.enqueue: capture 1 is still recording'});
		} finally {
			await queue.dispose();
			await session.dispose();
		}
		assert.throws(() => queue.enqueue(session, 1), /the queue is disposed/);
	});
});

test('known whisper hallucinations on silence are dropped and listed', () => {
	const {kept, dropped} = dropHallucinations([
		{start: 0, end: 1, text: ' [BLANK_AUDIO]'},
		{start: 1, end: 2, text: '(silence)'},
		{start: 2, end: 3, text: '   '},
		{start: 3, end: 4, text: ' [ Silence ]'},
		{start: 4, end: 5, text: ' And so my fellow Americans,'},
		{start: 5, end: 6, text: ' the [BLANK_AUDIO] stays inside speech'},
	]);
	assert.deepEqual(
		dropped.map((segment) => [segment.text, segment.reason, segment.rule]),
		[
			[' [BLANK_AUDIO]', 'hallucination', 'silence-tag'],
			['(silence)', 'hallucination', 'silence-tag'],
			['   ', 'hallucination', 'empty'],
			[' [ Silence ]', 'hallucination', 'silence-tag'],
		],
	);
	assert.equal(segmentsText(kept), 'And so my fellow Americans, the [BLANK_AUDIO] stays inside speech');
});

test('transcript.md lists every capture in order with its wall-clock time and where it stands', () => {
	const base = {state: 'complete', triggeredAt: '2025-11-23T14:05:22Z', frames: 0, channels: 1, sampleRate: 16000, sampleFormat: 'float32', prerollFrames: 0, droppedFrames: 0} as const;
	const manifest: SessionManifest = {
		version: 1,
		id: '2025-11-23_14-05-09',
		createdAt: '2025-11-23T14:05:09Z',
		captures: [
			{...base, index: 1, file: '001.wav', startedAt: '2025-11-23T14:05:09Z', durationSeconds: 12.34, transcript: {status: 'done', text: 'Hello there.'}},
			{...base, index: 2, file: '002.wav', startedAt: '2025-11-23T14:07:00Z', durationSeconds: 125.6, transcript: {status: 'failed', reason: 'timed out after 5 s'}},
			{...base, index: 3, file: '003.wav', startedAt: '2025-11-23T14:09:00Z', durationSeconds: 3, transcript: {status: 'queued'}},
			{...base, index: 4, file: '004.wav', startedAt: '2025-11-23T14:10:00Z', durationSeconds: 3},
		],
	};
	const text = renderSessionTranscript(manifest);
	const local = (iso: string): string => {
		const date = new Date(iso);
		const two = (value: number): string => String(value).padStart(2, '0');
		return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
	};
	assert.equal(
		text,
		[
			'# Transcript: session 2025-11-23_14-05-09',
			'',
			`## 001 · ${local('2025-11-23T14:05:09Z')} · 0:12.3`,
			'',
			'Hello there.',
			'',
			`## 002 · ${local('2025-11-23T14:07:00Z')} · 2:05.6`,
			'',
			'_transcription failed: timed out after 5 s_',
			'',
			`## 003 · ${local('2025-11-23T14:09:00Z')} · 0:03.0`,
			'',
			'_waiting to be transcribed_',
			'',
			`## 004 · ${local('2025-11-23T14:10:00Z')} · 0:03.0`,
			'',
			'_not transcribed_',
			'',
		].join('\n'),
	);
});
