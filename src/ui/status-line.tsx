import {Text} from 'ink';
import {statusLineText, type UiStatus} from './ui-status.js';

export type StatusLineProps = {
	readonly status: UiStatus;
	readonly columns: number;
};

/** The latest message, and the global hotkey's state on the right. */
export const StatusLine = ({status, columns}: StatusLineProps) => (
	<Text wrap="truncate">{` ${statusLineText(status, Math.max(0, columns - 1))}`}</Text>
);
