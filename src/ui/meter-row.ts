import type {ChannelLevel, EngineSnapshot} from '../engine/engine-snapshot.js';
import type {EpochMs, Seconds} from '../util/units.js';
import {formatDb, formatSeconds} from './format.js';
import {prerollLabel, type ScreenLayout} from './layout.js';
import {dbToCells, meterBar, meterGlyphs} from './meter-scale.js';
import {clipLit, heldLevel, type PeakHold} from './peak-hold.js';
import {shortPortName} from './port-name.js';

/**
 * A run of one meter row's text in one style. Pure data, so the same row is drawn by Ink (as `<Text>`) and
 * by the meter painter (as ANSI) without two copies of the formatting.
 */
export type MeterSegment = {
	readonly text: string;
	readonly color?: 'green' | 'yellow' | 'red' | 'cyan';
	readonly bold?: boolean;
};

/** Zones the bar is coloured by; the length and the number carry the meaning, colour only helps. */
const zones = [
	{fromDb: -18, color: 'yellow'},
	{fromDb: -6, color: 'red'},
] as const;

/** One channel's row: ` in_1     [████████│░░░] CLIP  -12.3 dB`, as wide as the layout allows. */
export const meterRow = (level: ChannelLevel, hold: PeakHold, layout: ScreenLayout, now: EpochMs): readonly MeterSegment[] => {
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
	return [
		{text: ` ${label} [`},
		{text: bar.slice(0, first), color: 'green'},
		{text: bar.slice(first, second), color: zones[0].color},
		{text: bar.slice(second), color: zones[1].color},
		{text: end},
		{text: clipWord, color: 'red', bold: true},
		{text: number},
	];
};

const silent = (levels: readonly ChannelLevel[]): readonly ChannelLevel[] =>
	levels.map(level => ({...level, peak: Number.NEGATIVE_INFINITY, rms: Number.NEGATIVE_INFINITY, clipped: false}));

/** The levels the meters show: a stopped source's last levels would stand still as if live, so silence instead. */
export const shownLevels = (snapshot: EngineSnapshot): readonly ChannelLevel[] =>
	snapshot.source.status === 'stopped' ? silent(snapshot.levels) : snapshot.levels;

/** `pre-roll [██████░░░░]  9.2 / 13 s`, aligned with the meters: what a trigger now would start with. */
export const prerollRow = (filled: Seconds, total: Seconds, layout: ScreenLayout): readonly MeterSegment[] => {
	const cells = layout.meterCells;
	const fraction = total > 0 ? Math.min(1, Math.max(0, filled / total)) : 0;
	const full = Math.round(fraction * cells);
	// One decimal, but never "13.0 / 13" before the ring is really full.
	const shown = fraction < 1 ? Math.min(Math.floor(filled * 10) / 10, total - 0.1) : total;
	return [
		{text: ` ${prerollLabel.padEnd(layout.labelWidth)} [`},
		{text: meterGlyphs.filled.repeat(full) + meterGlyphs.empty.repeat(cells - full), color: 'cyan'},
		{text: `] ${shown.toFixed(1).padStart(5)} / ${formatSeconds(total)} s`},
	];
};
