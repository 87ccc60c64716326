import assert from 'node:assert/strict';
import type {EngineCommands} from '../../src/ui/engine-store.js';
import type {ChannelLevel, EngineSnapshot} from '../../src/engine/engine-snapshot.js';
import type {InputsView} from '../../src/ui/inputs-view.js';
import type {PastSessionSummary} from '../../src/ui/past-session.js';
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
	lastFailure: undefined,
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

/** A line of the past-sessions list; override any part. */
export const pastSummary = (id: string, overrides: Partial<PastSessionSummary> = {}): PastSessionSummary => ({
	id,
	dir: `/home/user/.local/share/omega13/sessions/${id}`,
	createdAt: `${id.slice(0, 10)}T${id.slice(11).replaceAll('-', ':')}.000Z`,
	captures: 2,
	totalSeconds: 41,
	transcripts: {done: 1, failed: 1, pending: 0},
	...overrides,
});

/** Three sessions as `listSessions` answers them: newest first, the unreadable one last. */
export const pastSessions = (): PastSessionSummary[] => [
	pastSummary('2025-11-24_09-30-00', {captures: 1, totalSeconds: 12.5, transcripts: {done: 0, failed: 0, pending: 1}}),
	pastSummary('2025-11-23_14-05-00', {captures: 3, totalSeconds: 63, transcripts: {done: 2, failed: 1, pending: 0}}),
	pastSummary('2025-11-20_08-00-00', {createdAt: '', captures: 0, totalSeconds: 0, transcripts: {done: 0, failed: 0, pending: 0}, error: 'not valid JSON (Unexpected token)'}),
];

/** The captures of `2025-11-23_14-05-00` in `pastSessions()`: a transcript, a failure, and one never transcribed. */
export const pastSessionView = (): SessionView => ({
	dir: '/home/user/.local/share/omega13/sessions/2025-11-23_14-05-00',
	captures: [
		{
			index: 1,
			file: '001.wav',
			startedAt: '2025-11-23T14:05:00.000Z',
			durationSeconds: 21,
			state: 'complete',
			transcript: {status: 'done', text: 'And so, my fellow Americans: ask not what your country can do for you.'},
		},
		{index: 2, file: '002.flac', startedAt: '2025-11-23T14:06:30.000Z', durationSeconds: 30, state: 'complete', transcript: {status: 'failed', reason: 'model not found'}},
		{index: 3, file: '003.wav', startedAt: '2025-11-23T14:08:00.000Z', durationSeconds: 12, state: 'recovered'},
	],
});

/**
 * `listSessions` and `openSession` answering from fixtures, recording what was asked. `openSession` knows
 * only the ids in `views`.
 */
export const pastSessionReads = (
	sessions: readonly PastSessionSummary[] = pastSessions(),
	views: Readonly<Record<string, SessionView>> = {'2025-11-23_14-05-00': pastSessionView()},
): Required<Pick<EngineCommands, 'listSessions' | 'openSession'>> & {readonly reads: string[]} => {
	const reads: string[] = [];
	return {
		reads,
		listSessions: async () => {
			reads.push('list');
			return sessions;
		},
		openSession: async id => {
			reads.push(`open ${id}`);
			const view = views[id];
			if (view === undefined) {
				throw new Error(`no session ${id}`);
			}
			return view;
		},
	};
};

/** Every line of a frame fits the terminal, with one row kept free (Ink scrolls otherwise). */
export const assertFits = (frame: string, columns: number, rows: number): void => {
	const lines = frame.split('\n');
	assert.ok(lines.length <= rows - 1, `${lines.length} lines fit ${rows} rows (one kept free):\n${frame}`);
	for (const line of lines) {
		assert.ok([...line].length <= columns, `"${line}" (${[...line].length}) fits ${columns} columns`);
	}
};

/** The session panel's selected row (`' > 003 ...'`). */
export const selectedLine = (frame: string): string | undefined => frame.split('\n').find(line => line.startsWith(' > '));
