/**
 * Where a capture's transcription stands, as stored in its manifest record. The transcription side owns
 * the values; the session only keeps them.
 */
export const TranscriptStatus = {
	queued: 'queued',
	running: 'running',
	done: 'done',
	failed: 'failed',
} as const;
export type TranscriptStatus = (typeof TranscriptStatus)[keyof typeof TranscriptStatus];

export type TranscriptState = {
	status: TranscriptStatus;
	/** The whisper model, e.g. `base.en`. */
	model?: string;
	language?: string;
	/** What ran it, e.g. `whisper.cpp 1.7.4`. */
	engine?: string;
	/** Why it failed (or was skipped), for the screen. */
	reason?: string;
	/** ISO 8601 instants. */
	queuedAt?: string;
	startedAt?: string;
	finishedAt?: string;
	elapsedSeconds?: number;
	audioSeconds?: number;
	text?: string;
	/** Transcript files next to the audio, relative to the session directory. */
	files?: {txt?: string; json?: string};
};
