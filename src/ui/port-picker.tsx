import {Box, Text} from 'ink';
import {truncate} from './format.js';
import type {InputsView} from './inputs-view.js';
import {shortPortName} from './port-name.js';
import type {PortPickerState} from './port-picker-state.js';
import {visibleWindow} from './session-selection.js';

export type PortPickerProps = {
	readonly state: PortPickerState;
	readonly inputs: InputsView | undefined;
	readonly rows: number;
	readonly columns: number;
};

/**
 * The server's output ports for one of our inputs: `[x]` where connected, `physical` on hardware ports,
 * `>` on the highlighted one.
 */
export const PortPicker = ({state, inputs, rows, columns}: PortPickerProps) => {
	const target = inputs?.inputs[state.target];
	const inputsHint = inputs && inputs.inputs.length > 1 ? ` (${state.target + 1} of ${inputs.inputs.length}, ←→ other)` : '';
	const heading = target ? `to feed ${shortPortName(target.port)}${inputsHint}` : '';
	const ports = state.ports ?? [];
	const messageRows = state.message === undefined && !state.busy ? 0 : 1;
	const listRows = Math.max(0, rows - 1 - messageRows);
	const window = visibleWindow(ports.length, state.cursor, listRows);
	return (
		<Box flexDirection="column">
			<Text wrap="truncate">
				{' '}
				<Text bold>PORTS</Text> {truncate(heading, Math.max(0, columns - 8))}
			</Text>
			{state.ports === undefined ? <Text wrap="truncate"> loading the server's ports…</Text> : null}
			{state.ports !== undefined && ports.length === 0 && state.message === undefined ? (
				<Text wrap="truncate"> the server has no output ports</Text>
			) : null}
			{ports.slice(window.start, window.end).map((port, offset) => {
				const row = window.start + offset;
				const selected = row === state.cursor;
				const connected = target?.sources.includes(port.name) ?? false;
				const line = `${selected ? ' >' : '  '} [${connected ? 'x' : ' '}] ${port.name}${port.physical ? '  physical' : ''}`;
				return (
					<Text key={port.name} wrap="truncate" bold={selected} inverse={selected}>
						{truncate(line, columns)}
					</Text>
				);
			})}
			{messageRows === 1 ? <Text wrap="truncate">{` ${truncate(state.busy ? 'working…' : (state.message ?? ''), columns - 1)}`}</Text> : null}
		</Box>
	);
};
