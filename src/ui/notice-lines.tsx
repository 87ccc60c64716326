import {Box, Text} from 'ink';

export type NoticeLinesProps = {
	/** From `noticeRows`, already fitted to the width. */
	readonly rows: readonly string[];
};

/** The notices that ask the person to act, above the status line, in yellow so they stand apart from it. */
export const NoticeLines = ({rows}: NoticeLinesProps) => (
	<Box flexDirection="column">
		{rows.map((row, index) => (
			<Text key={index} color="yellow" wrap="truncate">
				{row}
			</Text>
		))}
	</Box>
);
