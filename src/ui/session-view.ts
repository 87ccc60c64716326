import type {Seconds} from '../util/units.js';
import type {Store} from '../util/store.js';

/** A capture's transcript as far as it has got. */
export type TranscriptView = {
	/** e.g. `pending`, `running`, `done`, `failed`; shown as is. */
	readonly status: string;
	readonly text?: string;
	/** Why it failed or was skipped. */
	readonly reason?: string;
};

/** One row of the session panel (a capture's record in session.json). */
export type CaptureView = {
	/** 1-based capture number (001.wav is 1). */
	readonly index: number;
	/** File name inside the session directory, e.g. `001.wav`. */
	readonly file: string;
	/** ISO 8601 time of the first sample. */
	readonly startedAt: string;
	readonly durationSeconds: Seconds;
	/** e.g. `recording`, `complete`, `repaired`; shown as is. */
	readonly state: string;
	readonly transcript?: TranscriptView;
};

export type SessionView = {
	/** The session directory, once the first capture made it. */
	readonly dir: string | undefined;
	/** Oldest first. */
	readonly captures: readonly CaptureView[];
};

export type SessionStore = Store<SessionView>;
