import type {EngineCommands} from './engine-store.js';
import type {ScreenLayout} from './layout.js';
import {
	closedPastSessions,
	loadFor,
	openTranscript,
	pastSessionsReducer,
	type PastSessionsAction,
	type PastSessionsState,
} from './past-sessions-state.js';
import {transcriptLines} from './transcript-pane.js';
import {usePastSessionKeys, type PastSessionKey} from './use-past-session-keys.js';
import {useSyncReducer} from './use-sync-reducer.js';

export type UsePastSessionsOptions = {
	/** Only the two reads; without them the browser says it has nothing to show. */
	readonly commands: Pick<EngineCommands, 'listSessions' | 'openSession'>;
	readonly layout: ScreenLayout;
	/** The main screen is showing: `s` opens the browser, and while it is open it takes the keys. */
	readonly isActive: boolean;
};

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs `read` as a promise, so one that throws instead of rejecting still ends in `failed`, not in the key handler. */
const attempt = <T>(read: () => Promise<T>): Promise<T> => Promise.resolve().then(read);

/**
 * The past-sessions browser: its state, its keys, and the reads they start. The list is read each time
 * the browser opens and a session each time it is entered, so what shows is what is on disk then.
 */
export const usePastSessions = ({commands, layout, isActive}: UsePastSessionsOptions): PastSessionsState => {
	// Synchronous, so an Enter typed right after arrows opens the row they reached.
	const [state, dispatch, current] = useSyncReducer(pastSessionsReducer, closedPastSessions);
	// The pane's rows below its header: the list's and the session's rows, the transcript's lines.
	const pageRows = Math.max(1, layout.paneRows - 1);

	const load = (after: PastSessionsState): void => {
		const wanted = loadFor(after);
		const {request} = after;
		const fail = (error: unknown): void => {
			dispatch({type: 'failed', request, message: errorText(error)});
		};
		const listSessions = commands.listSessions?.bind(commands);
		const openSession = commands.openSession?.bind(commands);
		if (wanted?.kind === 'list') {
			if (listSessions === undefined) {
				fail('past sessions cannot be listed here');
				return;
			}
			attempt(listSessions).then(sessions => dispatch({type: 'listed', request, sessions}), fail);
		} else if (wanted?.kind === 'session') {
			if (openSession === undefined) {
				fail('past sessions cannot be opened here');
				return;
			}
			attempt(() => openSession(wanted.id)).then(session => dispatch({type: 'opened', request, session}), fail);
		}
	};

	const toAction = (key: PastSessionKey, now: PastSessionsState): PastSessionsAction => {
		if (key.type !== 'move') {
			return key;
		}
		const capture = openTranscript(now);
		const lineCount = capture === undefined ? 0 : transcriptLines(capture, layout.columns).length;
		return {type: 'move', move: key.move, pageRows, lineCount};
	};

	usePastSessionKeys({
		isActive,
		isOpen: () => current().level !== 'closed',
		onKey: key => {
			const before = current();
			dispatch(toAction(key, before));
			const after = current();
			if (after.request !== before.request) {
				load(after);
			}
		},
	});
	return state;
};
