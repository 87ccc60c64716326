import {useKeys} from './use-keys.js';

export type UseTranscriptKeysOptions = {
	readonly isActive: boolean;
	/** Scrolls by this many lines (negative is up). */
	readonly onScroll: (lines: number) => void;
	readonly onClose: () => void;
	readonly pageRows: number;
};

/** Esc, Enter or q go back; arrows and Page Up/Down scroll. */
export const useTranscriptKeys = ({isActive, onScroll, onClose, pageRows}: UseTranscriptKeysOptions): void => {
	useKeys(
		(input, key) => {
			if (key.escape || key.return || input === 'q') {
				onClose();
			} else if (key.upArrow) {
				onScroll(-1);
			} else if (key.downArrow) {
				onScroll(1);
			} else if (key.pageUp) {
				onScroll(-pageRows);
			} else if (key.pageDown) {
				onScroll(pageRows);
			}
		},
		isActive,
	);
};
