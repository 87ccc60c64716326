import assert from 'node:assert/strict';
import {afterEach, describe, test} from 'node:test';
import type {EngineSnapshot} from '../src/engine/engine-snapshot.js';
import {App, type AppProps} from '../src/ui/app.js';
import type {SessionView} from '../src/ui/session-view.js';
import {withMessage, withNotice, withoutNotice, type UiStatus} from '../src/ui/ui-status.js';
import {createValueStore} from '../src/util/store.js';
import {keys, renderInTerminal, type TerminalRender} from './helpers/ink-terminal.js';
import {assertFits, selectedLine, inputs, level, recordingCommands, session, snapshot, testNow} from './helpers/ui-fixtures.js';

process.env['TZ'] = 'UTC';

const rendered: TerminalRender[] = [];
afterEach(() => {
	for (const screen of rendered.splice(0)) {
		screen.unmount();
	}
});

const setup = (options: {columns?: number; rows?: number; engine?: EngineSnapshot; session?: SessionView; props?: Partial<AppProps>} = {}) => {
	const engine = createValueStore(options.engine ?? snapshot());
	const sessionStore = createValueStore(options.session ?? session(3));
	const inputsStore = createValueStore(inputs());
	const status = createValueStore<UiStatus>({hotkey: 'hotkey ctrl+alt+space'});
	const commands = recordingCommands();
	const screen = renderInTerminal(
		<App engine={engine} commands={commands} session={sessionStore} inputs={inputsStore} status={status} clock={() => testNow} {...options.props} />,
		options.columns ?? 80,
		options.rows ?? 24,
	);
	rendered.push(screen);
	return {engine, sessionStore, inputsStore, status, commands, screen};
};


describe('App', () => {
	test('at 80x24: state, pre-roll, a meter per channel, input, session, hotkey, keys; within 23 rows', () => {
		const {screen} = setup();
		const frame = screen.lastFrame();
		assertFits(frame, 80, 24);
		assert.match(frame, /IDLE/);
		assert.match(frame, / pre-roll \[█+░+\] {3}9\.2 \/ 13 s/);
		assert.match(frame, / in_1 +\[/);
		assert.match(frame, / in_2 +\[/);
		assert.match(frame, / INPUT omega13 · JACK 48 kHz · in_1 ← system:capture_1 · in_2 ← \(nothing\)/);
		assert.match(frame, / SESSION …e\/user\/\.local\/share\/omega13\/sessions\/2025-11-23_10-00-00 · 3 captures$/m, 'a long path loses its start');
		assert.match(frame, / {3}001 {2}10:00:05 {3}0:20\.0 {2}complete/);
		assert.match(frame, / > 003 {2}10:02:05 {3}0:22\.0 {2}complete/);
		assert.match(frame, / hotkey ctrl\+alt\+space$/m);
		assert.match(frame, / space rec {2}q quit {2}i in {2}n new {2}↑↓ browse {2}enter text {2}s sessions {2}t redo$/);
	});

	test('space toggles, n starts a new session, q and Ctrl+C quit', async () => {
		const {screen, commands} = setup();
		screen.stdin.write(keys.space);
		screen.stdin.write('n');
		screen.stdin.write('q');
		screen.stdin.write(keys.ctrlC);
		assert.deepEqual(commands.calls, ['toggle', 'newSession', 'quit', 'quit']);
	});

	test('arrows move the selection; Enter opens a transcript when there is one; Esc and q come back', async () => {
		const view = session(3);
		const withText: SessionView = {
			...view,
			captures: view.captures.map(capture =>
				capture.index === 2 ? {...capture, transcript: {status: 'done', text: 'And so, my fellow Americans: ask not what your country can do for you.'}} : capture,
			),
		};
		const {screen, commands} = setup({session: withText});
		assert.match(selectedLine(screen.lastFrame())!, /003/);
		screen.stdin.write(keys.enter);
		await new Promise(resolve => setImmediate(resolve));
		assert.doesNotMatch(screen.lastFrame(), /TRANSCRIPT/, 'capture 3 has no transcript');
		screen.stdin.write(keys.up);
		await screen.waitForFrame(frame => /002/.test(selectedLine(frame) ?? ''), 'capture 2 selected');
		assert.match(selectedLine(screen.lastFrame())!, /done: “And so, my fellow Americans/);
		screen.stdin.write(keys.enter);
		let frame = await screen.waitForFrame(current => /TRANSCRIPT/.test(current), 'the transcript');
		assert.match(frame, / TRANSCRIPT 002 · 10:01:05 · 0:21\.0 · done/);
		assert.match(frame, / And so, my fellow Americans: ask not what your country can do for you\./);
		assert.match(frame, / esc back {2}↑↓ scroll {2}t transcribe again {2}space capture$/);
		assertFits(frame, 80, 24);
		screen.stdin.write('q');
		frame = await screen.waitForFrame(current => !/TRANSCRIPT/.test(current), 'back to the session');
		assert.deepEqual(commands.calls, [], 'q in the transcript goes back, it does not quit');
		screen.stdin.write(keys.enter);
		await screen.waitForFrame(current => /TRANSCRIPT/.test(current), 'the transcript again');
		screen.stdin.write(keys.escape);
		await screen.waitForFrame(current => /SESSION/.test(current), 'back after Esc');
		screen.stdin.write(keys.up);
		await screen.waitForFrame(current => /001/.test(selectedLine(current) ?? ''), 'capture 1 selected');
		screen.stdin.write(keys.down);
		screen.stdin.write(keys.down);
		screen.stdin.write(keys.down);
		await screen.waitForFrame(current => /003/.test(selectedLine(current) ?? ''), 'down stops at the last');
	});

	test('while the picker is open the arrows are its own: the session selection stays', async () => {
		const {screen} = setup();
		screen.stdin.write('i');
		await screen.waitForFrame(frame => /PORTS/.test(frame), 'the picker');
		screen.stdin.write(keys.up);
		screen.stdin.write(keys.up);
		screen.stdin.write(keys.escape);
		const frame = await screen.waitForFrame(current => /SESSION/.test(current), 'back');
		assert.match(selectedLine(frame)!, /003/);
	});

	test('when the JACK server is gone the meters fall silent and the banner says what to do', async () => {
		const {screen, engine} = setup();
		engine.set(snapshot({source: {...snapshot().source, status: 'stopped', message: 'jackd quit'}}));
		const frame = await screen.waitForFrame(current => /NO JACK SERVER/.test(current), 'NO JACK SERVER');
		assert.match(frame, / in_1 +\[[░│]{50}\]/);
		assert.match(frame, /start the JACK server/);
	});

	test('a long transcript scrolls', async () => {
		const words = Array.from({length: 400}, (_, i) => `word${i}`).join(' ');
		const view = session(1);
		const {screen} = setup({session: {...view, captures: [{...view.captures[0]!, transcript: {status: 'done', text: words}}]}});
		screen.stdin.write(keys.enter);
		let frame = await screen.waitForFrame(current => /TRANSCRIPT/.test(current), 'the transcript');
		assert.match(frame, /lines 1-\d+ of \d+/);
		assert.match(frame, / word0 word1/);
		assertFits(frame, 80, 24);
		screen.stdin.write(keys.pageDown);
		frame = await screen.waitForFrame(current => !/ word0 word1/.test(current), 'scrolled');
		assert.doesNotMatch(frame, /lines 1-/);
	});

	test('the selection follows new captures; the one recording shows its live length', async () => {
		const recording: EngineSnapshot = snapshot({
			capture: {kind: 'recording', index: 4, path: '/s/004.wav', startedAt: testNow, triggeredAt: testNow, prerollFrames: 48_000 * 13, frames: 48_000 * 30.55},
		});
		const {screen, engine, sessionStore} = setup();
		const four = session(4);
		sessionStore.set({...four, captures: four.captures.map(capture => (capture.index === 4 ? {...capture, state: 'recording', durationSeconds: 0} : capture))});
		engine.set(recording);
		const frame = await screen.waitForFrame(current => /RECORDING/.test(current), 'recording');
		assert.match(selectedLine(frame)!, /^ > 004 {2}10:03:05 {5}0:30 {2}recording/);
	});

	test('meter updates re-render the meters, not the app', async () => {
		const {screen, engine, sessionStore} = setup();
		let reads = 0;
		const getSnapshot = sessionStore.getSnapshot;
		sessionStore.getSnapshot = () => {
			reads++;
			return getSnapshot();
		};
		for (let i = 0; i < 20; i++) {
			engine.set(snapshot({levels: [level('omega13:in_1', -40 + i), level('omega13:in_2', -30)]}));
			await new Promise(resolve => setImmediate(resolve));
		}
		await screen.waitForFrame(frame => / in_1 +\[█{33}░/.test(frame), 'the last level (-21 dB: 33 cells)');
		assert.equal(reads, 0, 'the app (which reads the session store) did not render again');
	});

	for (const [columns, rows] of [
		[100, 40],
		[80, 24],
		[60, 20],
		[40, 24],
		[40, 12],
		[30, 10],
		[20, 8],
	] as const) {
		test(`at ${columns}x${rows} every line fits and the output leaves a row free`, async () => {
			const reason = 'all inputs are below -60 dBFS in the last 0.5 s (loudest: omega13:in_1 at -71.2 dBFS)';
			const {screen, engine} = setup({columns, rows, session: session(12)});
			assertFits(screen.lastFrame(), columns, rows);
			engine.set(snapshot({lastRefusal: {reason, at: testNow}, levels: [level('omega13:in_1', 0, true), level('omega13:in_2', -3)]}));
			const frame = await screen.waitForFrame(current => /BLOCKED/.test(current), 'BLOCKED');
			assertFits(frame, columns, rows);
			screen.stdin.write('i');
			assertFits(await screen.waitForFrame(current => /PORTS/.test(current), 'the picker'), columns, rows);
		});
	}

	test('eight channels in 80x24 still fit', () => {
		const levels = Array.from({length: 8}, (_, c) => level(`omega13:in_${c + 1}`, -6 * c));
		const {screen} = setup({engine: snapshot({levels}), session: session(20)});
		assertFits(screen.lastFrame(), 80, 24);
		assert.match(screen.lastFrame(), / in_8 +\[/);
	});

	test('a resize re-lays the screen out', async () => {
		const {screen} = setup();
		assert.match(screen.lastFrame(), /\[█{35}░{15}\]/);
		screen.stdout.resize(40, 16);
		const frame = await screen.waitForFrame(current => /\[█{10}░{4}\]/.test(current), 'narrow pre-roll bar');
		assertFits(frame, 40, 16);
	});

	test('the status line shows the latest message with the hotkey state at its right', async () => {
		const {screen, status} = setup();
		status.update(current => withMessage(current, 'saved 004.wav (0:30.5)'));
		const frame = await screen.waitForFrame(current => / saved 004\.wav \(0:30\.5\) +hotkey ctrl\+alt\+space$/m.test(current), 'message and hotkey');
		assertFits(frame, 80, 24);
	});

	test('a notice stays on screen while messages replace each other, until it is resolved or x hides it', async () => {
		const {screen, status} = setup();
		const hotkeyOff = "global hotkey off: no X display (Wayland? bind `omega13 toggle` in your desktop's shortcuts)";
		status.update(current => withNotice(current, 'hotkey', hotkeyOff));
		// Wrapped, not cut: the fix at its end is what the person needs.
		let frame = await screen.waitForFrame(current => /^ ! global hotkey off: no X display/m.test(current), 'the notice');
		assert.match(frame, /^ {3}.*desktop's shortcuts\) \(x hides\)$/m);
		assertFits(frame, 80, 24);
		for (const line of ['xrun reported by the JACK server (1 so far)', 'capture 001 saved', '12 xruns in the last minute']) {
			status.update(current => withMessage(current, line));
			frame = await screen.waitForFrame(current => current.includes(line), line);
			assert.match(frame, /^ ! global hotkey off: no X display/m);
		}

		status.update(current => withNotice(current, 'capture', 'capture failed: disk full'));
		frame = await screen.waitForFrame(current => /^ ! capture failed: disk full \(x hides\)$/m.test(current), 'the newest notice first');
		assert.match(frame, /^ ! global hotkey off/m, 'the older notice stays under it');
		status.update(current => withoutNotice(current, 'capture'));
		frame = await screen.waitForFrame(current => !current.includes('disk full'), 'the resolved notice gone');
		assert.match(frame, /^ ! global hotkey off/m);

		screen.stdin.write('x');
		frame = await screen.waitForFrame(current => !current.includes('global hotkey off'), 'the notice hidden');
		assertFits(frame, 80, 24);
		// Raised again, it is a new notice: it shows again.
		status.update(current => withNotice(current, 'hotkey', hotkeyOff));
		await screen.waitForFrame(current => /^ ! global hotkey off/m.test(current), 'the notice raised again');
	});

	test('on the demo source the screen says so', () => {
		const {screen} = setup({engine: snapshot({source: {...snapshot().source, kind: 'demo', name: 'demo'}})});
		assert.match(screen.lastFrame(), /DEMO SOURCE/);
		assert.match(screen.lastFrame(), / INPUT the built-in demo clip · 48 kHz/);
	});
});
