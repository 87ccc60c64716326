import type {Seconds} from '../util/units.js';

/** How a session's transcripts stand. */
export type TranscriptCounts = {
	readonly done: number;
	readonly failed: number;
	/** Queued or running. */
	readonly pending: number;
};

/** A line of the past-sessions list. */
export type PastSessionSummary = {
	/** The session directory's name, e.g. `2025-11-23_14-05-09`: what `openSession` takes. */
	readonly id: string;
	readonly dir: string;
	/** ISO 8601; '' when the manifest is unreadable. */
	readonly createdAt: string;
	readonly captures: number;
	readonly totalSeconds: Seconds;
	readonly transcripts: TranscriptCounts;
	/** Why the manifest cannot be read; the counts are then 0 and the session cannot be opened. */
	readonly error?: string;
};
