import assert from 'node:assert/strict';
import {statSync} from 'node:fs';
import {describe, test} from 'node:test';
import {AudioEngine} from '../src/engine/audio-engine.js';
import type {CaptureSink} from '../src/engine/capture-sink.js';
import type {Clip} from '../src/engine/clip-reader.js';
import {demoAssetPath, openDemoSource} from '../src/engine/demo-source.js';
import {LoopingClipSource} from '../src/engine/looping-clip-source.js';
import {readWav} from '../src/wav/wav-reader.js';
import {readAfter} from './helpers/realtime-read.js';

/** A clock the test moves by hand (from 0, so float rounding of epoch-sized times does not blur frame counts). */
const manualClock = (start = 0) => {
	let now = start;
	return {now: () => now, advance: (ms: number) => (now += ms), start};
};

const ramp = (frames: number, channels = 1): Clip => ({
	sampleRate: 48_000,
	channels,
	frames,
	data: Float32Array.from({length: frames * channels}, (_, i) => (Math.floor(i / channels) + 1) / frames * (i % channels === 0 ? 1 : -1)),
});

const sine = (rate: number, hz: number, frames: number): Float32Array =>
	Float32Array.from({length: frames}, (_, n) => 0.5 * Math.sin((2 * Math.PI * hz * n) / rate));

const readAll = (source: LoopingClipSource, maxFrames: number): Float32Array => {
	const into = new Float32Array(maxFrames * source.channels);
	const frames = source.read(into);
	return into.subarray(0, frames * source.channels);
};

const errorDb = (actual: Float32Array, ideal: Float32Array): number => {
	let error = 0;
	let signal = 0;
	for (let i = 0; i < ideal.length; i++) {
		error += (actual[i]! - ideal[i]!) ** 2;
		signal += ideal[i]! ** 2;
	}
	return 10 * Math.log10(error / signal);
};

describe('the demo asset', () => {
	test('is a 48 kHz mono 16-bit WAV under 1 MB, about 9 s, never digitally silent', async () => {
		assert.ok(statSync(demoAssetPath).size < 1_000_000);
		const clip = await readWav(demoAssetPath);
		assert.equal(clip.sampleRate, 48_000);
		assert.equal(clip.channels, 1);
		assert.equal(clip.sampleFormat, 'int16');
		assert.ok(clip.frames / 48_000 > 6 && clip.frames / 48_000 < 10, `${clip.frames / 48_000} s`);
		// The silence gate looks at the last 0.5 s for a peak above -60 dBFS: every window must pass it.
		const window = 24_000;
		for (let start = 0; start + window <= clip.frames; start += window / 2) {
			let peak = 0;
			for (let i = start; i < start + window; i++) {
				peak = Math.max(peak, Math.abs(clip.data[i]!));
			}
			assert.ok(20 * Math.log10(peak) > -56, `window at ${start / 48_000} s peaks at ${20 * Math.log10(peak)} dBFS`);
		}
	});
});

describe('LoopingClipSource', () => {
	test('audio arrives in whole periods as the clock advances, in clip order, looping', () => {
		const clock = manualClock();
		const clip = ramp(1000);
		const source = new LoopingClipSource({kind: 'demo', name: 'demo', client: 'demo', clip, channels: 2, periodFrames: 100, now: clock.now});
		assert.equal(source.read(new Float32Array(2000)), 0);
		clock.advance((250 / 48_000) * 1000);
		const first = readAll(source, 10_000);
		assert.equal(first.length / 2, 200, 'two whole periods have arrived, not 250 frames');
		clock.advance((2000 / 48_000) * 1000);
		const second = readAll(source, 10_000);
		const all = [...first, ...second];
		assert.equal(all.length / 2, 2200);
		for (let frame = 0; frame < 2200; frame++) {
			const expected = clip.data[frame % 1000]!;
			assert.equal(all[frame * 2], expected, `frame ${frame} left`);
			assert.equal(all[frame * 2 + 1], expected, `frame ${frame} right`);
		}
	});

	test('a small read buffer gets the rest on the next read', () => {
		const clock = manualClock();
		const source = new LoopingClipSource({kind: 'demo', name: 'demo', client: 'demo', clip: ramp(1000), periodFrames: 10, now: clock.now});
		clock.advance(1000 * (500 / 48_000));
		assert.equal(source.read(new Float32Array(300)), 300);
		assert.equal(source.read(new Float32Array(300)), 200);
		assert.equal(source.read(new Float32Array(300)), 0);
	});

	test('frameTime is the clock at which the frame arrived', () => {
		const clock = manualClock();
		const source = new LoopingClipSource({kind: 'demo', name: 'demo', client: 'demo', clip: ramp(1000), now: clock.now});
		assert.equal(source.frameTime(0), clock.start);
		assert.equal(source.frameTime(48_000), clock.start + 1000);
		assert.equal(source.frameTime(24_000), clock.start + 500);
	});

	test('a reader that stalls gets only the last few seconds; the rest is counted as dropped and frameTime stays true', () => {
		const clock = manualClock();
		const source = new LoopingClipSource({
			kind: 'demo',
			name: 'demo',
			client: 'demo',
			clip: ramp(48_000),
			periodFrames: 480,
			maxBacklogSeconds: 2,
			now: clock.now,
		});
		clock.advance(1000);
		assert.equal(source.read(new Float32Array(480_000)), 48_000);
		clock.advance(10_000);
		const into = new Float32Array(10 * 48_000);
		assert.equal(source.read(into), 96_000);
		assert.equal(source.stats().droppedFrames, 8 * 48_000);
		// Frame 48000 is the first after the gap: it was captured 9 s after the source opened.
		assert.equal(source.frameTime(47_999), clock.start + (47_999 / 48_000) * 1000);
		assert.equal(source.frameTime(48_000), clock.start + 9000);
		assert.equal(source.frameTime(48_000 + 96_000), clock.start + 11_000);
		// And the loop position followed the clock, not the delivered count: 9 s into a 1 s loop is its start.
		assert.equal(into[0], ramp(48_000).data[0]);
	});

	test('ports, name and kind', () => {
		const source = new LoopingClipSource({kind: 'file', name: '/x.wav', client: 'file', clip: ramp(10), channels: 3});
		assert.deepEqual(source.portNames, ['file:in_1', 'file:in_2', 'file:in_3']);
		assert.equal(source.kind, 'file');
		assert.equal(source.name, '/x.wav');
		assert.deepEqual(source.stats(), {xruns: 0, droppedFrames: 0, shutdownReason: undefined});
	});

	test('a stereo clip read as mono is the mean of its channels; as stereo it is copied', () => {
		const clock = manualClock();
		const clip = ramp(100, 2);
		const mono = new LoopingClipSource({kind: 'file', name: 'f', client: 'file', clip, channels: 1, periodFrames: 100, now: clock.now});
		const stereo = new LoopingClipSource({kind: 'file', name: 'f', client: 'file', clip, periodFrames: 100, now: clock.now});
		clock.advance(1000 * (100 / 48_000));
		const monoFrames = readAll(mono, 100);
		const stereoFrames = readAll(stereo, 100);
		for (let frame = 0; frame < 100; frame++) {
			assert.equal(monoFrames[frame], (clip.data[frame * 2]! + clip.data[frame * 2 + 1]!) / 2);
			assert.equal(stereoFrames[frame * 2], clip.data[frame * 2]);
			assert.equal(stereoFrames[frame * 2 + 1], clip.data[frame * 2 + 1]);
		}
	});

	test('rate conversion up is band-limited: a 1 kHz tone at 16 kHz comes out at 48 kHz within -70 dB', () => {
		const clock = manualClock();
		const clip: Clip = {sampleRate: 16_000, channels: 1, frames: 16_000, data: sine(16_000, 1000, 16_000)};
		const source = new LoopingClipSource({kind: 'file', name: 'f', client: 'file', clip, sampleRate: 48_000, periodFrames: 480, now: clock.now});
		assert.equal(source.loopFrames, 48_000);
		clock.advance(1000);
		const out = readAll(source, 48_000);
		assert.equal(out.length, 48_000);
		// Linear interpolation would be about -45 dB off here; nearest neighbour about -20 dB.
		const error = errorDb(out, sine(48_000, 1000, 48_000));
		assert.ok(error < -70, `error ${error.toFixed(1)} dB`);
	});

	test('rate conversion down keeps the band and removes what the new rate cannot hold', () => {
		const clock = manualClock();
		const kept: Clip = {sampleRate: 48_000, channels: 1, frames: 48_000, data: sine(48_000, 1000, 48_000)};
		const keptSource = new LoopingClipSource({kind: 'file', name: 'f', client: 'file', clip: kept, sampleRate: 44_100, now: clock.now});
		// 12 kHz is above 16 kHz's Nyquist: it must not alias down to 4 kHz.
		const removed: Clip = {sampleRate: 48_000, channels: 1, frames: 48_000, data: sine(48_000, 12_000, 48_000)};
		const removedSource = new LoopingClipSource({kind: 'file', name: 'f', client: 'file', clip: removed, sampleRate: 16_000, now: clock.now});
		clock.advance(1000);
		const keptOut = readAll(keptSource, 44_100);
		assert.ok(errorDb(keptOut.subarray(0, 44_000), sine(44_100, 1000, 44_000)) < -70);
		const removedOut = readAll(removedSource, 16_000);
		let power = 0;
		for (const sample of removedOut) {
			power += sample * sample;
		}
		const levelDb = 10 * Math.log10(power / removedOut.length / 0.125);
		assert.ok(levelDb < -60, `alias at ${levelDb.toFixed(1)} dB`);
	});

	test('reads nothing after dispose; dispose is idempotent', () => {
		const clock = manualClock();
		const source = new LoopingClipSource({kind: 'demo', name: 'demo', client: 'demo', clip: ramp(100), now: clock.now});
		source.dispose();
		source.dispose();
		clock.advance(1000);
		assert.equal(source.read(new Float32Array(100_000)), 0);
	});

	test('bad options are rejected with exact messages', () => {
		const base = {kind: 'demo', name: 'demo', client: 'demo', clip: ramp(100)} as const;
		assert.throws(() => new LoopingClipSource({...base, periodFrames: 0}), new RangeError('periodFrames must be a whole number >= 1, got 0'));
		assert.throws(() => new LoopingClipSource({...base, maxBacklogSeconds: -1}), new RangeError('maxBacklogSeconds must be a positive number of seconds, got -1'));
		assert.throws(() => new LoopingClipSource({...base, sampleRate: 44_100.5}), new RangeError('sampleRate must be a whole number of hertz >= 1, got 44100.5'));
		assert.throws(() => new LoopingClipSource({...base, channels: 0}), new RangeError('channels must be a whole number >= 1, got 0'));
		assert.throws(
			() => new LoopingClipSource({...base, clip: {sampleRate: 48_000, channels: 1, frames: 0, data: new Float32Array(0)}}),
			new RangeError('the clip has no audio (0 frames, 0 samples)'),
		);
	});
});

describe('openDemoSource', () => {
	test('plays the clip in real time on every channel, 48 kHz stereo by default', async () => {
		const clip = await readWav(demoAssetPath);
		const into = new Float32Array(48_000 * 2);
		const {source, frames, least, most} = await readAfter(openDemoSource, 300, into);
		try {
			assert.equal(source.kind, 'demo');
			assert.equal(source.name, 'demo');
			assert.equal(source.sampleRate, 48_000);
			assert.equal(source.channels, 2);
			assert.deepEqual(source.portNames, ['demo:in_1', 'demo:in_2']);
			assert.ok(frames >= least && frames <= most && frames > 0, `${frames} frames, expected ${least} to ${most}`);
			assert.equal(frames % source.periodFrames, 0);
			for (let frame = 0; frame < frames; frame++) {
				assert.equal(into[frame * 2], clip.data[frame]);
				assert.equal(into[frame * 2 + 1], clip.data[frame]);
			}
		} finally {
			source.dispose();
		}
	});

	test('feeds the engine: the meters move and a capture holds the clip from its first frame', async () => {
		const clip = await readWav(demoAssetPath);
		const chunks: Float32Array[] = [];
		const sink = (index: number): CaptureSink => ({
			index,
			path: `memory:${index}`,
			append: (block, frames) => {
				chunks.push(block.slice(0, frames * 2));
			},
			flush: async () => {},
			finish: async () => {},
		});
		const engine = new AudioEngine({
			source: await openDemoSource(),
			bufferSeconds: 13,
			silenceGate: {thresholdDb: -60, windowSeconds: 0.5},
			openCapture: async () => sink(1),
		});
		try {
			await new Promise<void>(resolve => {
				const unsubscribe = engine.subscribe(() => {
					if (engine.getSnapshot().bufferFilledSeconds >= 1) {
						unsubscribe();
						resolve();
					}
				});
			});
			const snapshot = engine.getSnapshot();
			assert.equal(snapshot.source.kind, 'demo');
			assert.ok(snapshot.levels.every(level => level.peak > -60), JSON.stringify(snapshot.levels));
			const started = await engine.toggle();
			assert.equal(started.ok, true, JSON.stringify(started));
			await new Promise(resolve => setTimeout(resolve, 200));
			const stopped = await engine.toggle();
			assert.equal(stopped.ok, true, JSON.stringify(stopped));
			const frames = chunks.reduce((sum, chunk) => sum + chunk.length / 2, 0);
			assert.ok(frames > 48_000, `${frames} frames`);
			let at = 0;
			for (const chunk of chunks) {
				for (let i = 0; i < chunk.length; i += 2, at++) {
					const expected = clip.data[at % clip.frames];
					if (chunk[i] !== expected || chunk[i + 1] !== expected) {
						assert.fail(`frame ${at} is ${chunk[i]}/${chunk[i + 1]}, the clip has ${expected}`);
					}
				}
			}
		} finally {
			await engine.dispose();
		}
	});
});
