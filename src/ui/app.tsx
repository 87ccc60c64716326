import {Box} from 'ink';
import {useMemo, useState} from 'react';
import type {EpochMs} from '../util/units.js';
import type {EngineCommands, EngineStore} from './engine-store.js';
import {EngineBanner, EngineInputs, EngineMeters, EnginePreroll, LiveSessionPanel, PaintedGauges} from './engine-views.js';
import {HelpLine} from './help-line.js';
import {mainHelp, pastSessionsHelp, pickerHelp, transcriptHelp} from './help-text.js';
import type {InputsStore} from './inputs-view.js';
import {planLayout} from './layout.js';
import {NoticeLines} from './notice-lines.js';
import {PastSessionsScreen} from './past-sessions-screen.js';
import {PortPickerScreen} from './port-picker-screen.js';
import type {SessionStore} from './session-view.js';
import type {StateViewOptions} from './state-view.js';
import {StatusLine} from './status-line.js';
import {TranscriptPane} from './transcript-pane.js';
import {noticeRows, type Notice, type UiStatus, type UiStatusStore} from './ui-status.js';
import {useAppKeys} from './use-app-keys.js';
import {usePastSessions} from './use-past-sessions.js';
import {useSessionBrowser} from './use-session-browser.js';
import {useStore, useStoreSelector} from './use-store-selector.js';
import {useTerminalSize} from './use-terminal-size.js';
import {useVisibleNotices} from './use-visible-notices.js';
import {createValueStore} from '../util/store.js';

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
	/** A MeterPainter draws the pre-roll and meter rows, so they need not re-render with every update. @default false */
	readonly paintedMeters?: boolean;
};

type Mode = 'main' | 'picker' | 'transcript';

const helpFor = {main: mainHelp, picker: pickerHelp, transcript: transcriptHelp} as const;
const noStatus = createValueStore<UiStatus>({});
const noNotices: readonly Notice[] = [];
const noInputs = createValueStore(undefined);

/**
 * The whole screen: state, pre-roll, meters, then the session panel (or the transcript, the port
 * picker or the past-sessions browser in its place), the status and the keys. It reads no meter data
 * itself: the parts subscribe to what they show.
 */
export const App = ({engine, commands, session, inputs, status, clock = Date.now, stateOptions, paintedMeters = false}: AppProps) => {
	const size = useTerminalSize();
	const channels = useStoreSelector(engine, snapshot => snapshot.levels.length);
	const statusView = useStore(status ?? noStatus);
	const notices = useVisibleNotices(statusView.notices ?? noNotices);
	const notes = useMemo(() => noticeRows(notices.visible, size.columns), [notices.visible, size.columns]);
	const layout = useMemo(() => planLayout(size.columns, size.rows, channels, notes.length), [size, channels, notes.length]);
	const sessionView = useStore(session);
	const inputsView = useStore(inputs ?? noInputs);
	const [mode, setMode] = useState<Mode>('main');
	// Past sessions open over the main screen; the live session keeps recording underneath.
	const past = usePastSessions({commands, layout, isActive: mode === 'main'});
	const onMain = mode === 'main' && past.level === 'closed';
	const browser = useSessionBrowser({
		session: sessionView,
		layout,
		browsing: onMain,
		reading: mode === 'transcript',
		onOpenTranscript: () => setMode('transcript'),
		onCloseTranscript: () => setMode('main'),
	});
	// `t` acts on the live session only: never on a past one, which is read-only.
	const selectedCapture = browser.open?.index ?? (onMain ? sessionView.captures[browser.row]?.index : undefined);
	useAppKeys({commands, mainKeys: onMain, onOpenInputs: () => setMode('picker'), selectedCapture, onDismiss: notices.hideNewest});

	return (
		<Box flexDirection="column" width={layout.columns} height={layout.frameRows}>
			<EngineBanner engine={engine} layout={layout} clock={clock} options={stateOptions} {...(statusView.badges === undefined ? {} : {badges: statusView.badges})} />
			{paintedMeters ? (
				<PaintedGauges engine={engine} layout={layout} clock={clock} />
			) : (
				<>
					<EnginePreroll engine={engine} layout={layout} />
					<EngineMeters engine={engine} layout={layout} clock={clock} />
				</>
			)}
			{past.level !== 'closed' ? (
				<PastSessionsScreen state={past} rows={layout.paneRows} columns={layout.columns} liveDir={sessionView.dir} />
			) : browser.open ? (
				<TranscriptPane capture={browser.open} scroll={browser.scroll} rows={layout.paneRows} columns={layout.columns} />
			) : mode === 'picker' ? null : (
				<>
					<EngineInputs engine={engine} layout={layout} inputs={inputsView} />
					<LiveSessionPanel engine={engine} layout={layout} session={sessionView} selected={browser.row} />
				</>
			)}
			<PortPickerScreen
				engine={engine}
				commands={commands}
				inputs={inputsView}
				isActive={mode === 'picker'}
				rows={layout.paneRows}
				columns={layout.columns}
				onClose={() => setMode('main')}
			/>
			{/* The rows the panels leave go here, so the keys stay on the last row and the screen keeps its height. */}
			<Box flexGrow={1} />
			{layout.noticeRows > 0 ? <NoticeLines rows={notes.slice(0, layout.noticeRows)} /> : null}
			{layout.statusLine ? <StatusLine status={statusView} columns={layout.columns} /> : null}
			<HelpLine items={past.level === 'closed' ? helpFor[mode] : pastSessionsHelp[past.level]} columns={layout.columns} />
		</Box>
	);
};
