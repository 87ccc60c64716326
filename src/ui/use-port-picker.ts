import {useEffect, useRef} from 'react';
import type {SourceKind} from '../engine/audio-source.js';
import type {EngineCommands} from './engine-store.js';
import type {InputsView} from './inputs-view.js';
import {shortPortName} from './port-name.js';
import {initialPortPicker, portPickerReducer, type PortPickerState} from './port-picker-state.js';
import {useKeys} from './use-keys.js';
import {useSyncReducer} from './use-sync-reducer.js';

export type UsePortPickerOptions = {
	readonly commands: EngineCommands;
	readonly inputs: InputsView | undefined;
	readonly sourceKind: SourceKind;
	/** Keys go to the picker only while it is open. */
	/** The picker is open: it takes the keys, and loads the ports when this turns true. */
	readonly isActive: boolean;
	readonly onClose: () => void;
	/** Rows per page for page up/down. */
	readonly pageRows: number;
};

export const noPortsMessage = (kind: SourceKind): string =>
	`the ${kind} source has no JACK ports to choose; run omega13 --source jack with a JACK server to pick inputs`;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The picker's keys and effects: loads the server's output ports when it opens, connects or disconnects
 * the highlighted port to the chosen input on Enter, remembers the connections on `r`.
 */
export const usePortPicker = ({commands, inputs, sourceKind, isActive, onClose, pageRows}: UsePortPickerOptions): PortPickerState => {
	const [state, dispatch, current] = useSyncReducer(portPickerReducer, initialPortPicker);
	const hasPorts = commands.listPorts !== undefined && sourceKind === 'jack';
	// An answer arriving after the picker closed (or the app unmounted) must not update it.
	const open = useRef(false);

	useEffect(() => {
		open.current = isActive;
		if (!isActive) {
			return;
		}
		if (!hasPorts || !commands.listPorts) {
			return;
		}
		commands.listPorts().then(
			ports => {
				if (open.current) {
					dispatch({type: 'loaded', ports});
				}
			},
			(error: unknown) => {
				if (open.current) {
					dispatch({type: 'failed', message: `could not list the ports: ${errorText(error)}`});
				}
			},
		);
		return () => {
			open.current = false;
		};
	}, [isActive, commands, hasPorts, dispatch]);

	const run = (action: () => Promise<string>): void => {
		dispatch({type: 'started'});
		action().then(
			message => open.current && dispatch({type: 'finished', message}),
			(error: unknown) => open.current && dispatch({type: 'finished', message: errorText(error)}),
		);
	};

	useKeys(
		(input, key) => {
			if (key.escape || input === 'q' || input === 'i') {
				onClose();
				return;
			}
			const inputCount = inputs?.inputs.length ?? 0;
			if (key.upArrow) {
				dispatch({type: 'move', by: -1});
			} else if (key.downArrow) {
				dispatch({type: 'move', by: 1});
			} else if (key.pageUp) {
				dispatch({type: 'move', by: -pageRows});
			} else if (key.pageDown) {
				dispatch({type: 'move', by: pageRows});
			} else if (key.leftArrow || (key.tab && key.shift)) {
				dispatch({type: 'target', by: -1, inputs: inputCount});
			} else if (key.rightArrow || key.tab) {
				dispatch({type: 'target', by: 1, inputs: inputCount});
			} else if (key.return && !current().busy) {
				const {ports, cursor, target: targetRow} = current();
				const port = ports?.[cursor];
				const target = inputs?.inputs[targetRow];
				const {connect, disconnect} = commands;
				if (!port || !target || !connect || !disconnect) {
					return;
				}
				const connected = target.sources.includes(port.name);
				run(async () => {
					if (connected) {
						await disconnect(port.name, target.port);
						return `disconnected ${port.name} from ${shortPortName(target.port)}`;
					}
					await connect(port.name, target.port);
					return `connected ${port.name} to ${shortPortName(target.port)}`;
				});
			} else if (input === 'r' && !current().busy) {
				const {rememberInputs} = commands;
				if (rememberInputs) {
					run(async () => rememberInputs());
				}
			}
		},
		isActive,
	);

	// Without ports there is nothing to load: say so at once rather than after a "loading" frame.
	return hasPorts ? state : {...state, ports: [], message: noPortsMessage(sourceKind)};
};
