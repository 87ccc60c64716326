import type {SelectionMove} from './session-selection.js';
import {useKeys} from './use-keys.js';

export type UseSessionKeysOptions = {
	readonly isActive: boolean;
	readonly onMove: (move: SelectionMove) => void;
	/** Enter on the selected capture. */
	readonly onOpen: () => void;
};

/** Arrows, Page Up/Down, Home/End move the session selection; Enter opens the selected capture. */
export const useSessionKeys = ({isActive, onMove, onOpen}: UseSessionKeysOptions): void => {
	useKeys(
		(_input, key) => {
			if (key.upArrow) {
				onMove('up');
			} else if (key.downArrow) {
				onMove('down');
			} else if (key.pageUp) {
				onMove('pageUp');
			} else if (key.pageDown) {
				onMove('pageDown');
			} else if (key.home) {
				onMove('first');
			} else if (key.end) {
				onMove('last');
			} else if (key.return) {
				onOpen();
			}
		},
		isActive,
	);
};
