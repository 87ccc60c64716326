import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {render} from 'ink-testing-library';
import type {EngineSnapshot} from '../src/engine/engine-snapshot.js';
import {EngineBanner} from '../src/ui/engine-views.js';
import {planLayout} from '../src/ui/layout.js';
import {StateBanner} from '../src/ui/state-banner.js';
import {describeState, noServerAdvice} from '../src/ui/state-view.js';
import {createValueStore} from '../src/util/store.js';
import {snapshot, testNow} from './helpers/ui-fixtures.js';

const recording = (overrides: Partial<EngineSnapshot> = {}): EngineSnapshot =>
	snapshot({
		capture: {
			kind: 'recording',
			index: 4,
			path: '/s/004.wav',
			startedAt: testNow - 55_000,
			triggeredAt: testNow - 42_000,
			prerollFrames: 13 * 48_000,
			frames: 55.23 * 48_000,
		},
		...overrides,
	});

const demo = snapshot().source;

describe('describeState', () => {
	test('IDLE on JACK', () => {
		assert.deepEqual(describeState(snapshot(), testNow), {
			kind: 'idle',
			label: 'IDLE',
			summary: 'keeping the last 13 s',
			detail: 'space captures the last 13 s and keeps recording until space again',
		});
	});

	test('RECORDING with the elapsed time and the pre-roll it started with', () => {
		assert.deepEqual(describeState(recording(), testNow), {
			kind: 'recording',
			label: 'RECORDING',
			summary: '0:55',
			detail: 'capture 004 · started with 13.0 s of pre-roll · space stops it',
		});
		const onDemo = describeState(recording({source: {...demo, kind: 'demo', name: 'demo'}}), testNow);
		assert.equal(onDemo.label, 'RECORDING');
		assert.match(onDemo.detail, / · demo source$/);
	});

	test('a capture cut short by a full disk keeps a red banner with the reason until a capture is saved whole', () => {
		const reason = 'capture 003 ended: disk full (ENOSPC) after 12.0 s, saved up to there in /s/003.wav; free some space in /s';
		const lastCapture = {index: 3, path: '/s/003.wav', startedAt: testNow, frames: 576_000, duration: 12, prerollFrames: 0, droppedFrames: 0, ended: 'disk full'};
		const failed = snapshot({lastFailure: {reason, at: testNow - 60_000}, lastCapture});
		assert.deepEqual(describeState(failed, testNow + 3_600_000), {
			kind: 'failed',
			label: 'CAPTURE ENDED: DISK FULL',
			summary: reason,
			detail: 'the ring keeps the last 13 s · space records again once the cause is fixed',
		});
		const {lastFrame} = render(<StateBanner view={describeState(failed, testNow)} columns={100} border={false} />);
		assert.match(lastFrame() ?? '', /CAPTURE ENDED: DISK FULL/);
		// A refusal meanwhile (still full) shows first, for its while.
		assert.equal(describeState({...failed, lastRefusal: {reason: 'disk full: 0.1 MB free', at: testNow}}, testNow).label, 'BLOCKED');
		assert.equal(describeState(snapshot({lastCapture}), testNow).label, 'IDLE');
	});

	test('BLOCKED with the silence gate\'s reason, for ten seconds', () => {
		const reason = 'all inputs are below -60 dBFS in the last 0.5 s (loudest: omega13:in_1 at -71.2 dBFS)';
		const blocked = snapshot({lastRefusal: {reason, at: testNow - 2000}});
		assert.deepEqual(describeState(blocked, testNow), {
			kind: 'blocked',
			label: 'BLOCKED',
			summary: reason,
			detail: 'nothing was recorded · space tries again',
		});
		assert.equal(describeState(blocked, testNow + 8000).label, 'IDLE');
		assert.equal(describeState(blocked, testNow + 2000, {refusalShownMs: 3000}).label, 'IDLE');
	});

	test('NO JACK SERVER with the reason and what to do; it outranks BLOCKED', () => {
		const gone = snapshot({
			source: {...demo, status: 'stopped', message: 'the JACK server shut down: jackd was killed'},
			lastRefusal: {reason: 'no audio source', at: testNow},
		});
		assert.deepEqual(describeState(gone, testNow), {
			kind: 'no-server',
			label: 'NO JACK SERVER',
			summary: 'the JACK server shut down: jackd was killed',
			detail: noServerAdvice,
		});
	});

	test('DEMO SOURCE and FILE SOURCE when idle on them', () => {
		const onDemo = describeState(snapshot({source: {...demo, kind: 'demo', name: 'demo'}}), testNow);
		assert.equal(onDemo.label, 'DEMO SOURCE');
		assert.equal(onDemo.summary, 'playing the built-in demo clip, not a microphone');
		const onFile = describeState(snapshot({source: {...demo, kind: 'file', name: '/audio/jfk.wav'}}), testNow);
		assert.equal(onFile.label, 'FILE SOURCE');
		assert.equal(onFile.summary, 'replaying jfk.wav');
	});
});

describe('StateBanner', () => {
	test('draws the label boxed, with the summary beside it and the detail under it', () => {
		const layout = planLayout(80, 24, 2);
		const {lastFrame, unmount} = render(<StateBanner view={describeState(recording(), testNow)} columns={80} border={layout.bannerBorder} />);
		const lines = lastFrame()!.split('\n');
		assert.equal(lines.length, 4);
		assert.match(lines[0]!, /^╭─+╮$/);
		assert.match(lines[1]!, /^│ {2}● RECORDING {3}0:55 +│$/);
		assert.match(lines[2]!, /^│ capture 004 · started with 13\.0 s of pre-roll · space stops it +│$/);
		for (const line of lines) {
			assert.equal(line.length, 80);
		}
		unmount();
	});

	test('a long reason is cut to the width, never wrapped', () => {
		const reason = `all inputs are below -60 dBFS ${'and more '.repeat(20)}`;
		for (const columns of [80, 40, 24]) {
			const {lastFrame, unmount} = render(
				<StateBanner view={describeState(snapshot({lastRefusal: {reason, at: testNow}}), testNow)} columns={columns} border />,
			);
			const lines = lastFrame()!.split('\n');
			assert.equal(lines.length, 4, lastFrame());
			assert.match(lines[1]!, /BLOCKED/);
			for (const line of lines) {
				assert.ok(line.length <= columns, `"${line}" fits ${columns}`);
			}
			unmount();
		}
	});

	test('badges sit at the right of the first line and win over a long summary', () => {
		const reason = `all inputs are below -60 dBFS ${'and more '.repeat(20)}`;
		for (const columns of [80, 50]) {
			const {lastFrame, unmount} = render(
				<StateBanner view={describeState(snapshot({lastRefusal: {reason, at: testNow}}), testNow)} columns={columns} border badges={['voice: listening']} />,
			);
			const lines = lastFrame()!.split('\n');
			assert.match(lines[1]!, /^│ {2}BLOCKED {3}all inputs.*… +voice: listening │$/);
			for (const line of lines) {
				assert.equal(line.length, columns);
			}
			unmount();
		}
	});

	test('without a border it is two lines', () => {
		const {lastFrame, unmount} = render(<StateBanner view={describeState(snapshot(), testNow)} columns={80} border={false} />);
		assert.equal(lastFrame()!.split('\n').length, 2);
		assert.match(lastFrame()!, /^ {2}IDLE {3}keeping the last 13 s/);
		unmount();
	});
});

describe('EngineBanner', () => {
	test('follows the engine store: IDLE, then RECORDING, then NO JACK SERVER', async () => {
		const engine = createValueStore(snapshot());
		const layout = planLayout(80, 24, 2);
		const {lastFrame, unmount} = render(<EngineBanner engine={engine} layout={layout} clock={() => testNow} />);
		assert.match(lastFrame()!, /IDLE/);
		engine.set(recording());
		await new Promise(resolve => setImmediate(resolve));
		assert.match(lastFrame()!, /● RECORDING {3}0:55/);
		engine.set(snapshot({source: {...demo, status: 'stopped', message: 'server gone'}}));
		await new Promise(resolve => setImmediate(resolve));
		assert.match(lastFrame()!, /NO JACK SERVER {3}server gone/);
		assert.match(lastFrame()!, /start the JACK server/);
		unmount();
	});
});
