import {Box, Text} from 'ink';
import type {ChannelLevel} from '../engine/engine-snapshot.js';
import type {EpochMs} from '../util/units.js';
import type {ScreenLayout} from './layout.js';
import {meterRow} from './meter-row.js';
import {scaleLine} from './meter-scale.js';
import type {PeakHold} from './peak-hold.js';
import {SegmentsText} from './segments-text.js';
import {usePeakHold} from './use-peak-hold.js';

export type LevelMetersProps = {
	readonly levels: readonly ChannelLevel[];
	readonly layout: ScreenLayout;
	/** The time the peak-hold marks are computed for. */
	readonly now: EpochMs;
};

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

const MeterRow = ({level, hold, layout, now}: MeterRowProps) => <SegmentsText segments={meterRow(level, hold, layout, now)} />;
