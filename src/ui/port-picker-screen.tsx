import type {EngineCommands, EngineStore} from './engine-store.js';
import type {InputsView} from './inputs-view.js';
import {PortPicker} from './port-picker.js';
import {usePortPicker} from './use-port-picker.js';
import {useStoreSelector} from './use-store-selector.js';

export type PortPickerScreenProps = {
	readonly engine: EngineStore;
	readonly commands: EngineCommands;
	readonly inputs: InputsView | undefined;
	readonly isActive: boolean;
	readonly rows: number;
	readonly columns: number;
	readonly onClose: () => void;
};

/**
 * The picker while open. Always mounted (rendering nothing while closed) so its hook keeps one identity;
 * the hook loads the ports each time it opens.
 */
export const PortPickerScreen = ({engine, commands, inputs, isActive, rows, columns, onClose}: PortPickerScreenProps) => {
	const sourceKind = useStoreSelector(engine, snapshot => snapshot.source.kind);
	const state = usePortPicker({commands, inputs, sourceKind, isActive, onClose, pageRows: Math.max(1, rows - 2)});
	return isActive ? <PortPicker state={state} inputs={inputs} rows={rows} columns={columns} /> : null;
};
