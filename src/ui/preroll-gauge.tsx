import type {Seconds} from '../util/units.js';
import type {ScreenLayout} from './layout.js';
import {prerollRow} from './meter-row.js';
import {SegmentsText} from './segments-text.js';

export type PrerollGaugeProps = {
	/** Seconds of audio the ring holds: what a trigger now would start with. */
	readonly filled: Seconds;
	readonly total: Seconds;
	readonly layout: ScreenLayout;
};

/** `pre-roll [██████░░░░]  9.2 / 13 s`, aligned with the meters. */
export const PrerollGauge = ({filled, total, layout}: PrerollGaugeProps) => <SegmentsText segments={prerollRow(filled, total, layout)} />;
