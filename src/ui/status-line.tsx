import {Text} from 'ink';
import {truncate} from './format.js';
import type {UiStatus} from './ui-status.js';

export type StatusLineProps = {
	readonly status: UiStatus;
	readonly columns: number;
};

/** A warning to act on first, then the latest message, else the global hotkey's state and what persistence holds. */
export const StatusLine = ({status, columns}: StatusLineProps) => {
	const text = status.warning ?? status.message ?? [status.hotkey, status.services].filter(part => part !== undefined).join('  |  ');
	return (
		<Text wrap="truncate" color={status.warning === undefined ? undefined : 'yellow'}>
			{` ${truncate(text, Math.max(0, columns - 1))}`}
		</Text>
	);
};
