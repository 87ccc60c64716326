import type {Decibels, EpochMs} from '../util/units.js';

/** The highest recent peak of one channel, as a meter's hold mark shows it. Pure state: no React, no Ink. */
export type PeakHold = {
	/** The peak that set the mark. */
	readonly db: Decibels;
	/** When it was set. */
	readonly heldAt: EpochMs;
	/** The last time the channel clipped. */
	readonly clippedAt: EpochMs | undefined;
};

export type PeakHoldOptions = {
	/** How long a peak stays put before it starts to fall. @default 1500 */
	readonly holdMs?: number;
	/** How fast it falls afterwards. @default 20 */
	readonly decayDbPerSecond?: number;
	/** How long the clip mark stays lit after the last clip. @default 2000 */
	readonly clipHoldMs?: number;
};

const defaults = {holdMs: 1500, decayDbPerSecond: 20, clipHoldMs: 2000} as const;

/** The mark's level at `now`: the peak, then falling linearly once the hold time is over. */
export const heldLevel = (hold: PeakHold, now: EpochMs, options: PeakHoldOptions = {}): Decibels => {
	const holdMs = options.holdMs ?? defaults.holdMs;
	const decay = options.decayDbPerSecond ?? defaults.decayDbPerSecond;
	const falling = Math.max(0, now - hold.heldAt - holdMs);
	return hold.db - (falling / 1000) * decay;
};

/**
 * The next mark after a meter reading: a peak at or above the (falling) mark resets it. Applying the same
 * reading twice at the same `now` gives the same mark, so a render may compute it without side effects.
 */
export const nextPeakHold = (
	previous: PeakHold | undefined,
	peak: Decibels,
	clipped: boolean,
	now: EpochMs,
	options: PeakHoldOptions = {},
): PeakHold => {
	const clippedAt = clipped ? now : previous?.clippedAt;
	if (previous === undefined || peak >= heldLevel(previous, now, options)) {
		return {db: peak, heldAt: now, clippedAt};
	}
	return clippedAt === previous.clippedAt ? previous : {...previous, clippedAt};
};

/** Whether the clip mark is lit at `now`. */
export const clipLit = (hold: PeakHold, now: EpochMs, options: PeakHoldOptions = {}): boolean =>
	hold.clippedAt !== undefined && now - hold.clippedAt < (options.clipHoldMs ?? defaults.clipHoldMs);
