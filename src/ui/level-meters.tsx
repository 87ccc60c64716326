import {Box, Text} from 'ink';
import type {ChannelLevel} from '../engine/engine-snapshot.js';
import type {EpochMs} from '../engine/units.js';
import {formatDb} from './format.js';
import type {ScreenLayout} from './layout.js';
import {dbToCells, meterBar, scaleLine} from './meter-scale.js';
import {clipLit, heldLevel, type PeakHold} from './peak-hold.js';
import {usePeakHold} from './use-peak-hold.js';

export type LevelMetersProps = {
	readonly levels: readonly ChannelLevel[];
	readonly layout: ScreenLayout;
	/** The time the peak-hold marks are computed for. */
	readonly now: EpochMs;
};

/** Zones the bar is coloured by; the length and the number carry the meaning, colour only helps. */
const zones = [
	{fromDb: -18, color: 'yellow'},
	{fromDb: -6, color: 'red'},
] as const;

/** One row per channel: `in_1     [████████│░░░] CLIP  -12.3 dB`, then the dB scale. */
export const LevelMeters = ({levels, layout, now}: LevelMetersProps) => {
	const holds = usePeakHold(levels, now);
	const shown = levels.slice(0, layout.meterRows);
	return (
		<Box flexDirection="column">
			{shown.map((level, channel) => (
				<MeterRow key={level.port} level={level} hold={holds[channel]!} layout={layout} now={now} />
			))}
			{layout.meterScale ? <Text>{' '.repeat(1 + layout.labelWidth + 2) + scaleLine(layout.meterCells)}</Text> : null}
		</Box>
	);
};

type MeterRowProps = {
	readonly level: ChannelLevel;
	readonly hold: PeakHold;
	readonly layout: ScreenLayout;
	readonly now: EpochMs;
};

const MeterRow = ({level, hold, layout, now}: MeterRowProps) => {
	const held = heldLevel(hold, now);
	const clipped = clipLit(hold, now);
	const cells = layout.meterCells;
	const bar = meterBar(cells, level.peak, held);
	const first = dbToCells(zones[0].fromDb, cells);
	const second = dbToCells(zones[1].fromDb, cells);
	const label = shortPortName(level.port).slice(0, layout.labelWidth).padEnd(layout.labelWidth);
	const end = clipped && !layout.clipWord ? '!' : ']';
	const clipWord = layout.clipWord ? (clipped ? ' CLIP' : '     ') : '';
	const number = layout.meterNumbers ? ` ${formatDb(held).padStart(5)} dB` : '';
	return (
		<Text wrap="truncate">
			{` ${label} [`}
			<Text color="green">{bar.slice(0, first)}</Text>
			<Text color={zones[0].color}>{bar.slice(first, second)}</Text>
			<Text color={zones[1].color}>{bar.slice(second)}</Text>
			{end}
			<Text color="red" bold>
				{clipWord}
			</Text>
			{number}
		</Text>
	);
};

/** `omega13:in_1` -> `in_1`. */
export const shortPortName = (port: string): string => port.slice(port.lastIndexOf(':') + 1);
