import type {Decibels} from '../util/units.js';

/** The bottom of the meter scale; quieter is drawn as nothing. */
export const meterFloorDb: Decibels = -60;

/** Where the scale has its tick labels. */
export const meterTicksDb: readonly Decibels[] = [-60, -48, -36, -24, -12, 0];

export const meterGlyphs = {
	filled: '█',
	empty: '░',
	hold: '│',
} as const;

/** Position of a level on the scale, 0 at the floor (or below, or -Infinity, or NaN) to 1 at 0 dBFS and above. Linear in dB. */
export const dbToFraction = (db: Decibels, floorDb: Decibels = meterFloorDb): number => {
	if (!(db > floorDb)) {
		return 0;
	}
	return db >= 0 ? 1 : (db - floorDb) / -floorDb;
};

/** How many of `cells` a level fills (rounded to the nearest cell). */
export const dbToCells = (db: Decibels, cells: number, floorDb: Decibels = meterFloorDb): number =>
	Math.round(dbToFraction(db, floorDb) * cells);

/**
 * The meter bar: `level` cells filled, the peak-hold mark in the cell where the held level ends (when it is
 * beyond the bar), the rest empty. Plain characters, so it reads the same without colour.
 */
export const meterBar = (cells: number, level: Decibels, hold: Decibels, floorDb: Decibels = meterFloorDb): string => {
	const filled = dbToCells(level, cells, floorDb);
	const held = dbToCells(hold, cells, floorDb);
	let bar = '';
	for (let cell = 0; cell < cells; cell++) {
		if (cell < filled) {
			bar += meterGlyphs.filled;
		} else if (cell === held - 1) {
			bar += meterGlyphs.hold;
		} else {
			bar += meterGlyphs.empty;
		}
	}
	return bar;
};

/**
 * Tick labels under a bar of `cells`: each label centred on its cell boundary (the floor's flush left,
 * 0 dB's flush right). The ends are placed first; a middle label that would come within two spaces of
 * another is left out, so narrow meters get fewer labels.
 */
export const scaleLine = (cells: number, ticks: readonly Decibels[] = meterTicksDb, floorDb: Decibels = meterFloorDb): string => {
	const line: string[] = Array.from({length: cells}, () => ' ');
	const taken: boolean[] = Array.from({length: cells}, () => false);
	const order = ticks.length <= 2 ? ticks : [ticks[0]!, ticks.at(-1)!, ...ticks.slice(1, -1)];
	for (const tick of order) {
		const label = String(tick);
		const boundary = dbToCells(tick, cells, floorDb);
		const start = Math.min(cells - label.length, Math.max(0, boundary - Math.floor(label.length / 2)));
		if (start < 0 || taken.slice(Math.max(0, start - 2), start + label.length + 2).some(Boolean)) {
			continue;
		}
		for (let i = 0; i < label.length; i++) {
			line[start + i] = label[i]!;
			taken[start + i] = true;
		}
	}
	return line.join('');
};
