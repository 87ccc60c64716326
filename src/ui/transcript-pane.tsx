import {Box, Text} from 'ink';
import {formatDuration} from '../util/time-format.js';
import {formatClock, formatIndex, truncate} from './format.js';
import type {CaptureView} from './session-view.js';
import {wrapLines} from '../util/wrap-lines.js';

export type TranscriptPaneProps = {
	readonly capture: CaptureView;
	/** First line shown. */
	readonly scroll: number;
	readonly rows: number;
	readonly columns: number;
	/** From a past session: the title says so (and `t` does not apply). @default false */
	readonly readOnly?: boolean;
};

/** Lines of a capture's transcript at a width, for the pane and for clamping its scroll. */
export const transcriptLines = (capture: CaptureView, columns: number): string[] => {
	const {transcript} = capture;
	const text = transcript?.text?.trim();
	// A failure's reason ends with its fix (`omega13 models download base.en`): wrapped whole, never cut.
	const status = transcript ? `(transcript ${transcript.status}${transcript.reason ? `: ${transcript.reason}` : ''})` : '(no transcript)';
	return wrapLines(text || status, Math.max(1, columns - 2));
};

/** A capture's transcript, word-wrapped, scrolled to `scroll`. */
export const TranscriptPane = ({capture, scroll, rows, columns, readOnly = false}: TranscriptPaneProps) => {
	const lines = transcriptLines(capture, columns);
	const bodyRows = Math.max(0, rows - 1);
	const first = Math.max(0, Math.min(scroll, lines.length - bodyRows));
	const shown = lines.slice(first, first + bodyRows);
	const more = lines.length > bodyRows ? ` · lines ${first + 1}-${first + shown.length} of ${lines.length}` : '';
	const title = `${readOnly ? 'read-only · ' : ''}${formatIndex(capture.index)} · ${formatClock(capture.startedAt)} · ${formatDuration(capture.durationSeconds)} · ${capture.transcript?.status ?? 'none'}${more}`;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate">
				{' '}
				<Text bold>TRANSCRIPT</Text> {truncate(title, Math.max(0, columns - 13))}
			</Text>
			{shown.map((line, i) => (
				<Text key={first + i} wrap="truncate">
					{` ${line}`}
				</Text>
			))}
		</Box>
	);
};
