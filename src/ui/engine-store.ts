import type {EngineSnapshot} from '../engine/engine-snapshot.js';
import type {Store} from '../util/store.js';
import type {PastSessionSummary} from './past-session.js';
import type {SessionView} from './session-view.js';

export type EngineStore = Store<EngineSnapshot>;

/** A JACK output port the picker offers. */
export type PortChoice = {
	/** Full name, e.g. `system:capture_1`. */
	readonly name: string;
	/** A hardware port (JackPortIsPhysical). */
	readonly physical: boolean;
};

/**
 * What the screen asks of the app. Fire-and-forget where the answer shows up in a store anyway;
 * promises where the screen reports the outcome itself (the port picker).
 */
export type EngineCommands = {
	/** Starts a capture, or stops the open one. */
	toggle(): void;
	/** The next capture goes into a new session directory. */
	newSession(): void;
	/** Leaves the app: the open capture is finalized first, nothing is deleted. */
	quit(): void;
	/** The server's output ports (absent when the source has no ports, e.g. the demo). */
	listPorts?(): Promise<readonly PortChoice[]>;
	/** Connects an output port to one of our inputs (full names). */
	connect?(output: string, input: string): Promise<void>;
	disconnect?(output: string, input: string): Promise<void>;
	/** Queues the capture with this number for transcription again (after a failure, or a new model). */
	transcribe?(index: number): void;
	/** Saves the current connections as the default for the next start; resolves to a line to show. */
	rememberInputs?(): Promise<string>;
	/** The sessions on disk, newest first, unreadable ones last. Reads only: the browser changes nothing. */
	listSessions?(): Promise<readonly PastSessionSummary[]>;
	/** A session's captures and transcripts by its id (directory name), read once. */
	openSession?(id: string): Promise<SessionView>;
};
