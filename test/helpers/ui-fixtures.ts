import type {EngineCommands} from '../../src/ui/engine-store.js';
import type {ChannelLevel, EngineSnapshot} from '../../src/engine/engine-snapshot.js';
import type {InputsView} from '../../src/ui/inputs-view.js';
import type {SessionView} from '../../src/ui/session-view.js';

/** The instant the UI tests' clocks read. */
export const testNow = 1_763_900_000_000;

export const level = (port: string, peak: number, clipped = false): ChannelLevel => ({port, peak, rms: peak - 10, clipped});

/** An engine snapshot for component tests: JACK, idle, 9.2 of 13 s filled, two channels; override any part. */
export const snapshot = (overrides: Partial<EngineSnapshot> = {}): EngineSnapshot => ({
	source: {kind: 'jack', name: 'omega13', sampleRate: 48_000, periodFrames: 256, status: 'running', message: undefined},
	bufferSeconds: 13,
	bufferFilledSeconds: 9.2,
	levels: [level('omega13:in_1', -12), level('omega13:in_2', -30)],
	capture: {kind: 'idle'},
	lastRefusal: undefined,
	lastCapture: undefined,
	xruns: 0,
	droppedFrames: 0,
	sessionDir: undefined,
	...overrides,
});

export const session = (count: number, dir = '/home/user/.local/share/omega13/sessions/2025-11-23_10-00-00'): SessionView => ({
	dir,
	captures: Array.from({length: count}, (_, i) => ({
		index: i + 1,
		file: `${String(i + 1).padStart(3, '0')}.wav`,
		startedAt: new Date(Date.UTC(2025, 10, 23, 10, i, 5)).toISOString(),
		durationSeconds: 20 + i,
		state: 'complete',
	})),
});

export const inputs = (): InputsView => ({
	client: 'omega13',
	inputs: [
		{port: 'omega13:in_1', sources: ['system:capture_1']},
		{port: 'omega13:in_2', sources: []},
	],
});

/** Commands that record what the screen asked for. */
export const recordingCommands = (extra: Partial<EngineCommands> = {}): EngineCommands & {readonly calls: string[]} => {
	const calls: string[] = [];
	return {
		calls,
		toggle: () => calls.push('toggle'),
		newSession: () => calls.push('newSession'),
		quit: () => calls.push('quit'),
		...extra,
	};
};
