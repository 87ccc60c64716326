import type {Seconds} from '../util/units.js';

/**
 * The hierarchical buffer's second tier: speech captures the voice trigger made, waiting for (or in)
 * transcription, capped in count and in seconds so a stalled or slow engine never lets the backlog grow
 * without bound. Captures made by hand are never in it: a person asked for those.
 */
export type SpeechQueueLimits = {
	readonly maxSegments: number;
	readonly maxSeconds: Seconds;
};

export type HeldSpeech = {
	readonly salience: number;
	readonly seconds: Seconds;
	/** Being transcribed: it stays (its work is under way), but it counts. */
	readonly running: boolean;
};

/** What the TUI and `status` show of the queue. */
export type SpeechQueueStats = {
	readonly segments: number;
	readonly seconds: Seconds;
	readonly evictions: number;
	readonly limits: SpeechQueueLimits;
};

export const describeLimits = ({maxSegments, maxSeconds}: SpeechQueueLimits): string =>
	`${maxSegments} segment${maxSegments === 1 ? '' : 's'} / ${maxSeconds} s`;

/** The queue in a few words, for the TUI's status line and `omega13 status`. */
export const describeSpeechQueue = ({segments, seconds, evictions, limits}: SpeechQueueStats): string =>
	`speech queue ${segments}/${limits.maxSegments} (${Math.round(seconds)} of ${limits.maxSeconds} s)` + (evictions > 0 ? `, ${evictions} evicted` : '');

const over = (held: readonly HeldSpeech[], limits: SpeechQueueLimits): boolean =>
	held.length > limits.maxSegments || held.reduce((total, item) => total + item.seconds, 0) > limits.maxSeconds + 1e-9;

/**
 * The segments to evict, lowest salience first, until what is held fits the limits. On a tie the later
 * arrival goes (the earlier one has waited longer). A lone segment is never evicted, even one longer
 * than the seconds cap: there is nothing less salient to make room with.
 */
export const chooseEvictions = <T extends HeldSpeech>(held: readonly T[], limits: SpeechQueueLimits): T[] => {
	const kept = [...held];
	const evicted: T[] = [];
	while (kept.length > 1 && over(kept, limits)) {
		let lowest = -1;
		for (let i = 0; i < kept.length; i++) {
			const item = kept[i]!;
			if (!item.running && (lowest === -1 || item.salience <= kept[lowest]!.salience)) {
				lowest = i;
			}
		}
		if (lowest === -1) {
			break;
		}
		evicted.push(...kept.splice(lowest, 1));
	}
	return evicted;
};
