import {Box, Text} from 'ink';
import {formatDuration, localDateTime} from '../util/time-format.js';
import {truncate} from './format.js';
import type {PastSessionSummary, TranscriptCounts} from './past-session.js';
import type {Loadable} from './past-sessions-state.js';
import {visibleWindow} from './session-selection.js';

export type PastSessionListProps = {
	readonly list: Loadable<readonly PastSessionSummary[]>;
	/** The selected row. */
	readonly selected: number;
	/** Rows below the header. */
	readonly rows: number;
	readonly columns: number;
	/** The session being recorded into now, marked in its row. */
	readonly liveDir: string | undefined;
};

/** Below this width the rows use the short form (`11-23 14:05  3 cap`). */
const wideColumns = 64;

/** The sessions on disk, newest first, one per row, the selected one marked with `>`. */
export const PastSessionList = ({list, selected, rows, columns, liveDir}: PastSessionListProps) => {
	const sessions = list.status === 'ready' ? list.value : [];
	const window = visibleWindow(sessions.length, selected, rows);
	const count = list.status === 'ready' ? ` · ${sessions.length} session${sessions.length === 1 ? '' : 's'}` : '';
	const position = window.end - window.start < sessions.length ? ` · ${selected + 1}/${sessions.length}` : '';
	const note = {loading: ' reading the sessions…', failed: ` cannot list the sessions: ${list.status === 'failed' ? list.message : ''}`, ready: ''}[list.status];
	return (
		<Box flexDirection="column">
			<Text wrap="truncate">
				{' '}
				<Text bold>SESSIONS</Text> {truncate(`read-only · newest first${count}${position}`, Math.max(0, columns - 11))}
			</Text>
			{note !== '' ? <Text wrap="truncate">{truncate(note, columns)}</Text> : null}
			{list.status === 'ready' && sessions.length === 0 ? <Text wrap="truncate">{truncate(' no sessions yet: the first capture starts one', columns)}</Text> : null}
			{sessions.slice(window.start, window.end).map((summary, offset) => {
				const isSelected = window.start + offset === selected;
				return (
					<Text key={summary.dir} wrap="truncate" bold={isSelected} inverse={isSelected}>
						{truncate(pastSessionRow(summary, isSelected, columns, summary.dir === liveDir), columns)}
					</Text>
				);
			})}
		</Box>
	);
};

/**
 * ` > 2025-11-23 14:05  3 captures   0:04.8  2 done, 1 failed`; narrower, ` > 11-23 14:05  3 cap  0:04.8  2 done 1 failed`.
 * The fields are in order of importance, so a narrow terminal cuts the least important.
 */
export const pastSessionRow = (summary: PastSessionSummary, selected: boolean, columns: number, live: boolean): string => {
	const mark = selected ? ' > ' : '   ';
	const wide = columns >= wideColumns;
	if (summary.error !== undefined) {
		return `${mark}${summary.id}  unreadable: ${summary.error}`;
	}
	const when = localDateTime(new Date(summary.createdAt), '????-??-?? ??:??').slice(0, 16);
	const captures = wide ? `${summary.captures} capture${summary.captures === 1 ? '' : 's'}`.padEnd(12) : `${summary.captures} cap`.padEnd(7);
	const length = formatDuration(summary.totalSeconds).padStart(7);
	const transcripts = transcriptCell(summary.transcripts, wide);
	return `${mark}${wide ? when : when.slice(5)}  ${captures}${length}  ${transcripts}${live ? '  (this session)' : ''}`;
};

/** `2 done, 1 failed` (`, 1 pending` when some are queued or running); `no transcripts`. */
const transcriptCell = ({done, failed, pending}: TranscriptCounts, wide: boolean): string => {
	if (done + failed + pending === 0) {
		return 'no transcripts';
	}
	const separator = wide ? ', ' : ' ';
	return `${done} done${separator}${failed} failed${pending > 0 ? `${separator}${pending} pending` : ''}`;
};
