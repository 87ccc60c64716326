import type {PastSessionSummary} from './past-session.js';
import type {SelectionMove} from './session-selection.js';
import type {CaptureView, SessionView} from './session-view.js';

/**
 * The past-sessions browser's navigation. Pure: a reducer over a union of actions, no React, no Ink.
 * Levels stack: the list of sessions, one session's captures, one capture's transcript; `back` pops one.
 * Nothing here can change a session: the browser only reads.
 */
export type PastSessionsLevel = 'closed' | 'list' | 'session' | 'transcript';

export type Loadable<T> =
	| {readonly status: 'loading'}
	| {readonly status: 'ready'; readonly value: T}
	| {readonly status: 'failed'; readonly message: string};

export type PastSessionsState = {
	readonly level: PastSessionsLevel;
	/**
	 * Numbers the loads: an action that starts one (the list, a session) bumps it, and an answer carrying
	 * an older number (the user moved on before it arrived) is dropped.
	 */
	readonly request: number;
	readonly list: Loadable<readonly PastSessionSummary[]>;
	/** The selected session (row of the list). */
	readonly row: number;
	/** The open session. */
	readonly session: Loadable<SessionView>;
	/** The selected capture (row of the open session). */
	readonly captureRow: number;
	/** First transcript line shown. */
	readonly scroll: number;
};

export type PastSessionsAction =
	| {readonly type: 'open'}
	| {readonly type: 'listed'; readonly request: number; readonly sessions: readonly PastSessionSummary[]}
	| {readonly type: 'opened'; readonly request: number; readonly session: SessionView}
	/** The load numbered `request` (the list's or the session's) failed. */
	| {readonly type: 'failed'; readonly request: number; readonly message: string}
	/**
	 * Arrows and the like: move the selection of the list or the session, or scroll the transcript.
	 * `pageRows` is the rows shown; `lineCount` the transcript's lines (for the last scroll position).
	 */
	| {readonly type: 'move'; readonly move: SelectionMove; readonly pageRows: number; readonly lineCount: number}
	| {readonly type: 'enter'}
	| {readonly type: 'back'};

export const closedPastSessions: PastSessionsState = {
	level: 'closed',
	request: 0,
	list: {status: 'loading'},
	row: 0,
	session: {status: 'loading'},
	captureRow: 0,
	scroll: 0,
};

export const pastSessionsReducer = (state: PastSessionsState, action: PastSessionsAction): PastSessionsState => {
	switch (action.type) {
		case 'open': {
			return state.level === 'closed' ? {...closedPastSessions, level: 'list', request: state.request + 1} : state;
		}
		case 'listed': {
			return state.level === 'list' && action.request === state.request ? {...state, list: {status: 'ready', value: action.sessions}, row: 0} : state;
		}
		case 'opened': {
			return state.level === 'session' && action.request === state.request
				? {...state, session: {status: 'ready', value: action.session}, captureRow: 0}
				: state;
		}
		case 'failed': {
			if (action.request !== state.request) {
				return state;
			}
			const failed = {status: 'failed', message: action.message} as const;
			return state.level === 'list' ? {...state, list: failed} : state.level === 'session' ? {...state, session: failed} : state;
		}
		case 'move': {
			return move(state, action);
		}
		case 'enter': {
			return enter(state);
		}
		case 'back': {
			const previous = {closed: 'closed', list: 'closed', session: 'list', transcript: 'session'} as const;
			return state.level === 'closed' ? state : {...state, level: previous[state.level]};
		}
	}
};

const move = (state: PastSessionsState, action: Extract<PastSessionsAction, {type: 'move'}>): PastSessionsState => {
	switch (state.level) {
		case 'list': {
			return state.list.status === 'ready' ? {...state, row: moveRow(state.row, action.move, state.list.value.length, action.pageRows)} : state;
		}
		case 'session': {
			return state.session.status === 'ready'
				? {...state, captureRow: moveRow(state.captureRow, action.move, state.session.value.captures.length, action.pageRows)}
				: state;
		}
		case 'transcript': {
			const last = Math.max(0, action.lineCount - action.pageRows);
			const page = Math.max(1, action.pageRows);
			const target = {up: state.scroll - 1, down: state.scroll + 1, pageUp: state.scroll - page, pageDown: state.scroll + page, first: 0, last}[action.move];
			return {...state, scroll: Math.min(last, Math.max(0, target))};
		}
		case 'closed': {
			return state;
		}
	}
};

const enter = (state: PastSessionsState): PastSessionsState => {
	switch (state.level) {
		case 'list': {
			const summary = selectedSummary(state);
			if (summary === undefined) {
				return state;
			}
			if (summary.error !== undefined) {
				// Nothing to load: the list already knows why it cannot be opened.
				return {...state, level: 'session', session: {status: 'failed', message: `session ${summary.id} cannot be read: ${summary.error}`}};
			}
			return {...state, level: 'session', request: state.request + 1, session: {status: 'loading'}, captureRow: 0};
		}
		case 'session': {
			return openCaptureAt(state) === undefined ? state : {...state, level: 'transcript', scroll: 0};
		}
		case 'transcript': {
			return {...state, level: 'session'};
		}
		case 'closed': {
			return state;
		}
	}
};

/** A row moved within `count` rows; 0 when there are none. */
export const moveRow = (row: number, move: SelectionMove, count: number, pageRows: number): number => {
	if (count <= 0) {
		return 0;
	}
	const page = Math.max(1, pageRows);
	const target = {up: row - 1, down: row + 1, pageUp: row - page, pageDown: row + page, first: 0, last: count - 1}[move];
	return Math.min(count - 1, Math.max(0, target));
};

/** The session the list has selected, once the list is loaded. */
export const selectedSummary = (state: PastSessionsState): PastSessionSummary | undefined =>
	state.list.status === 'ready' ? state.list.value[state.row] : undefined;

const openCaptureAt = (state: PastSessionsState): CaptureView | undefined =>
	state.session.status === 'ready' ? state.session.value.captures[state.captureRow] : undefined;

/** The capture whose transcript is open, while it is. */
export const openTranscript = (state: PastSessionsState): CaptureView | undefined =>
	state.level === 'transcript' ? openCaptureAt(state) : undefined;

/** What the last action asked to load, if it bumped `request`: the list, or the selected session. */
export type PastSessionsLoad = {readonly kind: 'list'} | {readonly kind: 'session'; readonly id: string};

export const loadFor = (state: PastSessionsState): PastSessionsLoad | undefined => {
	if (state.level === 'list' && state.list.status === 'loading') {
		return {kind: 'list'};
	}
	const summary = selectedSummary(state);
	if (state.level === 'session' && state.session.status === 'loading' && summary !== undefined) {
		return {kind: 'session', id: summary.id};
	}
	return undefined;
};
