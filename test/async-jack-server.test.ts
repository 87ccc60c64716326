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
import {after, before, describe, it, type TestContext} from 'node:test';
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

	it('counts a run of silence as one filled gap, with the frames the counter skips across it', () => {
		const data = counter(0, 3000, list => list.filter(frame => frame < 1024 || frame >= 1024 + 700));
		const filled = new Float32Array(data.length + 700 * 2);
		filled.set(data.subarray(0, 1024 * 2));
		filled.set(data.subarray(1024 * 2), (1024 + 700) * 2);
		assert.deepEqual(verifyCounterInOrder(filled, 2, period).disturbances, [{frame: 1024, tornFrames: 0, skipped: 700, filled: 700}]);
		// The player missed those cycles too: time passed with nothing played, and the counter goes on.
		const paused = counter(0, 3000);
		const quiet = new Float32Array(paused.length + 256 * 2);
		quiet.set(paused.subarray(0, 1000 * 2));
		quiet.set(paused.subarray(1000 * 2), 1256 * 2);
		assert.deepEqual(verifyCounterInOrder(quiet, 2, period).disturbances, [{frame: 1000, tornFrames: 0, skipped: 0, filled: 256}]);
	});

	it('fails on frames repeated (other than one whole period), reordered, or torn for longer than a period', () => {
		const repeated = counter(0, 3000, list => [...list.slice(0, 1280), ...list.slice(1000)]);
		assert.throws(() => verifyCounterInOrder(repeated, 2, period), /frame 1280 \(after counter frame 1279\) does not go on in order/);
		const swapped = counter(0, 3000, list => [...list.slice(0, 512), ...list.slice(768, 1024), ...list.slice(512, 768), ...list.slice(1024)]);
		assert.throws(() => verifyCounterInOrder(swapped, 2, period), /does not go on in order/);
		// Silence that stands for less time than the counter skips across it.
		const silence = counter(0, 3000);
		silence.fill(0, 1000 * 2, 1300 * 2);
		const skippedMore = Float32Array.from([...silence.subarray(0, 1300 * 2), ...silence.subarray(1700 * 2)]);
		assert.throws(() => verifyCounterInOrder(skippedMore, 2, period), /frame 1000 .*silence/);
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
		const unfilled = disturbances.filter(d => d.filled === undefined);
		assert.ok(unfilled.length <= xruns, `${unfilled.length} disturbances but ${xruns} xruns reported: ${JSON.stringify(disturbances)}`);
		// Every cycle it missed is silence of the exact length in the file, and listed.
		const manifest = JSON.parse(await fs.readFile(path.join(sessionsDir, session!, 'session.json'), 'utf8'));
		const capture = manifest.captures[0];
		const filled = disturbances.flatMap(d => (d.filled === undefined ? [] : [{atFrame: zeros + d.frame, frames: d.filled}]));
		assert.deepEqual(capture.gaps.map(({atFrame, frames: length}: {atFrame: number; frames: number}) => ({atFrame, frames: length})), filled);
		assert.equal(capture.droppedFrames, filled.reduce((sum, gap) => sum + gap.frames, 0));
		assert.equal((await player.stop()).underrunFrames, 0, 'the player ran dry, so its counter has gaps at the source');
	});

	/** A recorder with the counter playing into it and a ring of `bufferSeconds`, already full of counter. */
	const counterRecorder = async (t: TestContext, name: string, bufferSeconds: number) => {
		const jackName = `${name}${process.pid}`;
		const sessionsDir = path.join(root, jackName);
		const recorder = await RecorderProcess.start({env: server.env, jackName, args: ['--sessions-dir', sessionsDir, '--buffer-seconds', String(bufferSeconds), '--connect', 'none']});
		t.after(async () => recorder.dispose());
		const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
		t.after(async () => {
			await player.stop();
		});
		await recorder.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= bufferSeconds);
		await player.playFor(bufferSeconds + 0.2);
		/** Stops the whole recorder (its real-time thread too) for `seconds`: the server runs on without it. */
		const stall = async (seconds: number): Promise<void> => {
			recorder.child.kill('SIGSTOP');
			await new Promise(resolve => setTimeout(resolve, seconds * 1000));
			recorder.child.kill('SIGCONT');
		};
		const captured = async () => {
			const [session] = await fs.readdir(sessionsDir);
			const manifest = JSON.parse(await fs.readFile(path.join(sessionsDir, session!, 'session.json'), 'utf8'));
			return {capture: manifest.captures[0], wav: await readWav(path.join(sessionsDir, session!, '001.wav'))};
		};
		return {recorder, stall, captured};
	};

	/** The one gap of at least a second: the stall (an xrun may add short ones of its own). */
	const stallGap = (capture: {gaps: Array<{atFrame: number; frames: number; cause: string}>}) => {
		const long = capture.gaps.filter(gap => gap.frames >= server.rate);
		assert.equal(long.length, 1, `gaps: ${JSON.stringify(capture.gaps)}`);
		return long[0]!;
	};

	it('fills a 3 s stall mid-capture with silence of exactly the frames it missed, lists it, and keeps the times true', async t => {
		const {recorder, stall, captured} = await counterRecorder(t, 'stall', 2);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.recordedLive(0.5);
		await stall(3);
		await recorder.recordedLive(0.5);
		const stopped = await recorder.control('toggle');
		assert.equal(stopped.ok, true, stopped.message);
		const {capture, wav} = await captured();
		const gap = stallGap(capture);
		assert.equal(gap.cause, 'missed-cycles');
		assert.ok(gap.frames >= 2.5 * server.rate, `a 3 s stall missed only ${gap.frames} frames`);
		const {disturbances} = verifyCounterInOrder(wav.data, 2, period);
		// The player played on through the stall: the counter skips what omega13 missed (less any cycle
		// the loaded server skipped the player in too).
		const held = disturbances.find(d => d.frame === gap.atFrame && d.filled === gap.frames);
		assert.ok(held !== undefined && held.skipped >= 2.5 * server.rate, `the file does not hold that gap as silence: ${JSON.stringify(disturbances)}`);
		assert.equal(capture.droppedFrames, capture.gaps.reduce((sum: number, each: {frames: number}) => sum + each.frames, 0));
		// Sample N is at start + N / rate: the file's length matches the wall-clock time it spans.
		const spanned = (Date.parse(capture.endedAt) - Date.parse(capture.startedAt)) / 1000;
		assert.ok(Math.abs(spanned - capture.durationSeconds) < 0.5, `${capture.durationSeconds} s of audio span ${spanned} s`);
		assert.match(recorder.lines.join('\n'), /of audio never arrived \(\d+ frames: the JACK server ran without omega13.*filled with silence in capture 001/);
	});

	it('fills and lists a stall inside the pre-roll, and dates the capture from its true first frame', async t => {
		const {recorder, stall, captured} = await counterRecorder(t, 'prestall', 4);
		await stall(1.5);
		await recorder.waitForStatus(({status}) => (status?.droppedFrames ?? 0) >= server.rate);
		const started = await recorder.control('toggle');
		assert.equal(started.ok, true, started.message);
		await recorder.recordedLive(0.3);
		assert.equal((await recorder.control('toggle')).ok, true);
		const {capture, wav} = await captured();
		const gap = stallGap(capture);
		assert.ok(gap.atFrame + gap.frames <= capture.prerollFrames, `the stall ${JSON.stringify(gap)} is not in the pre-roll (${capture.prerollFrames} frames)`);
		const {disturbances} = verifyCounterInOrder(wav.data, 2, period);
		assert.ok(disturbances.some(d => d.frame === gap.atFrame && d.filled === gap.frames), `the file does not hold that gap as silence: ${JSON.stringify(disturbances)}`);
		const preroll = capture.prerollFrames / server.rate;
		const before = (Date.parse(capture.triggeredAt) - Date.parse(capture.startedAt)) / 1000;
		assert.ok(Math.abs(before - preroll) < 0.5, `startedAt is ${before} s before the trigger for a ${preroll} s pre-roll`);
	});
});
