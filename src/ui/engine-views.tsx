import type {ChannelLevel, EngineSnapshot} from '../engine/engine-snapshot.js';
import type {EpochMs} from '../util/units.js';
import type {EngineStore} from './engine-store.js';
import {InputsPanel} from './inputs-panel.js';
import type {InputsView} from './inputs-view.js';
import type {ScreenLayout} from './layout.js';
import {LevelMeters} from './level-meters.js';
import {shownLevels} from './meter-row.js';
import {PrerollGauge} from './preroll-gauge.js';
import {SessionPanel} from './session-panel.js';
import type {SessionView} from './session-view.js';
import {StateBanner} from './state-banner.js';
import {describeState, type StateViewOptions} from './state-view.js';
import {shallowEqual, useStoreSelector} from './use-store-selector.js';

/*
 * Each part of the screen reads only what it shows from the engine store, so the 15 fps meter updates
 * re-render the meters, not the app (or, when the meters are painted, nothing).
 */

type EngineViewProps = {readonly engine: EngineStore; readonly layout: ScreenLayout};

type BannerProps = EngineViewProps & {readonly clock: () => EpochMs; readonly options?: StateViewOptions; readonly badges?: readonly string[]};

export const EngineBanner = ({engine, layout, clock, options, badges}: BannerProps) => {
	const view = useStoreSelector(engine, snapshot => describeState(snapshot, clock(), options), shallowEqual);
	return <StateBanner view={view} columns={layout.columns} border={layout.bannerBorder} {...(badges === undefined ? {} : {badges})} />;
};

export const EnginePreroll = ({engine, layout}: EngineViewProps) => {
	// In tenths, as shown: a redraw for a change nobody can see costs a whole frame.
	const filled = useStoreSelector(engine, snapshot => Math.floor(snapshot.bufferFilledSeconds * 10) / 10);
	const total = useStoreSelector(engine, snapshot => snapshot.bufferSeconds);
	return <PrerollGauge filled={filled} total={total} layout={layout} />;
};

const sameSilence = (a: readonly ChannelLevel[], b: readonly ChannelLevel[]): boolean =>
	a === b || (a.length === b.length && a.every((level, i) => level.port === b[i]!.port && level.peak === b[i]!.peak && level.clipped === b[i]!.clipped));

type MetersProps = EngineViewProps & {readonly clock: () => EpochMs};

export const EngineMeters = ({engine, layout, clock}: MetersProps) => {
	const levels = useStoreSelector(engine, shownLevels, sameSilence);
	return <LevelMeters levels={levels} layout={layout} now={clock()} />;
};

/** What changes the painted gauges' shape: the ports and the buffer's length. */
const gaugeShape = (snapshot: EngineSnapshot): string => `${snapshot.bufferSeconds}\n${snapshot.levels.map(level => level.port).join('\n')}`;

/**
 * The pre-roll gauge and the meters when the MeterPainter keeps them moving: this re-renders only when
 * their shape changes. When Ink draws the screen for another reason it shows the values of that moment,
 * and the painter paints over them.
 */
export const PaintedGauges = ({engine, layout, clock}: MetersProps) => {
	useStoreSelector(engine, gaugeShape);
	const snapshot = engine.getSnapshot();
	return (
		<>
			<PrerollGauge filled={snapshot.bufferFilledSeconds} total={snapshot.bufferSeconds} layout={layout} />
			<LevelMeters levels={shownLevels(snapshot)} layout={layout} now={clock()} />
		</>
	);
};

export const EngineInputs = ({engine, layout, inputs}: EngineViewProps & {readonly inputs: InputsView | undefined}) => {
	const source = useStoreSelector(
		engine,
		snapshot => ({kind: snapshot.source.kind, name: snapshot.source.name, sampleRate: snapshot.source.sampleRate}),
		shallowEqual,
	);
	const ports = useStoreSelector(engine, snapshot => snapshot.levels.map(level => level.port).join('\n'));
	return <InputsPanel source={source} ports={ports.split('\n')} inputs={inputs} columns={layout.columns} />;
};

export const LiveSessionPanel = ({
	engine,
	layout,
	session,
	selected,
}: EngineViewProps & {readonly session: SessionView; readonly selected: number}) => {
	const live = useStoreSelector(
		engine,
		snapshot =>
			snapshot.capture.kind === 'recording'
				? {index: snapshot.capture.index, seconds: Math.floor(snapshot.capture.frames / snapshot.source.sampleRate)}
				: undefined,
		shallowEqual,
	);
	// The engine knows the session directory as soon as the first capture made it.
	const dir = useStoreSelector(engine, snapshot => snapshot.sessionDir);
	const view = session.dir === undefined && dir !== undefined ? {...session, dir} : session;
	return <SessionPanel session={view} selected={selected} rows={layout.sessionRows} columns={layout.columns} live={live} />;
};
