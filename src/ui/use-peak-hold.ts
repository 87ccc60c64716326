import {useRef} from 'react';
import type {ChannelLevel} from '../engine/engine-snapshot.js';
import type {EpochMs} from '../util/units.js';
import {nextPeakHold, type PeakHold, type PeakHoldOptions} from './peak-hold.js';

/**
 * Peak-hold marks for each channel, carried from render to render. Computing them during render is safe
 * because `nextPeakHold` is idempotent for the same reading and time (React may render twice).
 */
export const usePeakHold = (levels: readonly ChannelLevel[], now: EpochMs, options?: PeakHoldOptions): readonly PeakHold[] => {
	const marks = useRef<{levels: readonly ChannelLevel[]; now: EpochMs; holds: readonly PeakHold[]}>(undefined);
	const last = marks.current;
	if (last?.levels === levels && last.now === now) {
		return last.holds;
	}
	const holds = levels.map((level, channel) => nextPeakHold(last?.holds[channel], level.peak, level.clipped, now, options));
	marks.current = {levels, now, holds};
	return holds;
};
