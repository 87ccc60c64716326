import {Box, Text} from 'ink';
import {truncate} from './format.js';
import {PastSessionList} from './past-session-list.js';
import {openTranscript, selectedSummary, type PastSessionsState} from './past-sessions-state.js';
import {SessionPanel} from './session-panel.js';
import {TranscriptPane} from './transcript-pane.js';
import {wrapLines} from '../util/wrap-lines.js';

export type PastSessionsScreenProps = {
	readonly state: PastSessionsState;
	/** Rows of the pane, its header included. */
	readonly rows: number;
	readonly columns: number;
	/** The session being recorded into now, marked in the list. */
	readonly liveDir: string | undefined;
};

/** The browser's current level in the pane: the list, a session's captures, or a transcript. */
export const PastSessionsScreen = ({state, rows, columns, liveDir}: PastSessionsScreenProps) => {
	const bodyRows = Math.max(1, rows - 1);
	switch (state.level) {
		case 'closed': {
			return null;
		}
		case 'list': {
			return <PastSessionList list={state.list} selected={state.row} rows={bodyRows} columns={columns} liveDir={liveDir} />;
		}
		case 'session': {
			if (state.session.status === 'ready') {
				return <SessionPanel session={state.session.value} selected={state.captureRow} rows={bodyRows} columns={columns} readOnly />;
			}
			const id = selectedSummary(state)?.id ?? '';
			const note = state.session.status === 'loading' ? 'reading…' : state.session.message;
			return (
				<Box flexDirection="column">
					<Text wrap="truncate">
						{' '}
						<Text bold>SESSION</Text> {truncate(`read-only · ${id}`, Math.max(0, columns - 10))}
					</Text>
					{wrapLines(note, Math.max(1, columns - 2))
						.slice(0, bodyRows)
						.map((line, i) => (
							<Text key={i} wrap="truncate">{` ${line}`}</Text>
						))}
				</Box>
			);
		}
		case 'transcript': {
			const capture = openTranscript(state);
			return capture === undefined ? null : <TranscriptPane capture={capture} scroll={state.scroll} rows={rows} columns={columns} readOnly />;
		}
	}
};
