import {Text} from 'ink';
import {fitHelp, type HelpItem} from './help-text.js';

export type HelpLineProps = {
	readonly items: readonly HelpItem[];
	readonly columns: number;
};

/** The keys of the current screen, fitted to the width. */
export const HelpLine = ({items, columns}: HelpLineProps) => (
	<Text dimColor wrap="truncate">
		{` ${fitHelp(items, Math.max(0, columns - 1))}`}
	</Text>
);
