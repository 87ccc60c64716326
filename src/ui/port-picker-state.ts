import type {PortChoice} from './engine-store.js';

/** The port picker's state. Pure: a reducer over a union of actions, no React, no Ink. */
export type PortPickerState = {
	/** Which of our inputs (in_1 is 0) a choice connects to. */
	readonly target: number;
	/** The highlighted output port (row). */
	readonly cursor: number;
	/** The server's output ports, physical first; undefined until loaded. */
	readonly ports: readonly PortChoice[] | undefined;
	/** A connect, disconnect or remember is under way. */
	readonly busy: boolean;
	/** The outcome of the last action, or why the list is empty. */
	readonly message: string | undefined;
};

export type PortPickerAction =
	| {readonly type: 'loaded'; readonly ports: readonly PortChoice[]}
	| {readonly type: 'failed'; readonly message: string}
	| {readonly type: 'move'; readonly by: number}
	| {readonly type: 'target'; readonly by: number; readonly inputs: number}
	| {readonly type: 'started'}
	| {readonly type: 'finished'; readonly message: string};

export const initialPortPicker: PortPickerState = {target: 0, cursor: 0, ports: undefined, busy: false, message: undefined};

/** Physical ports first (the microphones people look for), otherwise in the server's order. */
export const sortPorts = (ports: readonly PortChoice[]): PortChoice[] => [
	...ports.filter(port => port.physical),
	...ports.filter(port => !port.physical),
];

export const portPickerReducer = (state: PortPickerState, action: PortPickerAction): PortPickerState => {
	switch (action.type) {
		case 'loaded': {
			const ports = sortPorts(action.ports);
			return {...state, ports, cursor: Math.min(state.cursor, Math.max(0, ports.length - 1))};
		}
		case 'failed': {
			return {...state, ports: state.ports ?? [], busy: false, message: action.message};
		}
		case 'move': {
			const count = state.ports?.length ?? 0;
			return count === 0 ? state : {...state, cursor: Math.min(count - 1, Math.max(0, state.cursor + action.by))};
		}
		case 'target': {
			if (action.inputs <= 0) {
				return state;
			}
			return {...state, target: (((state.target + action.by) % action.inputs) + action.inputs) % action.inputs};
		}
		case 'started': {
			return {...state, busy: true, message: undefined};
		}
		case 'finished': {
			return {...state, busy: false, message: action.message};
		}
	}
};
