import assert from 'node:assert/strict';
import {afterEach, describe, test} from 'node:test';
import {App} from '../src/ui/app.js';
import type {EngineCommands, PortChoice} from '../src/ui/engine-store.js';
import type {InputsView} from '../src/ui/inputs-view.js';
import {portPickerReducer, initialPortPicker, sortPorts} from '../src/ui/port-picker-state.js';
import {noPortsMessage} from '../src/ui/use-port-picker.js';
import {createValueStore} from '../src/util/store.js';
import {keys, renderInTerminal, type TerminalRender} from './helpers/ink-terminal.js';
import {inputs, session, snapshot, testNow} from './helpers/ui-fixtures.js';

const ports: readonly PortChoice[] = [
	{name: 'firefox:output_FL', physical: false},
	{name: 'system:capture_1', physical: true},
	{name: 'system:capture_2', physical: true},
];

const rendered: TerminalRender[] = [];
afterEach(() => {
	for (const screen of rendered.splice(0)) {
		screen.unmount();
	}
});

/** A JACK-like backend in memory: connections live in the inputs store, as the app's would. */
const setup = (extra: Partial<EngineCommands> = {}, kind: 'jack' | 'demo' = 'jack') => {
	const inputsStore = createValueStore<InputsView>(inputs());
	const calls: string[] = [];
	const setSources = (input: string, change: (sources: readonly string[]) => readonly string[]): void =>
		inputsStore.update(view => ({...view, inputs: view.inputs.map(entry => (entry.port === input ? {...entry, sources: change(entry.sources)} : entry))}));
	const commands: EngineCommands = {
		toggle: () => calls.push('toggle'),
		newSession: () => calls.push('newSession'),
		quit: () => calls.push('quit'),
		listPorts: async () => ports,
		connect: async (output, input) => {
			calls.push(`connect ${output} ${input}`);
			setSources(input, sources => [...sources, output]);
		},
		disconnect: async (output, input) => {
			calls.push(`disconnect ${output} ${input}`);
			setSources(input, sources => sources.filter(source => source !== output));
		},
		rememberInputs: async () => {
			calls.push('remember');
			return 'remembered: in_1 ← system:capture_1 (in ~/.config/omega13/inputs.json)';
		},
		...extra,
	};
	const engine = createValueStore(snapshot(kind === 'demo' ? {source: {...snapshot().source, kind: 'demo', name: 'demo'}} : {}));
	const screen = renderInTerminal(
		<App engine={engine} commands={commands} session={createValueStore(session(2))} inputs={inputsStore} clock={() => testNow} />,
	);
	rendered.push(screen);
	return {screen, calls, inputsStore};
};

const openPicker = async (screen: TerminalRender): Promise<string> => {
	screen.stdin.write('i');
	return screen.waitForFrame(frame => /system:capture_2/.test(frame), 'the port list');
};

describe('port picker', () => {
	test('i lists the server\'s output ports, physical ones first and marked, connected ones checked', async () => {
		const {screen} = setup();
		const frame = await openPicker(screen);
		assert.match(frame, / PORTS to feed in_1 \(1 of 2, ←→ other\)/);
		const rows = frame.split('\n').filter(line => /\[[x ]\]/.test(line));
		assert.deepEqual(rows.map(row => row.trimEnd()), [
			' > [x] system:capture_1  physical',
			'   [ ] system:capture_2  physical',
			'   [ ] firefox:output_FL',
		]);
		assert.match(frame, / enter \(dis\)connect {2}↑↓ port {2}←→ input {2}r remember {2}esc back {2}space capture$/);
		assert.doesNotMatch(frame, /SESSION/, 'the picker takes the session panel\'s place');
	});

	test('Enter connects the highlighted port to the chosen input, and disconnects it again', async () => {
		const {screen, calls} = setup();
		await openPicker(screen);
		screen.stdin.write(keys.right);
		await screen.waitForFrame(frame => /to feed in_2 \(2 of 2/.test(frame), 'in_2 chosen');
		screen.stdin.write(keys.down);
		await screen.waitForFrame(frame => /^ > \[ \] system:capture_2/m.test(frame), 'capture_2 highlighted');
		screen.stdin.write(keys.enter);
		let frame = await screen.waitForFrame(current => /connected system:capture_2 to in_2/.test(current), 'the outcome');
		assert.match(frame, /^ > \[x\] system:capture_2/m);
		screen.stdin.write(keys.enter);
		frame = await screen.waitForFrame(current => /disconnected system:capture_2 from in_2/.test(current), 'the second outcome');
		assert.match(frame, /^ > \[ \] system:capture_2/m);
		assert.deepEqual(calls, ['connect system:capture_2 omega13:in_2', 'disconnect system:capture_2 omega13:in_2']);
	});

	test('r remembers the connections and says where', async () => {
		const {screen, calls} = setup();
		await openPicker(screen);
		screen.stdin.write('r');
		await screen.waitForFrame(frame => /remembered: in_1 ← system:capture_1/.test(frame), 'the remembered line');
		assert.deepEqual(calls, ['remember']);
	});

	test('a failed connect shows its error; space still captures; Esc comes back', async () => {
		const {screen, calls} = setup({
			connect: async () => {
				throw new Error('cannot connect system:capture_2 to omega13:in_1: the server refused');
			},
		});
		await openPicker(screen);
		screen.stdin.write(keys.down);
		screen.stdin.write(keys.enter);
		await screen.waitForFrame(frame => /the server refused/.test(frame), 'the error');
		screen.stdin.write(keys.space);
		assert.deepEqual(calls, ['toggle']);
		screen.stdin.write(keys.escape);
		await screen.waitForFrame(frame => /SESSION/.test(frame) && !/PORTS/.test(frame), 'back');
	});

	test('on the demo source it says there are no ports to choose', async () => {
		const {screen} = setup({}, 'demo');
		screen.stdin.write('i');
		const frame = await screen.waitForFrame(current => /PORTS/.test(current), 'the picker');
		assert.match(frame, /the demo source has no JACK ports to choose/, 'at once, without a loading frame');
		assert.equal(noPortsMessage('demo'), 'the demo source has no JACK ports to choose; run omega13 --source jack with a JACK server to pick inputs');
	});

	test('a failing port list is reported', async () => {
		const {screen} = setup({listPorts: async () => Promise.reject(new Error('JACK server not running'))});
		screen.stdin.write('i');
		await screen.waitForFrame(frame => /could not list the ports: JACK server not running/.test(frame), 'the error');
	});
});

describe('port picker state', () => {
	test('physical ports first; the cursor and the target input wrap and clamp', () => {
		assert.deepEqual(sortPorts(ports).map(port => port.name), ['system:capture_1', 'system:capture_2', 'firefox:output_FL']);
		let state = portPickerReducer(initialPortPicker, {type: 'loaded', ports});
		state = portPickerReducer(state, {type: 'move', by: 10});
		assert.equal(state.cursor, 2);
		state = portPickerReducer(state, {type: 'move', by: -10});
		assert.equal(state.cursor, 0);
		state = portPickerReducer(state, {type: 'target', by: -1, inputs: 3});
		assert.equal(state.target, 2);
		state = portPickerReducer(state, {type: 'target', by: 1, inputs: 3});
		assert.equal(state.target, 0);
		state = portPickerReducer(state, {type: 'started'});
		assert.equal(state.busy, true);
		state = portPickerReducer(state, {type: 'finished', message: 'done'});
		assert.deepEqual([state.busy, state.message], [false, 'done']);
	});
});
