/**
 * The bounded speech queue end to end: omega13 in `--trigger voice` on a real JACK server with the real
 * Silero VAD, transcribing through a real HTTP engine that takes each upload and never answers (a stalled
 * engine), with a queue cap of 2. Three stretches of speech are played; the third evicts the least
 * salient waiting one, and the log names it with its score.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {privateMiB, formatMiB} from './helpers/process-memory.js';
import {startVoiceRecorder} from './helpers/voice-recorder.js';
import {buildTrack} from './helpers/sox-track.js';

const rate = 48_000;

let server: JackServer;
let root: string;
let trackPath: string;
let stalled: http.Server;
let engineUrl: string;
const requests: http.ServerResponse[] = [];

before(async () => {
	server = await startJackServer({rate, period: 256, sync: true});
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-speech-queue-'));
	// "And so my fellow Americans, ask not": two of jfk.wav's golden speech segments.
	const loud = {jfk: {seconds: 5.2}};
	// "And so my fellow Americans", 20 dB quieter: shorter and quieter, so less salient.
	const quiet = {jfk: {seconds: 2.9, gainDb: -20}};
	trackPath = await buildTrack(root, [{silence: 4}, loud, {silence: 4}, quiet, {silence: 4}, loud, {silence: 8}], rate);
	// whisper.cpp's server shape: it reads each upload, then never answers.
	stalled = http.createServer((request, response) => {
		request.resume();
		requests.push(response);
	});
	await new Promise<void>(resolve => stalled.listen(0, '127.0.0.1', resolve));
	engineUrl = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/inference`;
});
after(async () => {
	stalled?.closeAllConnections();
	stalled?.close();
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
});

describe('the speech queue (--speech-queue) with a stalled engine', () => {
	it('evicts the least salient waiting capture when a third arrives, names it with its score, and holds no more than the cap', async t => {
		const voice = await startVoiceRecorder(
			server,
			root,
			['--trigger', 'voice', '--buffer-seconds', '3', '--voice-begin-db', '-50', '--voice-end-db', '-55', '--speech-queue', '2', '--transcribe', '--engine-url', engineUrl],
			`wav:${trackPath}`,
		);
		t.after(async () => voice.dispose());
		// Measured once the first capture is with the engine: the engine's client and the encoder are loaded.
		await voice.recorder.waitForLine(/capture 001 transcribing/, 120_000);
		const before = privateMiB(voice.recorder.child.pid!);
		const evictedLine = await voice.recorder.waitForLine(/capture \d+ transcription failed: evicted from the speech queue/, 120_000);
		const lines = voice.recorder.lines.join('\n');
		t.diagnostic(lines);
		const scores = new Map([...lines.matchAll(/capture (\d+) waits for its transcript: salience (\d\.\d{3})/g)].map(match => [Number(match[1]), Number(match[2])]));
		assert.deepEqual([...scores.keys()], [1, 2, 3], 'three voice captures joined the queue');
		// 001 is with the (stalled) engine; of the waiting 002 and the new 003, the quieter, shorter 002 goes.
		assert.match(evictedLine, /capture 002 transcription failed: evicted from the speech queue \(full: 2 segments \/ 100 s\) with salience (\d\.\d{3})/);
		assert.equal(Number(/with salience (\d\.\d{3})/.exec(evictedLine)![1]), scores.get(2));
		assert.ok(scores.get(2)! < scores.get(3)!, `002 (${scores.get(2)}) is less salient than 003 (${scores.get(3)})`);
		const status = await voice.recorder.control('status');
		const queue = status.status?.speechQueue;
		assert.ok(queue !== undefined, 'status reports the speech queue');
		assert.equal(queue.segments, 2);
		assert.equal(queue.evictions, 1);
		assert.ok(queue.seconds <= queue.limits.maxSeconds);
		const captures = await voice.captures();
		assert.equal(captures.find(capture => capture.index === 2)?.transcript?.status, 'failed');
		assert.match(captures.find(capture => capture.index === 2)?.transcript?.reason ?? '', /^evicted from the speech queue/);
		assert.ok(requests.length >= 1, 'the engine was asked (and never answered)');
		// The queue holds file names, not audio: the recorder's memory does not grow with what waits.
		const grown = privateMiB(voice.recorder.child.pid!) - before;
		t.diagnostic(`recorder private memory ${formatMiB(before)} with one capture queued, ${formatMiB(before + grown)} with the queue full (${grown >= 0 ? '+' : ''}${formatMiB(grown)})`);
		assert.ok(grown < 16, `private memory grew ${formatMiB(grown)} with 2 captures waiting`);
	});
});
