/**
 * On an asynchronous jackd (the default of a jackd a person starts), a client that is late at an xrun
 * can miss a period of another client's output, or read it half-written: no recorder can get those
 * frames right (or reads a late player's previous period again). What omega13 can promise there: every
 * frame it got is written in order, and the signal is disturbed only at xrun cycles, never more often than the server reported xruns.
 * (The sample-exact tests run on a synchronous jackd: see `sync` in helpers/jack-server.ts.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {readWav} from '../src/wav/wav-reader.js';
import {counterSample, fillCounter, verifyCounterInOrder} from './helpers/counter-signal.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {RecorderProcess} from './helpers/recorder-process.js';
import {startSignalPlayer} from './helpers/signal-player.js';

const period = 256;

/** `frames` frames of the stereo counter from `start`, with `edit` applied to the frame list first. */
const counter = (start: number, frames: number, edit: (list: number[]) => number[] = list => list): Float32Array => {
	const list = edit(Array.from({length: frames}, (_, i) => start + i));
	const data = new Float32Array(list.length * 2);
	for (const [i, frame] of list.entries()) {
		fillCounter(data.subarray(i * 2, i * 2 + 2), frame, 1, 2);
	}
	return data;
};

describe('verifyCounterInOrder', () => {
	it('passes the counter unbroken', () => {
		assert.deepEqual(verifyCounterInOrder(counter(1000, 5000), 2, period), {frames: 5000, disturbances: []});
	});

	it('counts a missed period as a disturbance that skips it', () => {
		const {disturbances} = verifyCounterInOrder(counter(0, 3000, list => list.filter(frame => frame < 1024 || frame >= 1280)), 2, period);
		assert.deepEqual(disturbances, [{frame: 1024, tornFrames: 0, skipped: 256}]);
	});

	it('counts a period read half-written (a channel a period ahead, a stale frame) as one disturbance', () => {
		// As recorded from an async jackd under load: ...81149, [81150 | 81406], [81407], 81152, ...
		const data = counter(81_000, 1000);
		data.set([counterSample(81_150, 0), counterSample(81_406, 1)], 150 * 2);
		data.set([counterSample(81_407, 0), counterSample(81_407, 1)], 151 * 2);
		assert.deepEqual(verifyCounterInOrder(data, 2, period).disturbances, [{frame: 150, tornFrames: 2, skipped: 0}]);
	});

	it('counts a whole period read again (the server found the player late) as one disturbance', () => {
		const again = counter(0, 3000, list => [...list.slice(0, 1280), ...list.slice(1024)]);
		assert.deepEqual(verifyCounterInOrder(again, 2, period).disturbances, [{frame: 1280, tornFrames: 0, skipped: 0, repeated: period}]);
		const againThenSkipped = counter(0, 3000, list => [...list.slice(0, 1280), ...list.slice(1024, 1280), ...list.slice(1536)]);
		assert.deepEqual(verifyCounterInOrder(againThenSkipped, 2, period).disturbances, [
			{frame: 1280, tornFrames: 0, skipped: 256, repeated: period},
		]);
	});

	it('fails on frames repeated (other than one whole period), reordered, or torn for longer than a period', () => {
		const repeated = counter(0, 3000, list => [...list.slice(0, 1280), ...list.slice(1000)]);
		assert.throws(() => verifyCounterInOrder(repeated, 2, period), /frame 1280 \(after counter frame 1279\) does not go on in order/);
		const swapped = counter(0, 3000, list => [...list.slice(0, 512), ...list.slice(768, 1024), ...list.slice(512, 768), ...list.slice(1024)]);
		assert.throws(() => verifyCounterInOrder(swapped, 2, period), /does not go on in order/);
		const silence = counter(0, 3000);
		silence.fill(0, 1000 * 2, 1300 * 2);
		assert.throws(() => verifyCounterInOrder(silence, 2, period), /frame 1000 .*silence/);
	});
});

describe('omega13 on an asynchronous JACK server', () => {
	let server: JackServer;
	let root: string;
	before(async () => {
		server = await startJackServer({period, sync: false});
		root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-async-'));
	});
	after(async () => {
		await server?.stop();
		await fs.rm(root, {recursive: true, force: true});
	});

	it('writes every frame it got in order, disturbed no more often than xruns were reported', async t => {
		const jackName = `async${process.pid}`;
		const sessionsDir = path.join(root, 'sessions');
		const recorder = await RecorderProcess.start({env: server.env, jackName, args: ['--sessions-dir', sessionsDir, '--buffer-seconds', '2', '--connect', 'none']});
		t.after(async () => recorder.dispose());
		const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
		t.after(async () => {
			await player.stop();
		});
		await recorder.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= 2);
		// The 2 s pre-roll then holds nothing from before the player connected.
		await player.playFor(2.2);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.waitForStatus(({status}) => status?.capture.kind === 'recording' && status.capture.frames >= status.capture.prerollFrames + 3 * server.rate);
		const stopped = await recorder.control('toggle');
		assert.equal(stopped.ok, true, stopped.message);

		const [session] = await fs.readdir(sessionsDir);
		const wav = await readWav(path.join(sessionsDir, session!, '001.wav'));
		let zeros = 0;
		while (zeros < wav.frames && wav.data[zeros * 2] === 0) {
			zeros++;
		}
		const {frames, disturbances} = verifyCounterInOrder(wav.data.subarray(zeros * 2), 2, period);
		assert.ok(frames >= 4 * server.rate, `only ${frames} frames of counter`);
		const xruns = stopped.status?.xruns ?? 0;
		t.diagnostic(`${xruns} xruns reported; disturbances: ${JSON.stringify(disturbances)}`);
		assert.ok(disturbances.length <= xruns, `${disturbances.length} disturbances but ${xruns} xruns reported: ${JSON.stringify(disturbances)}`);
		assert.equal((await player.stop()).underrunFrames, 0, 'the player ran dry, so its counter has gaps at the source');
	});
});
