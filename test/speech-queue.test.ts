/**
 * The speech queue's rules: salience, which segment is evicted, and the evidence a capture's salience
 * comes from. The queue itself runs here with an engine that never answers (a stalled engine); the same
 * queue against a real stalled server and a real JACK server is in speech-queue-eviction.test.ts.
 */
import assert from 'node:assert/strict';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {SpeechEvidenceMeter} from '../src/app/speech-evidence.js';
import {Session} from '../src/session/session.js';
import {salience, salienceWeights, type SpeechEvidence} from '../src/transcribe/salience.js';
import {chooseEvictions} from '../src/transcribe/speech-queue.js';
import {abortReason, type TranscriptionEngine} from '../src/transcribe/transcription-engine.js';
import {TranscriptionQueue, type QueueEvent} from '../src/transcribe/transcription-queue.js';
import {jfkWav, makeSession} from './helpers/whisper.js';

const evidence = (overrides: Partial<SpeechEvidence> = {}): SpeechEvidence => ({durationSeconds: 10, speechSeconds: 8, loudnessDb: -25, variationDb: 6, ...overrides});

describe('salience', () => {
	it('weights sum to 1 and a score is from 0 to 1', () => {
		assert.equal(Object.values(salienceWeights).reduce((a, b) => a + b, 0), 1);
		assert.equal(salience({durationSeconds: 0, speechSeconds: 0, loudnessDb: Number.NEGATIVE_INFINITY, variationDb: 0}), 0);
		assert.equal(salience({durationSeconds: 30, speechSeconds: 30, loudnessDb: 0, variationDb: 40}), 1);
	});

	it('rises with speech share, speech length, loudness and variation', () => {
		const base = salience(evidence());
		assert.ok(salience(evidence({speechSeconds: 10})) > base);
		assert.ok(salience(evidence({durationSeconds: 20, speechSeconds: 16})) > salience(evidence({durationSeconds: 20, speechSeconds: 8})));
		assert.ok(salience(evidence({loudnessDb: -15})) > base);
		assert.ok(salience(evidence({variationDb: 9})) > base);
		// The formula the README documents: 0.4 * 0.8 + 0.2 * 8/30 + 0.2 * 35/50 + 0.2 * 6/12.
		assert.equal(base, Math.round((0.4 * 0.8 + 0.2 * (8 / 30) + 0.2 * (35 / 50) + 0.2 * 0.5) * 1000) / 1000);
	});
});

describe('chooseEvictions', () => {
	const held = (salienceValue: number, seconds = 5, running = false) => ({salience: salienceValue, seconds, running});

	it('evicts the least salient waiting segment, never the one being transcribed', () => {
		const running = held(0.1, 5, true);
		const low = held(0.3);
		const high = held(0.7);
		assert.deepEqual(chooseEvictions([running, low, high], {maxSegments: 2, maxSeconds: 100}), [low]);
		assert.deepEqual(chooseEvictions([running, high, low], {maxSegments: 2, maxSeconds: 100}), [low]);
	});

	it('evicts the newcomer when it is the least salient, the later one on a tie', () => {
		const a = held(0.5);
		const b = held(0.5);
		const c = held(0.2);
		assert.deepEqual(chooseEvictions([a, b, c], {maxSegments: 2, maxSeconds: 100}), [c]);
		assert.deepEqual(chooseEvictions([a, b], {maxSegments: 1, maxSeconds: 100}), [b]);
	});

	it('keeps the seconds cap too, and never evicts a lone segment', () => {
		const long = held(0.9, 80);
		const short = held(0.4, 30);
		assert.deepEqual(chooseEvictions([long, short], {maxSegments: 10, maxSeconds: 100}), [short]);
		assert.deepEqual(chooseEvictions([held(0.1, 500)], {maxSegments: 10, maxSeconds: 100}), []);
		assert.deepEqual(chooseEvictions([held(0.1, 50), held(0.2, 50)], {maxSegments: 10, maxSeconds: 100}), []);
	});
});

describe('SpeechEvidenceMeter', () => {
	it('unites overlapping speech from sliding windows and keeps running level statistics', () => {
		const meter = new SpeechEvidenceMeter(1000, 1000);
		meter.addSpeech(500, 1500); // before the capture: only its part inside counts
		meter.addSpeech(1400, 2000);
		meter.addSpeech(3000, 3500);
		meter.addSpeech(1800, 2200);
		for (const [end, db] of [
			[1010, -20],
			[1020, -30],
			[1030, -20],
			[1040, -30],
		] as const) {
			meter.addBlock(end, db);
		}
		meter.addBlock(900, 0); // before the capture
		const result = meter.evidence(4000);
		assert.equal(result.durationSeconds, 3);
		assert.equal(result.speechSeconds, 1.7);
		assert.ok(Math.abs(result.variationDb - Math.sqrt(100 / 3)) < 1e-9, `${result.variationDb}`);
		assert.ok(Math.abs(result.loudnessDb - 10 * Math.log10((0.01 + 0.001) / 2)) < 1e-9, `${result.loudnessDb}`);
	});
});

describe('TranscriptionQueue with a speech queue cap and a stalled engine', () => {
	let root: string;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-speech-queue-'));
	});
	after(() => rm(root, {recursive: true, force: true}));

	it('evicts the least salient waiting capture when a third arrives, tells its score, and leaves manual captures alone', async () => {
		const dir = await makeSession(path.join(root, 'a'), [jfkWav, jfkWav, jfkWav, jfkWav]);
		const session = await Session.open(dir);
		const stalled: TranscriptionEngine = {
			description: 'an engine that never answers',
			model: 'none',
			language: 'en',
			transcribe: ({signal}) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(abortReason(signal)))),
			dispose: async () => undefined,
		};
		const events: QueueEvent[] = [];
		const queue = new TranscriptionQueue({engine: stalled, speechQueue: {maxSegments: 2, maxSeconds: 100}, onEvent: event => events.push(event)});
		try {
			void queue.enqueue(session, 1, evidence({loudnessDb: -20}));
			const second = queue.enqueue(session, 2, evidence({loudnessDb: -45}));
			void queue.enqueue(session, 3);
			assert.equal(queue.speechQueue.segments, 2);
			void queue.enqueue(session, 4, evidence({loudnessDb: -22}));
			const evicted = await second;
			assert.equal(evicted.status, 'failed');
			assert.match(evicted.reason ?? '', /^evicted from the speech queue \(full: 2 segments \/ 100 s\) with salience 0\.\d{3}, the lowest beside 0\.\d{3}, 0\.\d{3}; not transcribed$/);
			assert.equal(session.manifest.captures[1]!.transcript?.status, 'failed');
			assert.deepEqual({...queue.speechQueue, limits: undefined}, {segments: 2, seconds: 20, evictions: 1, limits: undefined});
			assert.equal(queue.pending, 3, 'the capture made by hand still waits');
			const scores = events.flatMap(event => (event.type === 'speech' ? [[event.index, event.salience] as const] : []));
			assert.deepEqual(
				scores.map(([index]) => index),
				[1, 2, 4],
			);
			assert.ok(scores[1]![1] < scores[2]![1]);
		} finally {
			await queue.dispose();
			await session.dispose();
		}
	});
});
