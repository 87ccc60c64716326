/**
 * Where a capture's transcription stands, as stored in its manifest record. The transcription side owns
 * the values; the session only keeps them.
 */
export const TranscriptStatus = {
	queued: 'queued',
	running: 'running',
	done: 'done',
	/** Silero VAD heard no speech, so Whisper was not run (not a failure). */
	noSpeech: 'no speech',
	failed: 'failed',
} as const;
export type TranscriptStatus = (typeof TranscriptStatus)[keyof typeof TranscriptStatus];

export type TranscriptState = {
	status: TranscriptStatus;
	/** The whisper model, e.g. `base.en`. */
	model?: string;
	language?: string;
	/** What ran it, e.g. `whisper.cpp 1.9.3 (kept loaded)`. */
	engine?: string;
	/** The VAD model that screened the capture (`silero-v6.2.0`), or `off`. */
	vad?: string;
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

/** A transcription that needs no retry: done, or no speech to transcribe. */
export const transcriptFinished = (state: Pick<TranscriptState, 'status'> | undefined): boolean =>
	state?.status === TranscriptStatus.done || state?.status === TranscriptStatus.noSpeech;
