import assert from 'node:assert/strict';
import http from 'node:http';
import {afterEach, describe, it} from 'node:test';
import {AudioEngine} from '../src/engine/audio-engine.js';
import type {AudioStream} from '../src/engine/audio-tap.js';
import {TimeAxis} from '../src/engine/time-axis.js';
import {ApiServer} from '../src/server/api-server.js';
import {apiRoutes} from '../src/server/api-routes.js';
import {AudioHistory} from '../src/server/audio-history.js';
import {LiveBroadcaster} from '../src/server/live-stream.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {memorySinks, ScriptedSource} from './helpers/scripted-source.js';

const rate = 1000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
});

const makeEngine = (bufferSeconds = 1, sampleRate = rate) => {
	const source = new ScriptedSource(sampleRate, 2);
	const engine = new AudioEngine({source, bufferSeconds, silenceGate: {thresholdDb: -60, windowSeconds: 0.5}, openCapture: memorySinks().factory, drainIntervalMs: 3_600_000});
	cleanups.push(async () => engine.dispose());
	return {engine, source};
};

describe('audio taps and ring reads (the engine interface of the HTTP API and persistence)', () => {
	it('gives a tap every frame once, in order, with its absolute index, and a new stream after a new source', () => {
		const {engine, source} = makeEngine();
		const seen: Array<{stream: AudioStream; firstFrame: number; data: Float32Array}> = [];
		engine.addTap({write: (stream, block, frames, firstFrame) => seen.push({stream, firstFrame, data: block.slice(0, frames * 2)})});
		for (let i = 0; i < 20; i++) {
			source.feed(37 + i);
			engine.drain();
		}
		let next = 0;
		for (const block of seen) {
			assert.equal(block.firstFrame, next);
			assert.equal(block.stream, seen[0]!.stream);
			next += block.data.length / 2;
		}
		const all = new Float32Array(next * 2);
		seen.reduce((at, block) => (all.set(block.data, at), at + block.data.length), 0);
		assert.equal(verifyCounter(all, 2).startFrame, 0);
		assert.equal(seen[0]!.stream.axis.frameTime(1000), source.startMs + 1000);

		const replacement = new ScriptedSource(rate, 2, source.startMs + 60_000);
		engine.replaceSource(replacement);
		replacement.feed(10);
		engine.drain();
		const last = seen.at(-1)!;
		assert.equal(last.firstFrame, 0);
		assert.equal(last.stream.id, seen[0]!.stream.id + 1);
		assert.equal(last.stream.axis.origin, source.startMs + 60_000);
	});

	it('copies any frames the ring holds, on the same axis, and refuses the ones it no longer holds', () => {
		const {engine, source} = makeEngine(1);
		source.feed(2500);
		const span = engine.ringSpan()!;
		assert.deepEqual([span.firstFrame, span.endFrame], [1500, 2500]);
		const part = engine.copyFromRing(span.stream, 1700, 2100);
		assert.deepEqual(verifyCounter(part, 2), {startFrame: 1700, frames: 400});
		assert.throws(() => engine.copyFromRing(span.stream, 1400, 1600), /not in the ring \(it holds 1500 to 2500\)/);
		assert.throws(() => engine.copyFromRing({...span.stream}, 1600, 1700), /stream 1 is gone/);
	});

	it('maps frames to wall-clock time and back on one line', () => {
		const axis = new TimeAxis(1_700_000_000_123.25, 48_000);
		for (const frame of [0, 1, 47_999, 123_456_789]) {
			assert.equal(axis.frameAt(axis.frameTime(frame)), frame);
		}
		assert.equal(axis.frameTime(48_000) - axis.frameTime(0), 1000);
	});

	it('serves the latest seconds exactly from the ring, dated on the stream axis', async () => {
		const {engine, source} = makeEngine(2);
		source.feed(5000);
		const clip = await new AudioHistory(engine).latest(1.5);
		assert.equal(clip.frames, 1500);
		assert.deepEqual(verifyCounter(clip.data, 2), {startFrame: 3500, frames: 1500});
		assert.equal(clip.startTime, source.startMs + 3500);
	});

	it('cuts off a live listener that stops reading, with the reason in the log, and keeps serving others', async () => {
		const sampleRate = 48_000;
		const {engine, source} = makeEngine(1, sampleRate);
		const log: string[] = [];
		const live = new LiveBroadcaster({log: line => log.push(line)});
		engine.addTap(live);
		source.feed(480);
		engine.drain();
		const token = 't'.repeat(43);
		const server = await ApiServer.listen({
			port: 0,
			token,
			log: line => log.push(line),
			routes: apiRoutes({
				history: new AudioHistory(engine),
				live,
				sessionsRoot: '/nonexistent',
				status: () => ({}),
				control: async () => ({ok: false, message: 'no'}),
				opusKbps: () => 48,
				version: 'test',
			}),
		});
		cleanups.push(async () => server.dispose());
		const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
			http.get(`${server.url}/live?format=pcm`, {headers: {authorization: `Bearer ${token}`}}, resolve).on('error', reject);
		});
		assert.equal(response.statusCode, 200);
		// The client takes nothing from here on: the socket's buffers fill, then ours would grow.
		response.pause();
		for (let i = 0; i < 600 && live.listeners > 0; i++) {
			source.feed(4800);
			engine.drain();
			await new Promise(resolve => setImmediate(resolve));
		}
		assert.equal(live.listeners, 0);
		// Read again: the client finds its stream ended early.
		const ended = new Promise(resolve => response.once('close', resolve));
		response.on('error', () => undefined);
		response.resume();
		await ended;
		assert.ok(log.some(line => /live listener 127\.0\.0\.1:\d+ cut off: it fell more than 2 s behind/.test(line)), log.join('\n'));
		const status = await fetch(`${server.url}/audio?seconds=0.5&format=pcm`, {headers: {authorization: `Bearer ${token}`}});
		assert.equal(status.status, 200);
	});
});
