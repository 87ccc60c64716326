import {Text} from 'ink';
import type {Seconds} from '../engine/units.js';
import {formatSeconds} from './format.js';
import {prerollLabel, type ScreenLayout} from './layout.js';
import {meterGlyphs} from './meter-scale.js';

export type PrerollGaugeProps = {
	/** Seconds of audio the ring holds: what a trigger now would start with. */
	readonly filled: Seconds;
	readonly total: Seconds;
	readonly layout: ScreenLayout;
};

/** `pre-roll [██████░░░░]  9.2 / 13 s`, aligned with the meters. */
export const PrerollGauge = ({filled, total, layout}: PrerollGaugeProps) => {
	const cells = layout.meterCells;
	const fraction = total > 0 ? Math.min(1, Math.max(0, filled / total)) : 0;
	const full = Math.round(fraction * cells);
	const bar = meterGlyphs.filled.repeat(full) + meterGlyphs.empty.repeat(cells - full);
	// One decimal, but never "13.0 / 13" before the ring is really full.
	const shown = fraction < 1 ? Math.min(Math.floor(filled * 10) / 10, total - 0.1) : total;
	return (
		<Text wrap="truncate">
			{` ${prerollLabel.padEnd(layout.labelWidth)} [`}
			<Text color="cyan">{bar}</Text>
			{`] ${shown.toFixed(1).padStart(5)} / ${formatSeconds(total)} s`}
		</Text>
	);
};
