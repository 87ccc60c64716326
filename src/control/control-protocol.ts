import path from 'node:path';
import type {ArchiveStatus} from '../archive/archiver.js';
import type {EngineSnapshot} from '../engine/engine-snapshot.js';
import type {PersistStatus} from '../persist/persister.js';

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
} as const;
export type ControlCommand = (typeof ControlCommand)[keyof typeof ControlCommand];

export type ControlRequest = {
	readonly command: ControlCommand;
	/** With `save-last`: how many of the latest seconds to save. */
	readonly seconds?: number;
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
	/** The voice trigger's state (`--trigger voice|both`): listening, checking, speech, hangover. */
	readonly voice?: string | undefined;
};

export type ControlResponse =
	| {readonly ok: true; readonly message: string; readonly status: StatusReport}
	| {readonly ok: false; readonly message: string; readonly status?: StatusReport};

/** The socket for the instance with this JACK client name, inside the private runtime dir. */
export const controlSocketPath = (runtimeDir: string, jackName: string): string =>
	path.join(runtimeDir, `${jackName.replaceAll(/[^\w.-]/g, '_')}.sock`);

export const isControlCommand = (value: unknown): value is ControlCommand =>
	typeof value === 'string' && Object.values(ControlCommand).includes(value as ControlCommand);
