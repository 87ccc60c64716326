import assert from 'node:assert/strict';
import {afterEach, describe, it} from 'node:test';
import {AudioEngine} from '../src/engine/audio-engine.js';
import type {EngineEvent} from '../src/engine/engine-events.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {memorySinks, ScriptedSource} from './helpers/scripted-source.js';

const rate = 1000;
const engines: AudioEngine[] = [];

const makeEngine = (options: {bufferSeconds?: number; channels?: number; openDelay?: () => Promise<void>} = {}) => {
	const source = new ScriptedSource(rate, options.channels ?? 2);
	const {factory, sinks} = memorySinks(options.openDelay);
	const engine = new AudioEngine({
		source,
		bufferSeconds: options.bufferSeconds ?? 1,
		silenceGate: {thresholdDb: -60, windowSeconds: 0.5},
		openCapture: factory,
		drainIntervalMs: 3_600_000,
	});
	const events: EngineEvent[] = [];
	engine.onEvent(event => events.push(event));
	engines.push(engine);
	return {engine, source, sinks, events};
};

/** Feeds in period-sized pieces, draining between them as the timer would. */
const feed = (engine: AudioEngine, source: ScriptedSource, frames: number, period = 64): void => {
	for (let left = frames; left > 0; left -= period) {
		source.feed(Math.min(period, left));
		engine.drain();
	}
};

/** A file open that waits until `open()`. */
const gate = (): {opened: Promise<void>; open: () => void} => {
	let open!: () => void;
	const opened = new Promise<void>(resolve => {
		open = resolve;
	});
	return {opened, open};
};

afterEach(async () => {
	await Promise.all(engines.splice(0).map(async engine => engine.dispose()));
});

describe('AudioEngine', () => {
	it('writes pre-roll then live frames with no gap or repeat at the seam once the ring has wrapped', async () => {
		const {engine, source, sinks} = makeEngine();
		feed(engine, source, 2500);
		assert.equal(engine.bufferFilled, 1000);
		assert.equal(engine.writePtr, 500);
		const started = await engine.start();
		assert.ok(started.ok && started.action === 'started');
		assert.equal(started.capture.prerollFrames, 1000);
		feed(engine, source, 777, 37);
		const stopped = await engine.stop();
		assert.ok(stopped.ok && stopped.action === 'stopped');
		assert.equal(stopped.capture.frames, 1777);
		const {startFrame, frames} = verifyCounter(sinks[0]!.data(), 2);
		assert.equal(startFrame, 1500);
		assert.equal(frames, 1777);
		assert.equal(sinks[0]!.end?.frames, 1777);
	});

	it('fills frames that never arrived with silence of their exact length, in the capture and its record', async () => {
		const {engine, source, sinks, events} = makeEngine();
		feed(engine, source, 1500);
		assert.ok((await engine.start()).ok);
		feed(engine, source, 200);
		source.miss(300);
		feed(engine, source, 400, 50);
		const stopped = await engine.stop();
		assert.ok(stopped.ok && stopped.action === 'stopped');
		assert.equal(stopped.capture.frames, 1000 + 200 + 300 + 400);
		assert.equal(stopped.capture.droppedFrames, 300);
		const data = sinks[0]!.data();
		verifyCounter(data.subarray(0, 1200 * 2), 2);
		assert.ok(data.subarray(1200 * 2, 1500 * 2).every(sample => sample === 0));
		// After the silence the counter goes on where the source's clock was: 300 frames on.
		assert.equal(verifyCounter(data.subarray(1500 * 2), 2).startFrame, 500 + 1200 + 300);
		assert.deepEqual(sinks[0]!.end?.gaps, [{atFrame: 1200, frames: 300, cause: 'missed-cycles'}]);
		assert.equal(sinks[0]!.end?.droppedFrames, 300);
		assert.deepEqual(
			events.filter(event => event.type === 'gap'),
			[{type: 'gap', frames: 300, cause: 'missed-cycles', total: 300, capture: 1, filled: true}],
		);
		assert.equal(engine.getSnapshot().droppedFrames, 300);
	});

	it('lists a gap inside the pre-roll and dates the capture from its true first frame', async () => {
		const {engine, source, sinks} = makeEngine();
		feed(engine, source, 1000);
		source.miss(250, 'ring-overflow');
		feed(engine, source, 500);
		const started = await engine.start();
		assert.ok(started.ok && started.action === 'started');
		assert.equal(started.capture.prerollFrames, 1000);
		// The ring's oldest frame is source frame 750; the 1000 frames it holds span 1 s of the clock.
		assert.equal(started.capture.startedAt, source.frameTime(1499) - 999);
		assert.equal(started.capture.startedAt, source.frameTime(750));
		const stopped = await engine.stop();
		assert.ok(stopped.ok);
		assert.deepEqual(sinks[0]!.end?.gaps, [{atFrame: 250, frames: 250, cause: 'ring-overflow'}]);
		assert.ok(sinks[0]!.data().subarray(250 * 2, 500 * 2).every(sample => sample === 0));
	});

	it('ends the capture where the audio stopped when a gap is longer than it makes sense to fill', async () => {
		const {engine, source, sinks, events} = makeEngine();
		feed(engine, source, 1500);
		assert.ok((await engine.start()).ok);
		feed(engine, source, 100);
		source.miss(700 * rate);
		feed(engine, source, 200);
		await engine.dispose();
		assert.equal(sinks.length, 1);
		assert.equal(sinks[0]!.end?.frames, 1100);
		verifyCounter(sinks[0]!.data(), 2);
		assert.equal(engine.getSnapshot().droppedFrames, 700 * rate);
		assert.deepEqual(events.find(event => event.type === 'gap'), {type: 'gap', frames: 700 * rate, cause: 'missed-cycles', total: 700 * rate, capture: 1, filled: false});
	});

	it('dates the capture from its first pre-roll sample, not from the trigger', async () => {
		const {engine, source} = makeEngine();
		feed(engine, source, 2500);
		const started = await engine.start();
		assert.ok(started.ok && started.action === 'started');
		assert.equal(started.capture.startedAt, source.frameTime(1500));
	});

	it('holds only what existed when triggered before the ring filled: no zero padding', async () => {
		const {engine, source, sinks} = makeEngine();
		feed(engine, source, 300);
		await engine.start();
		feed(engine, source, 200);
		await engine.stop();
		const {startFrame, frames} = verifyCounter(sinks[0]!.data(), 2);
		assert.equal(startFrame, 0);
		assert.equal(frames, 500);
		assert.equal(sinks[0]!.start.prerollFrames, 300);
	});

	it('gives a capture started right after another its full pre-roll', async () => {
		const {engine, source, sinks} = makeEngine();
		feed(engine, source, 1200);
		await engine.start();
		feed(engine, source, 400);
		await engine.stop();
		const second = await engine.start();
		assert.ok(second.ok && second.action === 'started');
		assert.equal(second.capture.prerollFrames, 1000);
		feed(engine, source, 100);
		await engine.stop();
		assert.equal(verifyCounter(sinks[1]!.data(), 2).startFrame, 600);
		assert.equal(verifyCounter(sinks[1]!.data(), 2).frames, 1100);
	});

	it('keeps frames that arrive while the file is still opening, in order', async () => {
		const {opened, open} = gate();
		const {engine, source, sinks} = makeEngine({openDelay: async () => opened});
		feed(engine, source, 1500);
		const starting = engine.start();
		feed(engine, source, 300, 50);
		open();
		await starting;
		feed(engine, source, 100);
		await engine.stop();
		const {startFrame, frames} = verifyCounter(sinks[0]!.data(), 2);
		assert.equal(startFrame, 500);
		assert.equal(frames, 1400);
	});

	it('answers a stop that comes while the file is still opening with how the stop went', async () => {
		const {opened, open} = gate();
		const {engine, source, sinks} = makeEngine({openDelay: async () => opened});
		feed(engine, source, 1500);
		const starting = engine.toggle();
		const stopping = engine.toggle();
		open();
		const stopped = await stopping;
		assert.ok(stopped.ok && stopped.action === 'stopped', JSON.stringify(stopped));
		assert.equal(stopped.capture.frames, 1000);
		assert.equal((await starting).ok, true);
		assert.equal(engine.recording, false);
		assert.equal(sinks[0]!.end?.frames, 1000);
	});

	it('refuses a capture on silence with a reason naming the ports, and allows one on signal', async () => {
		const {engine, source, sinks, events} = makeEngine();
		source.feed(800, 'silence');
		engine.drain();
		const refused = await engine.start();
		assert.equal(refused.ok, false);
		assert.match(!refused.ok ? refused.reason : '', /no input signal on in_1, in_2 .*check connections/);
		assert.equal(engine.getSnapshot().lastRefusal?.reason, !refused.ok ? refused.reason : undefined);
		assert.equal(sinks.length, 0);
		assert.ok(events.some(event => event.type === 'capture-refused'));
		feed(engine, source, 600);
		const allowed = await engine.start();
		assert.equal(allowed.ok, true);
		assert.equal(engine.getSnapshot().lastRefusal, undefined);
	});

	it('finishes an open capture when the source shuts down, and refuses new ones with the reason', async () => {
		const {engine, source, sinks, events} = makeEngine();
		feed(engine, source, 1200);
		await engine.start();
		feed(engine, source, 100);
		source.shutDown('jackd went away');
		engine.drain();
		await engine.dispose();
		assert.equal(sinks[0]!.end?.frames, 1100);
		assert.ok(events.some(event => event.type === 'source-stopped' && event.reason === 'jackd went away'));
		assert.ok(events.some(event => event.type === 'capture-saved'));
	});

	it('finalizes an open capture on dispose, and dispose twice is harmless', async () => {
		const {engine, source, sinks} = makeEngine();
		feed(engine, source, 500);
		await engine.start();
		source.feed(50);
		await engine.dispose();
		await engine.dispose();
		assert.equal(sinks[0]!.end?.frames, 550);
		assert.equal(source.disposed, 1);
	});

	it('publishes a new snapshot object on change and keeps it between changes', async () => {
		const {engine, source} = makeEngine();
		let notified = 0;
		engine.subscribe(() => notified++);
		const before = engine.getSnapshot();
		assert.equal(engine.getSnapshot(), before);
		feed(engine, source, 200);
		await engine.start();
		const after = engine.getSnapshot();
		assert.notEqual(after, before);
		assert.equal(after.capture.kind, 'recording');
		assert.ok(notified > 0);
		assert.ok(after.bufferFilledSeconds > 0.19);
	});
});
