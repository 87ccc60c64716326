import {useState} from 'react';
import type {ScreenLayout} from './layout.js';
import {initialSelection, moveSelection, selectedRow, type SelectionMove, type SessionSelection} from './session-selection.js';
import type {CaptureView, SessionView} from './session-view.js';
import {transcriptLines} from './transcript-pane.js';
import {useSessionKeys} from './use-session-keys.js';
import {useSyncReducer} from './use-sync-reducer.js';
import {useTranscriptKeys} from './use-transcript-keys.js';

export type SessionBrowser = {
	/** The selected row of the session panel, -1 for none. */
	readonly row: number;
	/** The capture whose transcript is open, while it is. */
	readonly open: CaptureView | undefined;
	readonly scroll: number;
};

export type UseSessionBrowserOptions = {
	readonly session: SessionView;
	readonly layout: ScreenLayout;
	/** Keys go to the session panel. */
	readonly browsing: boolean;
	/** Keys go to the transcript pane. */
	readonly reading: boolean;
	readonly onOpenTranscript: () => void;
	readonly onCloseTranscript: () => void;
};

type SelectionAction = {readonly move: SelectionMove; readonly captures: readonly CaptureView[]; readonly pageRows: number};
const selectionReducer = (selection: SessionSelection, action: SelectionAction): SessionSelection =>
	moveSelection(selection, action.move, action.captures, action.pageRows);

/** The session panel's selection and the transcript pane's scroll, with their keys. */
export const useSessionBrowser = ({session, layout, browsing, reading, onOpenTranscript, onCloseTranscript}: UseSessionBrowserOptions): SessionBrowser => {
	// Synchronous, so an Enter typed right after arrows (faster than a frame) opens the row they reached.
	const [selection, moveTo, currentSelection] = useSyncReducer(selectionReducer, initialSelection);
	const [transcript, setTranscript] = useState({index: 0, scroll: 0});
	const {captures} = session;
	const open = reading ? captures.find(capture => capture.index === transcript.index) : undefined;
	const bodyRows = Math.max(1, layout.paneRows - 1);

	useSessionKeys({
		isActive: browsing,
		onMove: move => moveTo({move, captures, pageRows: layout.sessionRows}),
		onOpen: () => {
			const capture = captures[selectedRow(currentSelection(), captures)];
			if (capture?.transcript !== undefined) {
				setTranscript({index: capture.index, scroll: 0});
				onOpenTranscript();
			}
		},
	});
	useTranscriptKeys({
		isActive: reading,
		pageRows: bodyRows,
		onClose: onCloseTranscript,
		onScroll: lines =>
			setTranscript(current => {
				const total = open ? transcriptLines(open, layout.columns).length : 0;
				return {...current, scroll: Math.max(0, Math.min(current.scroll + lines, total - bodyRows))};
			}),
	});
	return {row: selectedRow(selection, captures), open, scroll: transcript.scroll};
};
