import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {loadTerminalUi} from '../src/ui/load-terminal-ui.js';
import {noTerminalMessage} from '../src/ui/no-terminal-message.js';
import {createValueStore} from '../src/util/store.js';
import {recordingCommands, session, snapshot} from './helpers/ui-fixtures.js';

// Loaded the way the app loads them, so the test draws under CI=true as the app does (Ink must not be
// imported before `loadTerminalUi`, hence the helpers that import Ink come after it).
const {renderApp} = await loadTerminalUi();
const {FakeTerminalIn, FakeTerminalOut, keys, waitForFrame} = await import('./helpers/ink-terminal.js');

const props = () => ({
	engine: createValueStore(snapshot()),
	commands: recordingCommands(),
	session: createValueStore(session(1)),
});

describe('renderApp', () => {
	test('without a terminal on stdin it renders nothing and says to use --headless', () => {
		const stdout = new FakeTerminalOut(80, 24);
		const result = renderApp({
			...props(),
			stdin: new FakeTerminalIn(false) as unknown as NodeJS.ReadStream,
			stdout: stdout as unknown as NodeJS.WriteStream,
		});
		assert.deepEqual(result, {
			ok: false,
			error: 'omega13: the terminal UI needs a terminal, but stdin is not one; run `omega13 --headless` for services, scripts and pipes',
		});
		assert.equal(stdout.frames.length, 0);
	});

	test('with stdout piped it refuses too', () => {
		const stdout = Object.assign(new FakeTerminalOut(80, 24), {isTTY: false});
		const result = renderApp({
			...props(),
			stdin: new FakeTerminalIn() as unknown as NodeJS.ReadStream,
			stdout: stdout as unknown as NodeJS.WriteStream,
		});
		assert.deepEqual(result, {ok: false, error: noTerminalMessage('stdout')});
	});

	test('on a terminal it draws, takes keys in raw mode (Ctrl+C goes to quit), and dispose gives the terminal back', async () => {
		const stdin = new FakeTerminalIn();
		const stdout = new FakeTerminalOut(80, 24);
		const app = props();
		const result = renderApp({
			...app,
			stdin: stdin as unknown as NodeJS.ReadStream,
			stdout: stdout as unknown as NodeJS.WriteStream,
			stderr: new FakeTerminalOut(80, 24) as unknown as NodeJS.WriteStream,
		});
		assert.ok(result.ok);
		await waitForFrame(() => stdout.frames.join(''), frame => frame.includes('IDLE'), 'the first frame');
		assert.equal(stdin.rawMode, true);
		stdin.write(keys.ctrlC);
		stdin.write(keys.space);
		assert.deepEqual(app.commands.calls, ['quit', 'toggle'], 'Ctrl+C does not tear the screen down by itself');
		const exited = result.waitUntilExit();
		result.dispose();
		result.dispose();
		await exited;
		assert.equal(stdin.rawMode, false);
	});
});
