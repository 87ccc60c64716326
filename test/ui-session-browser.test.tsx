import assert from 'node:assert/strict';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, test} from 'node:test';
import {render} from 'ink-testing-library';
import {pastSessionCommands} from '../src/app/past-sessions.js';
import {App} from '../src/ui/app.js';
import type {EngineCommands} from '../src/ui/engine-store.js';
import type {PastSessionSummary} from '../src/ui/past-session.js';
import {PastSessionList} from '../src/ui/past-session-list.js';
import {closedPastSessions, pastSessionsReducer, type PastSessionsAction, type PastSessionsState} from '../src/ui/past-sessions-state.js';
import {PastSessionsScreen} from '../src/ui/past-sessions-screen.js';
import type {SessionView} from '../src/ui/session-view.js';
import {createValueStore} from '../src/util/store.js';
import {keys, renderInTerminal, type TerminalRender} from './helpers/ink-terminal.js';
import {recordSession} from './helpers/recorded-sessions.js';
import {assertFits, selectedLine, inputs, pastSessionReads, pastSessions, pastSessionView, pastSummary, recordingCommands, session, snapshot, testNow} from './helpers/ui-fixtures.js';

process.env['TZ'] = 'UTC';

const rendered: Array<{unmount(): void}> = [];
afterEach(() => {
	for (const screen of rendered.splice(0)) {
		screen.unmount();
	}
});

const setup = (options: {columns?: number; rows?: number; commands?: Partial<EngineCommands>; live?: SessionView} = {}) => {
	const engine = createValueStore(snapshot());
	const reads = pastSessionReads();
	const commands = recordingCommands({transcribe: index => commands.calls.push(`transcribe ${index}`), ...reads, ...options.commands});
	const screen = renderInTerminal(
		<App engine={engine} commands={commands} session={createValueStore(options.live ?? session(3))} inputs={createValueStore(inputs())} clock={() => testNow} />,
		options.columns ?? 80,
		options.rows ?? 24,
	);
	rendered.push(screen);
	return {engine, commands, reads: reads.reads, screen};
};

const helpLine = (frame: string): string => frame.split('\n').at(-1) ?? '';

/** Opens the list and waits for it to be read. */
const openList = async (screen: TerminalRender): Promise<string> => {
	screen.stdin.write('s');
	return screen.waitForFrame(frame => /^ SESSIONS/m.test(frame) && /09:30/.test(frame), 'the list of sessions');
};

/** Opens the list, then the session on the second row (2025-11-23_14-05-00). */
const openSecondSession = async (screen: TerminalRender): Promise<string> => {
	await openList(screen);
	screen.stdin.write(keys.down);
	screen.stdin.write(keys.enter);
	return screen.waitForFrame(frame => /SESSION .*2025-11-23_14-05-00 · read-only · 3 captures/.test(frame), 'the session');
};

describe('session browser', () => {
	test('s opens the list of past sessions, newest first, each with its date, captures, length and transcripts', async () => {
		const {screen, reads} = setup();
		assert.match(helpLine(screen.lastFrame()), /s sessions/, 'the main help line offers it');
		const frame = await openList(screen);
		assert.deepEqual(reads, ['list']);
		assert.match(frame, /^ SESSIONS read-only · newest first · 3 sessions$/m);
		const rows = frame.split('\n').filter(line => /^ ( |>) (2025|\d\d-)/.test(line));
		assert.deepEqual(rows, [
			' > 2025-11-24 09:30  1 capture    0:12.5  0 done, 0 failed, 1 pending',
			'   2025-11-23 14:05  3 captures   1:03.0  2 done, 1 failed',
			'   2025-11-20_08-00-00  unreadable: not valid JSON (Unexpected token)',
		]);
		assert.doesNotMatch(frame, /INPUT|global hotkey: x/, 'the list takes the place of the inputs line and the live session');
		assert.match(frame, /IDLE/, 'the banner and meters stay');
		assert.equal(helpLine(frame), ' enter open  ↑↓ choose  esc back  space capture');
		assertFits(frame, 80, 24);
	});

	test('arrows move, Enter opens a session read-only in the session panel look, Enter on a capture shows its transcript', async () => {
		const {screen, reads} = setup();
		await openList(screen);
		screen.stdin.write(keys.down);
		assert.match(selectedLine(await screen.waitForFrame(frame => /2025-11-23 14:05/.test(selectedLine(frame) ?? ''), 'row 2 selected'))!, /3 captures/);
		screen.stdin.write(keys.enter);
		let frame = await screen.waitForFrame(current => /3 captures$/m.test(current) && /SESSION /.test(current), 'the session');
		assert.deepEqual(reads, ['list', 'open 2025-11-23_14-05-00']);
		assert.match(frame, /^ SESSION …[^ ]*\/sessions\/2025-11-23_14-05-00 · read-only · 3 captures$/m);
		assert.match(frame, /^ > 001 {2}14:05:00 {3}0:21\.0 {2}complete {3}done: “And so, my fellow Americans/m);
		assert.match(frame, /^ {3}002 {2}14:06:30 {3}0:30\.0 {2}complete {3}transcript failed: model not found$/m);
		assert.match(frame, /^ {3}003 {2}14:08:00 {3}0:12\.0 {2}recovered$/m);
		assert.equal(helpLine(frame), ' enter transcript  ↑↓ browse  esc back  space capture');
		assertFits(frame, 80, 24);

		screen.stdin.write(keys.enter);
		frame = await screen.waitForFrame(current => /TRANSCRIPT/.test(current), 'the transcript');
		assert.match(frame, /^ TRANSCRIPT read-only · 001 · 14:05:00 · 0:21\.0 · done$/m);
		assert.match(frame, /^ And so, my fellow Americans: ask not what your country can do for you\.$/m);
		assert.equal(helpLine(frame), ' esc back  ↑↓ scroll  space capture');
		assertFits(frame, 80, 24);

		screen.stdin.write(keys.escape);
		frame = await screen.waitForFrame(current => /read-only · 3 captures/.test(current), 'back to the session');
		screen.stdin.write(keys.down);
		screen.stdin.write(keys.enter);
		frame = await screen.waitForFrame(current => /TRANSCRIPT read-only · 002/.test(current), 'the failed one');
		assert.match(frame, /^ \(transcript failed: model not found\)$/m);
	});

	test('Esc and q go back one level at a time, to the live session and its keys', async () => {
		const {screen, commands} = setup();
		await openSecondSession(screen);
		screen.stdin.write(keys.enter);
		await screen.waitForFrame(frame => /TRANSCRIPT read-only/.test(frame), 'the transcript');
		screen.stdin.write('q');
		await screen.waitForFrame(frame => /read-only · 3 captures/.test(frame), 'back to the session');
		screen.stdin.write(keys.escape);
		let frame = await screen.waitForFrame(current => /SESSIONS read-only/.test(current), 'back to the list');
		assert.match(selectedLine(frame)!, /2025-11-23 14:05/, 'the list keeps its selection');
		screen.stdin.write('q');
		frame = await screen.waitForFrame(current => /INPUT omega13/.test(current), 'back to the main screen');
		assert.match(frame, /^ SESSION …e\/user\/\.local\/share\/omega13\/sessions\/2025-11-23_10-00-00 · 3 captures$/m, 'the live session, not read-only');
		assert.match(helpLine(frame), /^ space rec {2}q quit/);
		assert.deepEqual(commands.calls, [], 'q went back each time; it did not quit');
		screen.stdin.write('q');
		assert.deepEqual(commands.calls, ['quit'], 'on the main screen q quits again');
	});

	test('read-only: no key in the browser changes anything; t does not reach a past capture; space still captures', async () => {
		const {screen, commands, engine} = setup();
		await openList(screen);
		for (const key of ['t', 'n', 'i', 'r', 'd', 'x', keys.tab]) {
			screen.stdin.write(key);
		}
		screen.stdin.write(keys.space);
		screen.stdin.write(keys.down);
		screen.stdin.write(keys.enter);
		let frame = await screen.waitForFrame(current => /read-only · 3 captures/.test(current), 'the session');
		for (const key of ['t', 'n', 'i', 'r', 'd', 'x']) {
			screen.stdin.write(key);
		}
		screen.stdin.write(keys.space);
		screen.stdin.write(keys.enter);
		await screen.waitForFrame(current => /TRANSCRIPT read-only/.test(current), 'the transcript');
		for (const key of ['t', 'n', 'i', 'r', 'd', 'x']) {
			screen.stdin.write(key);
		}
		screen.stdin.write(keys.space);
		assert.deepEqual(commands.calls, ['toggle', 'toggle', 'toggle'], 'only space did anything, on every level');
		assert.doesNotMatch(frame, /\bt (transcribe again|redo)\b/, 'the help line offers no t');

		// The live session records underneath: the banner shows it while the transcript is open.
		engine.set(
			snapshot({capture: {kind: 'recording', index: 4, path: '/s/004.wav', startedAt: testNow, triggeredAt: testNow, prerollFrames: 48_000 * 13, frames: 48_000 * 20}}),
		);
		frame = await screen.waitForFrame(current => /RECORDING/.test(current), 'the banner says RECORDING');
		assert.match(frame, /TRANSCRIPT read-only · 001/, 'the browser stays where it was');
	});

	test('an unreadable session shows as such; Enter says why instead of opening it', async () => {
		const {screen, reads} = setup();
		await openList(screen);
		screen.stdin.write(keys.pageDown);
		await screen.waitForFrame(frame => /unreadable/.test(selectedLine(frame) ?? ''), 'the unreadable row selected');
		screen.stdin.write(keys.enter);
		const frame = await screen.waitForFrame(current => /cannot be read/.test(current), 'why');
		assert.match(frame, /^ SESSION read-only · 2025-11-20_08-00-00$/m);
		assert.match(frame, /^ session 2025-11-20_08-00-00 cannot be read: not valid JSON \(Unexpected token\)$/m);
		assert.deepEqual(reads, ['list'], 'nothing more was read');
		screen.stdin.write(keys.escape);
		await screen.waitForFrame(current => /SESSIONS read-only/.test(current), 'back to the list');
	});

	test('a session that fails to open says why', async () => {
		const {screen} = setup();
		await openList(screen);
		screen.stdin.write(keys.enter);
		const frame = await screen.waitForFrame(current => /no session 2025-11-24_09-30-00/.test(current), 'the error');
		assert.match(frame, /^ SESSION read-only · 2025-11-24_09-30-00$/m);
	});

	test('keys typed faster than a frame act on the row they reached', async () => {
		const views = {'2025-11-20_08-00-00': {...pastSessionView(), dir: '/x/2025-11-20_08-00-00'}};
		const list = [pastSummary('2025-11-24_09-30-00'), pastSummary('2025-11-23_14-05-00'), pastSummary('2025-11-20_08-00-00')];
		const {screen} = setup({commands: pastSessionReads(list, views)});
		await openList(screen);
		screen.stdin.write(keys.down);
		screen.stdin.write(keys.down);
		screen.stdin.write(keys.enter);
		await screen.waitForFrame(frame => /SESSION \/x\/2025-11-20_08-00-00 · read-only/.test(frame), 'the third session');
	});

	test('while the list is read it says so; an answer that comes after the browser closed is dropped', async () => {
		let answer: (sessions: readonly PastSessionSummary[]) => void = () => {};
		const {screen} = setup({commands: {listSessions: () => new Promise(resolve => (answer = resolve))}});
		screen.stdin.write('s');
		let frame = await screen.waitForFrame(current => /reading the sessions…/.test(current), 'reading');
		assert.match(frame, /^ SESSIONS read-only · newest first$/m);
		const first = answer;
		screen.stdin.write(keys.escape);
		await screen.waitForFrame(current => /INPUT omega13/.test(current), 'closed');
		screen.stdin.write('s');
		await screen.waitForFrame(current => /reading the sessions…/.test(current), 'reading again');
		first([pastSummary('2025-01-01_00-00-00')]);
		await new Promise(resolve => setImmediate(resolve));
		assert.match(screen.lastFrame(), /reading the sessions…/, 'the first answer is stale');
		answer([pastSummary('2025-11-24_09-30-00')]);
		frame = await screen.waitForFrame(current => /1 session$/m.test(current), 'the second answer');
		assert.doesNotMatch(frame, /2025-01-01/);
	});

	test('without the reads (another front end, a test) the list says there is nothing to show', async () => {
		const engine = createValueStore(snapshot());
		const screen = renderInTerminal(<App engine={engine} commands={recordingCommands()} session={createValueStore(session(1))} clock={() => testNow} />);
		rendered.push(screen);
		screen.stdin.write('s');
		await screen.waitForFrame(frame => /cannot list the sessions: past sessions cannot be listed here/.test(frame), 'the reason');
	});

	test('a read that throws (rather than rejecting) shows its reason too', async () => {
		const {screen} = setup({
			commands: {
				listSessions: () => {
					throw new Error('EACCES: permission denied, scandir');
				},
			},
		});
		screen.stdin.write('s');
		await screen.waitForFrame(frame => /cannot list the sessions: EACCES: permission denied, scandir/.test(frame), 'the reason');
	});

	test('no past sessions yet', async () => {
		const {screen} = setup({commands: pastSessionReads([])});
		screen.stdin.write('s');
		await screen.waitForFrame(frame => /0 sessions\n no sessions yet: the first capture starts one/.test(frame), 'the empty list');
	});

	for (const [columns, rows] of [
		[80, 24],
		[60, 20],
		[40, 24],
		[40, 12],
		[30, 10],
		[20, 8],
	] as const) {
		test(`at ${columns}x${rows} the list, a session and a transcript fit, and read-only stays in sight`, async () => {
			const {screen} = setup({columns, rows});
			let frame = await openList(screen);
			assertFits(frame, columns, rows);
			assert.match(frame, /^ SESSIONS re/m);
			assert.match(selectedLine(frame)!, / > (2025-)?11-24 09:30/, 'the date and time come first');
			if (columns >= 30) {
				assert.match(frame, / SESSIONS read-only/);
			}
			screen.stdin.write(keys.down);
			screen.stdin.write(keys.enter);
			frame = await screen.waitForFrame(current => /^ > 001/m.test(current), 'the session');
			assertFits(frame, columns, rows);
			if (columns >= 30) {
				assert.match(frame, /· read-only/);
			}
			screen.stdin.write(keys.enter);
			frame = await screen.waitForFrame(current => /TRANSCRIPT/.test(current), 'the transcript');
			assertFits(frame, columns, rows);
			assert.match(frame, columns >= 30 ? /TRANSCRIPT read-only/ : /TRANSCRIPT re/);
		});
	}

	test('sessions recorded on disk: listed, opened, and a transcript read from NNN.txt', async t => {
		const root = await mkdtemp(path.join(os.tmpdir(), 'omega13-ui-browser-'));
		t.after(() => rm(root, {recursive: true, force: true}));
		await recordSession(root, '2025-11-23T14:05:00Z', [
			{startedAt: '2025-11-23T14:05:00Z', seconds: 2, transcript: {status: 'done', files: {txt: '001.txt'}}, txt: 'Read from the text file.\n'},
			{startedAt: '2025-11-23T14:06:00Z', seconds: 1.5, transcript: {status: 'failed', reason: 'model not found'}},
		]);
		await recordSession(root, '2025-11-24T09:00:00Z', [{startedAt: '2025-11-24T09:00:00Z', seconds: 1}]);
		const {screen} = setup({commands: pastSessionCommands(root)});
		screen.stdin.write('s');
		let frame = await screen.waitForFrame(current => /2 sessions/.test(current), 'the list');
		assert.match(frame, /^ > 2025-11-24 09:00 {2}1 capture {4}0:01\.0 {2}no transcripts$/m);
		assert.match(frame, /^ {3}2025-11-23 14:05 {2}2 captures {3}0:03\.5 {2}1 done, 1 failed$/m);
		screen.stdin.write(keys.down);
		screen.stdin.write(keys.enter);
		frame = await screen.waitForFrame(current => /read-only · 2 captures/.test(current), 'the session');
		assert.match(frame, /^ > 001 {2}14:05:00 {3}0:02\.0 {2}complete {3}done: “Read from the text file\.”$/m);
		screen.stdin.write(keys.enter);
		frame = await screen.waitForFrame(current => /TRANSCRIPT read-only · 001/.test(current), 'the transcript');
		assert.match(frame, /^ Read from the text file\.$/m);
	});

	test('a narrow list uses the short form of a row', async () => {
		const {screen} = setup({columns: 50, rows: 24});
		const frame = await openList(screen);
		assertFits(frame, 50, 24);
		assert.match(frame, /^ > 11-24 09:30 {2}1 cap {3}0:12\.5 {2}0 done 0 failed 1…$/m, 'cut where it does not fit');
		assert.match(frame, /^ {3}11-23 14:05 {2}3 cap {3}1:03\.0 {2}2 done 1 failed$/m);
	});
});

describe('past-sessions components (ink-testing-library)', () => {
	test('the list marks the live session and the selection in words and with >, not only colour', () => {
		const sessions = pastSessions();
		const screen = render(
			<PastSessionList list={{status: 'ready', value: sessions}} selected={1} rows={5} columns={100} liveDir={sessions[0]!.dir} />,
		);
		rendered.push(screen);
		assert.equal(
			screen.lastFrame(),
			[
				' SESSIONS read-only · newest first · 3 sessions',
				'   2025-11-24 09:30  1 capture    0:12.5  0 done, 0 failed, 1 pending  (this session)',
				' > 2025-11-23 14:05  3 captures   1:03.0  2 done, 1 failed',
				'   2025-11-20_08-00-00  unreadable: not valid JSON (Unexpected token)',
			].join('\n'),
		);
	});

	test('a long list scrolls to keep the selection in view and says where it is', () => {
		const sessions = Array.from({length: 30}, (_, i) => pastSummary(`2025-11-${String(30 - i).padStart(2, '0')}_10-00-00`));
		const screen = render(<PastSessionList list={{status: 'ready', value: sessions}} selected={20} rows={4} columns={100} liveDir={undefined} />);
		rendered.push(screen);
		const lines = screen.lastFrame()!.split('\n');
		assert.equal(lines[0], ' SESSIONS read-only · newest first · 30 sessions · 21/30');
		assert.equal(lines.length, 5);
		assert.match(lines.find(line => line.startsWith(' > '))!, /2025-11-10 10:00/);
	});

	test('the screen renders nothing while closed', () => {
		const screen = render(<PastSessionsScreen state={closedPastSessions} rows={10} columns={80} liveDir={undefined} />);
		rendered.push(screen);
		assert.equal(screen.lastFrame(), '');
	});
});

describe('past-sessions state', () => {
	const run = (...actions: PastSessionsAction[]): PastSessionsState => actions.reduce(pastSessionsReducer, closedPastSessions);
	const listed = (request: number): PastSessionsAction => ({type: 'listed', request, sessions: pastSessions()});
	const move = (to: 'up' | 'down' | 'pageDown' | 'last' | 'first', lineCount = 0): PastSessionsAction => ({type: 'move', move: to, pageRows: 5, lineCount});

	test('levels stack and back pops one', () => {
		let state = run({type: 'open'}, listed(1), move('down'), {type: 'enter'});
		assert.equal(state.level, 'session');
		assert.equal(state.request, 2, 'opening a session starts a read');
		state = pastSessionsReducer(state, {type: 'opened', request: 2, session: pastSessionView()});
		state = [move('down'), {type: 'enter'} as const].reduce(pastSessionsReducer, state);
		assert.equal(state.level, 'transcript');
		assert.equal(state.captureRow, 1);
		assert.deepEqual(
			[{type: 'back'}, {type: 'back'}, {type: 'back'}, {type: 'back'}].reduce<PastSessionsState[]>(
				(states, action) => [...states, pastSessionsReducer(states.at(-1)!, action as PastSessionsAction)],
				[state],
			).map(each => each.level),
			['transcript', 'session', 'list', 'closed', 'closed'],
		);
	});

	test('answers to an older request are dropped', () => {
		const state = run({type: 'open'}, listed(1), {type: 'enter'}, {type: 'back'}, {type: 'enter'});
		assert.equal(state.request, 3);
		assert.equal(pastSessionsReducer(state, {type: 'opened', request: 2, session: pastSessionView()}).session.status, 'loading');
		assert.equal(pastSessionsReducer(state, {type: 'failed', request: 2, message: 'x'}).session.status, 'loading');
		assert.equal(pastSessionsReducer(state, {type: 'failed', request: 3, message: 'gone'}).session.status, 'failed');
	});

	test('moves are clamped; the transcript scrolls between its first and last page', () => {
		const list = run({type: 'open'}, listed(1));
		assert.equal(pastSessionsReducer(list, move('up')).row, 0);
		assert.equal(pastSessionsReducer(list, move('pageDown')).row, 2);
		assert.equal(pastSessionsReducer(list, move('last')).row, 2);
		const reading = run({type: 'open'}, listed(1), move('down'), {type: 'enter'}, {type: 'opened', request: 2, session: pastSessionView()}, {type: 'enter'});
		assert.equal(reading.level, 'transcript');
		assert.equal(pastSessionsReducer(reading, move('down', 3)).scroll, 0, 'a transcript shorter than the pane does not scroll');
		assert.equal(pastSessionsReducer(reading, move('pageDown', 12)).scroll, 5);
		assert.equal(pastSessionsReducer(reading, move('last', 12)).scroll, 7);
		assert.equal(pastSessionsReducer(pastSessionsReducer(reading, move('last', 12)), move('up', 12)).scroll, 6);
	});

	test('keys before the list is read do nothing', () => {
		const loading = run({type: 'open'});
		assert.equal(pastSessionsReducer(loading, {type: 'enter'}), loading);
		assert.equal(pastSessionsReducer(loading, move('down')), loading);
	});
});
