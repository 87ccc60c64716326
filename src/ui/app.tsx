import {Box} from 'ink';
import {useMemo, useState} from 'react';
import type {EpochMs} from '../engine/units.js';
import type {EngineCommands, EngineStore} from './engine-store.js';
import {EngineBanner, EngineInputs, EngineMeters, EnginePreroll, LiveSessionPanel} from './engine-views.js';
import {HelpLine} from './help-line.js';
import {mainHelp, pickerHelp, transcriptHelp} from './help-text.js';
import type {InputsStore} from './inputs-view.js';
import {planLayout} from './layout.js';
import {PortPickerScreen} from './port-picker-screen.js';
import {initialSelection, moveSelection, selectedRow, type SelectionMove, type SessionSelection} from './session-selection.js';
import type {CaptureView} from './session-view.js';
import type {SessionStore} from './session-view.js';
import type {StateViewOptions} from './state-view.js';
import {StatusLine} from './status-line.js';
import {TranscriptPane, transcriptLines} from './transcript-pane.js';
import type {UiStatusStore} from './ui-status.js';
import {useAppKeys} from './use-app-keys.js';
import {useSessionKeys} from './use-session-keys.js';
import {useStore, useStoreSelector} from './use-store-selector.js';
import {useSyncReducer} from './use-sync-reducer.js';
import {useTerminalSize} from './use-terminal-size.js';
import {useTranscriptKeys} from './use-transcript-keys.js';
import {createValueStore} from './value-store.js';

export type AppProps = {
	readonly engine: EngineStore;
	readonly commands: EngineCommands;
	readonly session: SessionStore;
	/** Our JACK ports and what feeds them; without it the input line shows only our port names. */
	readonly inputs?: InputsStore;
	readonly status?: UiStatusStore;
	/** The clock for peak-hold decay and how long BLOCKED stays up. @default Date.now */
	readonly clock?: () => EpochMs;
	readonly stateOptions?: StateViewOptions;
};

type Mode = 'main' | 'picker' | 'transcript';

const modeReducer = (_mode: Mode, next: Mode): Mode => next;

type SelectionAction = {readonly move: SelectionMove; readonly captures: readonly CaptureView[]; readonly pageRows: number};
const selectionReducer = (selection: SessionSelection, action: SelectionAction): SessionSelection =>
	moveSelection(selection, action.move, action.captures, action.pageRows);

const noStatus = createValueStore({});
const noInputs = createValueStore(undefined);

/** The whole screen: state, pre-roll, meters, then the session (or a pane), the status and the keys. */
export const App = ({engine, commands, session, inputs, status, clock = Date.now, stateOptions}: AppProps) => {
	const size = useTerminalSize();
	const channels = useStoreSelector(engine, snapshot => snapshot.levels.length);
	const layout = useMemo(() => planLayout(size.columns, size.rows, channels), [size, channels]);
	const sessionView = useStore(session);
	const inputsView = useStore(inputs ?? noInputs);
	const statusView = useStore(status ?? noStatus);
	// Synchronous state: keys typed faster than frames must see where the previous keys left things.
	const [mode, setMode, currentMode] = useSyncReducer(modeReducer, 'main');
	const [selection, moveTo, currentSelection] = useSyncReducer(selectionReducer, initialSelection);
	const [transcript, setTranscript] = useState({index: 0, scroll: 0});
	const row = selectedRow(selection, sessionView.captures);
	const open = sessionView.captures.find(capture => capture.index === transcript.index);
	const paneRows = layout.paneRows;

	useAppKeys({commands, mainKeys: () => currentMode() === 'main', onOpenInputs: () => setMode('picker')});
	useSessionKeys({
		isActive: () => currentMode() === 'main',
		onMove: move => moveTo({move, captures: sessionView.captures, pageRows: layout.sessionRows}),
		onOpen: () => {
			const capture = sessionView.captures[selectedRow(currentSelection(), sessionView.captures)];
			if (capture?.transcript !== undefined) {
				setTranscript({index: capture.index, scroll: 0});
				setMode('transcript');
			}
		},
	});
	useTranscriptKeys({
		isActive: () => currentMode() === 'transcript',
		pageRows: Math.max(1, paneRows - 1),
		onClose: () => setMode('main'),
		onScroll: lines =>
			setTranscript(current => {
				const total = open ? transcriptLines(open, layout.columns).length : 0;
				const scroll = Math.max(0, Math.min(current.scroll + lines, total - (paneRows - 1)));
				return {...current, scroll};
			}),
	});

	const help = mode === 'main' ? mainHelp : mode === 'picker' ? pickerHelp : transcriptHelp;
	return (
		<Box flexDirection="column" width={layout.columns}>
			<EngineBanner engine={engine} layout={layout} clock={clock} options={stateOptions} />
			<EnginePreroll engine={engine} layout={layout} />
			<EngineMeters engine={engine} layout={layout} clock={clock} />
			{mode === 'main' || (mode === 'transcript' && !open) ? (
				<>
					<EngineInputs engine={engine} layout={layout} inputs={inputsView} />
					<LiveSessionPanel engine={engine} layout={layout} session={sessionView} selected={row} />
				</>
			) : null}
			{mode === 'transcript' && open ? <TranscriptPane capture={open} scroll={transcript.scroll} rows={paneRows} columns={layout.columns} /> : null}
			<PortPickerScreen
				engine={engine}
				commands={commands}
				inputs={inputsView}
				isActive={mode === 'picker'}
				keysActive={() => currentMode() === 'picker'}
				rows={paneRows}
				columns={layout.columns}
				onClose={() => setMode('main')}
			/>
			{layout.statusLine ? <StatusLine status={statusView} columns={layout.columns} /> : null}
			<HelpLine items={help} columns={layout.columns} />
		</Box>
	);
};
