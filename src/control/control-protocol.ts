import path from 'node:path';
import type {ArchiveStatus} from '../archive/archiver.js';
import type {EngineSnapshot} from '../engine/engine-snapshot.js';
import type {PersistStatus} from '../persist/persister.js';
import type {TranscriptState} from '../session/transcript-state.js';
import type {Keep} from '../session/keep-mode.js';
import type {SpeechQueueStats} from '../transcribe/speech-queue.js';

/**
 * The control socket speaks one JSON object per line each way: a request, then its response.
 * Line-delimited JSON keeps `socat`/`nc -U` usable for debugging.
 */
export const ControlCommand = {
	toggle: 'toggle',
	start: 'start',
	stop: 'stop',
	status: 'status',
	saveLast: 'save-last',
	inputsSave: 'inputs-save',
	/** (Re-)transcribe captures of a session the instance has open; answered when they are settled. */
	transcribe: 'transcribe',
} as const;
export type ControlCommand = (typeof ControlCommand)[keyof typeof ControlCommand];

export type ControlRequest = {
	readonly command: ControlCommand;
	/** With `save-last`: how many of the latest seconds to save. */
	readonly seconds?: number;
} & Partial<TranscribeRequest>;

/** With `transcribe`: which session (its directory), and one capture or all of them (default: the unfinished). */
export type TranscribeRequest = {
	readonly session: string;
	readonly capture?: number;
	readonly all?: boolean;
};

/** A `transcribe` request's fields, checked; or why they are not usable. */
export const transcribeRequest = (request: Record<string, unknown>): TranscribeRequest | string => {
	const {session, capture, all} = request;
	if (typeof session !== 'string' || !path.isAbsolute(session)) {
		return 'bad request: transcribe needs "session", the absolute path of a session directory';
	}
	if (capture !== undefined && (typeof capture !== 'number' || !Number.isInteger(capture) || capture < 1)) {
		return 'bad request: "capture" must be a capture number (1 for 001.wav)';
	}
	if (all !== undefined && typeof all !== 'boolean') {
		return 'bad request: "all" must be true or false';
	}
	return {session, ...(capture === undefined ? {} : {capture}), ...(all === undefined ? {} : {all})};
};

/** How much `save-last` may ask for, the same from the command line and over the socket. */
export const saveLastSeconds = {min: 0.1, max: 1800} as const;

/** What is wrong with a `save-last` length (`given` as it was typed or sent), or undefined when it is good. */
export const saveLastProblem = (seconds: number | undefined, given: string): string | undefined =>
	seconds !== undefined && seconds >= saveLastSeconds.min && seconds <= saveLastSeconds.max
		? undefined
		: `save-last SECONDS must be a number from ${saveLastSeconds.min} to ${saveLastSeconds.max}, got ${given}`;

/** What `status` reports: the engine snapshot without the per-frame meters, plus identity. */
export type StatusReport = {
	readonly pid: number;
	readonly jackName: string;
	readonly state: 'idle' | 'recording' | 'stopped';
	readonly source: EngineSnapshot['source'];
	readonly bufferSeconds: number;
	readonly bufferFilledSeconds: number;
	readonly capture: EngineSnapshot['capture'];
	readonly lastCapture: EngineSnapshot['lastCapture'];
	readonly lastRefusal: EngineSnapshot['lastRefusal'];
	/** A capture that failed or was cut short (a full disk), until one is saved whole again. */
	readonly lastFailure?: EngineSnapshot['lastFailure'];
	readonly sessionDir: string | undefined;
	readonly xruns: number;
	readonly droppedFrames: number;
	/** The HTTP API, persistence and archive, when they run (see app/audio-services.ts). */
	readonly api?: {readonly url: string} | undefined;
	readonly persist?: PersistStatus | undefined;
	readonly archive?: ArchiveStatus | undefined;
	/** What captures leave: `audio`, or `transcript` (their audio is deleted once transcribed). */
	readonly keep?: Keep | undefined;
	/** The voice trigger's state (`--trigger voice|both`): listening, checking, speech, hangover. */
	readonly voice?: string | undefined;
	/** The speech queue (voice captures waiting for transcripts), with the voice trigger on. */
	readonly speechQueue?: SpeechQueueStats | undefined;
};

/** A `transcribe` answer: each capture run, with its final state. */
type Transcripts = {readonly transcripts?: ReadonlyArray<{readonly index: number; readonly state: TranscriptState}>};

export type ControlResponse =
	| ({readonly ok: true; readonly message: string; readonly status: StatusReport} & Transcripts)
	| ({readonly ok: false; readonly message: string; readonly status?: StatusReport} & Transcripts);

/** The socket for the instance with this JACK client name, inside the private runtime dir. */
export const controlSocketPath = (runtimeDir: string, jackName: string): string =>
	path.join(runtimeDir, `${jackName.replaceAll(/[^\w.-]/g, '_')}.sock`);

export const isControlCommand = (value: unknown): value is ControlCommand =>
	typeof value === 'string' && Object.values(ControlCommand).includes(value as ControlCommand);
