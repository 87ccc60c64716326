import assert from 'node:assert/strict';
import {afterEach, beforeEach, describe, mock, test} from 'node:test';
import type {EngineEvent, EngineEventListener} from '../src/engine/engine-events.js';
import {EventReporter} from '../src/app/event-reporter.js';
import {printingReporter, type Reporter} from '../src/app/reporter.js';

/** What a reporter was told, in order. */
const recordingReporter = (): Reporter & {calls: string[]} => {
	const calls: string[] = [];
	return {
		calls,
		say: line => calls.push(`say ${line}`),
		notice: (key, line) => calls.push(`notice ${key}: ${line}`),
		resolve: key => calls.push(`resolve ${key}`),
	};
};

/** Just enough of an AudioEngine: its event stream and its source's rate. */
const fakeEngine = () => {
	const listeners = new Set<EngineEventListener>();
	return {
		source: {sampleRate: 48_000},
		onEvent(listener: EngineEventListener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		emit(event: EngineEvent) {
			for (const listener of listeners) {
				listener(event);
			}
		},
		get listening() {
			return listeners.size;
		},
	};
};

const saved = {index: 2, path: '/s/002.wav', startedAt: 0, frames: 48_000, duration: 1, prerollFrames: 0, droppedFrames: 0};

describe('EventReporter', () => {
	beforeEach(() => {
		mock.timers.enable({apis: ['setTimeout']});
	});
	afterEach(() => {
		mock.timers.reset();
	});

	test('keeps a failed capture as a notice until a capture is saved, and summarizes xruns', () => {
		const engine = fakeEngine();
		const report = recordingReporter();
		const events = new EventReporter(engine, report);
		engine.emit({type: 'capture-failed', reason: 'no space left on the device', path: '/s/001.wav'});
		for (let total = 1; total <= 30; total++) {
			engine.emit({type: 'xrun', total});
		}
		engine.emit({type: 'capture-saved', capture: saved});
		mock.timers.tick(60_000);
		assert.deepEqual(report.calls, [
			'notice capture: capture failed: no space left on the device',
			'say xrun reported by the JACK server (1 so far); more are counted and told once a minute',
			'resolve capture',
			'say capture 002 saved: 1.00 s (48000 frames) -> /s/002.wav',
			'say 29 xruns in the last minute (30 so far)',
		]);
		events.dispose();
		events.dispose();
		assert.equal(engine.listening, 0);
	});

	test('in headless mode prints every line once, in order', () => {
		const engine = fakeEngine();
		const lines: string[] = [];
		const events = new EventReporter(engine, printingReporter(line => lines.push(line)));
		engine.emit({type: 'capture-failed', reason: 'disk full', path: undefined});
		engine.emit({type: 'capture-saved', capture: saved});
		engine.emit({type: 'xrun', total: 1});
		engine.emit({type: 'xrun', total: 2});
		events.dispose();
		assert.deepEqual(lines, [
			'capture failed: disk full',
			'capture 002 saved: 1.00 s (48000 frames) -> /s/002.wav',
			'xrun reported by the JACK server (1 so far); more are counted and told once a minute',
			'1 xrun since the last report (2 so far)',
		]);
	});
});
