import {Text} from 'ink';
import {truncate} from './format.js';
import type {UiStatus} from './ui-status.js';

export type StatusLineProps = {
	readonly status: UiStatus;
	readonly columns: number;
};

/** The latest message, or else the global hotkey's state. */
export const StatusLine = ({status, columns}: StatusLineProps) => {
	const text = status.message ?? status.hotkey ?? '';
	return <Text wrap="truncate">{` ${truncate(text, Math.max(0, columns - 1))}`}</Text>;
};
