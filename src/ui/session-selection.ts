import type {CaptureView} from './session-view.js';

/**
 * Which capture the session panel has selected. Pure state. The selection is a capture number, not a row,
 * so it stays on the same capture as the list grows; `following` keeps it on the newest capture until
 * the user moves up.
 */
export type SessionSelection = {
	readonly index: number | undefined;
	readonly following: boolean;
};

export const initialSelection: SessionSelection = {index: undefined, following: true};

export type SelectionMove = 'up' | 'down' | 'pageUp' | 'pageDown' | 'first' | 'last';

/** The selected row, or -1 for an empty list. */
export const selectedRow = (selection: SessionSelection, captures: readonly CaptureView[]): number => {
	if (captures.length === 0) {
		return -1;
	}
	if (selection.following || selection.index === undefined) {
		return captures.length - 1;
	}
	const row = captures.findIndex(capture => capture.index === selection.index);
	return row === -1 ? captures.length - 1 : row;
};

export const moveSelection = (
	selection: SessionSelection,
	move: SelectionMove,
	captures: readonly CaptureView[],
	pageRows = 5,
): SessionSelection => {
	if (captures.length === 0) {
		return initialSelection;
	}
	const last = captures.length - 1;
	const current = selectedRow(selection, captures);
	const step = Math.max(1, pageRows);
	const target = {
		up: current - 1,
		down: current + 1,
		pageUp: current - step,
		pageDown: current + step,
		first: 0,
		last,
	}[move];
	const row = Math.min(last, Math.max(0, target));
	return {index: captures[row]!.index, following: row === last};
};

/** The rows to show so the selected one is visible: centred where the list allows. */
export const visibleWindow = (count: number, selected: number, rows: number): {readonly start: number; readonly end: number} => {
	if (rows <= 0 || count === 0) {
		return {start: 0, end: 0};
	}
	if (count <= rows) {
		return {start: 0, end: count};
	}
	const start = Math.min(count - rows, Math.max(0, selected - Math.floor(rows / 2)));
	return {start, end: start + rows};
};
