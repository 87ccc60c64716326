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
import type {SessionStore} from './session-view.js';
import type {StateViewOptions} from './state-view.js';
import {StatusLine} from './status-line.js';
import {TranscriptPane} from './transcript-pane.js';
import type {UiStatusStore} from './ui-status.js';
import {useAppKeys} from './use-app-keys.js';
import {useSessionBrowser} from './use-session-browser.js';
import {useStore, useStoreSelector} from './use-store-selector.js';
import {useTerminalSize} from './use-terminal-size.js';
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

const helpFor = {main: mainHelp, picker: pickerHelp, transcript: transcriptHelp} as const;
const noStatus = createValueStore({});
const noInputs = createValueStore(undefined);

/**
 * The whole screen: state, pre-roll, meters, then the session panel (or the transcript or the port
 * picker in its place), the status and the keys. It reads no meter data itself: the parts subscribe
 * to what they show.
 */
export const App = ({engine, commands, session, inputs, status, clock = Date.now, stateOptions}: AppProps) => {
	const size = useTerminalSize();
	const channels = useStoreSelector(engine, snapshot => snapshot.levels.length);
	const layout = useMemo(() => planLayout(size.columns, size.rows, channels), [size, channels]);
	const sessionView = useStore(session);
	const inputsView = useStore(inputs ?? noInputs);
	const statusView = useStore(status ?? noStatus);
	const [mode, setMode] = useState<Mode>('main');
	const browser = useSessionBrowser({
		session: sessionView,
		layout,
		browsing: mode === 'main',
		reading: mode === 'transcript',
		onOpenTranscript: () => setMode('transcript'),
		onCloseTranscript: () => setMode('main'),
	});
	const selectedCapture = browser.open?.index ?? (mode === 'main' ? sessionView.captures[browser.row]?.index : undefined);
	useAppKeys({commands, mainKeys: mode === 'main', onOpenInputs: () => setMode('picker'), selectedCapture});

	return (
		<Box flexDirection="column" width={layout.columns}>
			<EngineBanner engine={engine} layout={layout} clock={clock} options={stateOptions} />
			<EnginePreroll engine={engine} layout={layout} />
			<EngineMeters engine={engine} layout={layout} clock={clock} />
			{browser.open ? (
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
			{layout.statusLine ? <StatusLine status={statusView} columns={layout.columns} /> : null}
			<HelpLine items={helpFor[mode]} columns={layout.columns} />
		</Box>
	);
};
