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
	/**
	 * A later attempt that has not (yet) replaced this finished transcript: queued, running, or failed
	 * with its reason. The transcript it sits beside stays in force until an attempt succeeds.
	 */
	retry?: TranscriptAttempt;
};

/** A transcription attempt made beside a finished transcript (see `TranscriptState.retry`). */
export type TranscriptAttempt = Pick<TranscriptState, 'model' | 'language' | 'engine' | 'reason' | 'queuedAt' | 'startedAt' | 'finishedAt'> & {
	status: Exclude<TranscriptStatus, 'done' | 'no speech'>;
};

/** A transcription that needs no retry: done, or no speech to transcribe. */
export const transcriptFinished = (state: Pick<TranscriptState, 'status'> | undefined): boolean =>
	state?.status === TranscriptStatus.done || state?.status === TranscriptStatus.noSpeech;

/**
 * The state to store when an attempt reaches `next`: a finished attempt replaces what was there; an
 * unfinished or failed one never hides a finished transcript, it is recorded beside it as `retry`.
 */
export const keepFinishedTranscript = (previous: TranscriptState | undefined, next: TranscriptState): TranscriptState => {
	if (transcriptFinished(next) || previous === undefined || !transcriptFinished(previous)) {
		return next;
	}
	const {retry: _old, ...good} = previous;
	const {model, language, engine, reason, queuedAt, startedAt, finishedAt} = next;
	const retry = Object.fromEntries(
		Object.entries({status: next.status, model, language, engine, reason, queuedAt, startedAt, finishedAt}).filter(([, value]) => value !== undefined),
	) as TranscriptAttempt;
	return {...good, retry};
};

/** A failed retry, said beside the transcript it left in force. */
export const retryFailedLine = (reason: string | undefined): string =>
	`a later transcription failed (${reason ?? 'no reason given'}); this transcript is kept`;
