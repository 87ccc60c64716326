import {Box, Text} from 'ink';
import type {Seconds} from '../util/units.js';
import {formatDuration, formatElapsed} from '../util/time-format.js';
import {formatClock, formatIndex, tildify, truncate, truncateStart} from './format.js';
import {visibleWindow} from './session-selection.js';
import type {CaptureView, SessionView, TranscriptView} from './session-view.js';

export type SessionPanelProps = {
	readonly session: SessionView;
	/** The selected row, -1 for none. */
	readonly selected: number;
	/** Capture rows available. */
	readonly rows: number;
	readonly columns: number;
	/** The capture being recorded, whose length the engine knows before the session record does. */
	readonly live?: {readonly index: number; readonly seconds: Seconds} | undefined;
	/** A past session opened in the browser: the header says nothing here can be changed. @default false */
	readonly readOnly?: boolean;
};

/** The session directory and its captures, one per row, the selected one marked with `>`. */
export const SessionPanel = ({session, selected, rows, columns, live, readOnly = false}: SessionPanelProps) => {
	const {captures} = session;
	const window = visibleWindow(captures.length, selected, rows);
	const count = `${captures.length} capture${captures.length === 1 ? '' : 's'}`;
	const position = window.end - window.start < captures.length ? ` · ${selected + 1}/${captures.length}` : '';
	const tail = session.dir === undefined ? 'none yet: the first capture starts one' : `${readOnly ? 'read-only · ' : ''}${count}${position}`;
	const dirWidth = Math.max(8, columns - 10 - tail.length - 3);
	const header = session.dir === undefined ? tail : `${truncateStart(tildify(session.dir), dirWidth)} · ${tail}`;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate">
				{' '}
				<Text bold>SESSION</Text> {header}
			</Text>
			{captures.slice(window.start, window.end).map((capture, offset) => {
				const row = window.start + offset;
				const isLive = live !== undefined && live.index === capture.index;
				return (
					<CaptureRow
						key={capture.index}
						capture={capture}
						selected={row === selected}
						columns={columns}
						length={isLive ? formatElapsed(live.seconds) : formatDuration(capture.durationSeconds)}
						state={isLive ? 'recording' : capture.state}
					/>
				);
			})}
		</Box>
	);
};

type CaptureRowProps = {
	readonly capture: CaptureView;
	readonly selected: boolean;
	readonly columns: number;
	/** `0:42.1`, or the running clock `0:42` of the capture being recorded. */
	readonly length: string;
	readonly state: string;
};

const CaptureRow = ({capture, selected, columns, length, state}: CaptureRowProps) => {
	const fixed = `${selected ? ' >' : '  '} ${formatIndex(capture.index)}  ${formatClock(capture.startedAt)}  ${length.padStart(7)}  ${state.padEnd(9)}`;
	const room = columns - [...fixed].length - 2;
	const transcript = room > 0 ? truncate(transcriptCell(capture.transcript), room) : '';
	return (
		<Text wrap="truncate" bold={selected} inverse={selected}>
			{fixed}
			{transcript === '' ? '' : `  ${transcript}`}
		</Text>
	);
};

/** `transcript done: "And so my fellow…"`, `transcript running`, `transcript failed: reason`. */
export const transcriptCell = (transcript: TranscriptView | undefined): string => {
	if (transcript === undefined) {
		return '';
	}
	const text = transcript.text?.trim();
	if (text) {
		return `${transcript.status}: “${text.replace(/\s+/g, ' ')}”`;
	}
	return transcript.reason ? `transcript ${transcript.status}: ${transcript.reason}` : `transcript ${transcript.status}`;
};
