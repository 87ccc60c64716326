import path from 'node:path';
import {Session} from '../session/session.js';
import {sessionLockHolder} from '../session/session-lock.js';
import {repairSession, type RepairReport} from '../session/session-repair.js';
import {transcriptFinished, type TranscriptState} from '../session/transcript-state.js';
import {lazyEngine, type EngineConfig} from './engine-factory.js';
import {TranscriptionQueue, type QueueEvent, type TranscriptionQueueOptions} from './transcription-queue.js';

export type TranscribeSessionOptions = EngineConfig & {
	/** One capture number: it is transcribed again even if it is done. */
	readonly capture?: number;
	/** Every capture, done ones included. @default false: the ones not finished (never run, failed, or cut off) */
	readonly all?: boolean;
	readonly timeoutSeconds?: TranscriptionQueueOptions['timeoutSeconds'];
	readonly copyToClipboard?: boolean;
	readonly onEvent?: (event: QueueEvent) => void;
	/** Told what the repair that runs first did (a capture cut off by a crash is recovered, then transcribed). */
	readonly onRepair?: (report: RepairReport) => void;
};

export type TranscribeSessionResult = {
	readonly dir: string;
	/** The captures that were run, in order, with their final states. */
	readonly captures: ReadonlyArray<{readonly index: number; readonly state: TranscriptState}>;
	/** Captures left cut off (the repair could not mend them): not transcribed, and not done either. */
	readonly unrepaired: readonly number[];
};

/**
 * `omega13 transcribe SESSION [CAPTURE]`: (re-)transcribes a session's captures in order and waits for
 * them. A running omega13 that has the session open owns its manifest, so this refuses to write beside
 * it (that omega13's TUI has a key for the same thing).
 */
export const transcribeSession = async (dir: string, options: TranscribeSessionOptions = {}): Promise<TranscribeSessionResult> => {
	if (typeof dir !== 'string' || dir.length === 0) {
		throw new TypeError('transcribeSession: dir must be a non-empty string');
	}
	const {capture} = options;
	if (capture !== undefined && (!Number.isInteger(capture) || capture < 1)) {
		throw new RangeError(`transcribeSession: capture must be a capture number (1, 2, ...), got ${capture}`);
	}
	const resolved = path.resolve(dir);
	const holder = await sessionLockHolder(resolved);
	if (holder !== undefined) {
		throw new Error(`${resolved} is open in a running omega13 (pid ${holder}): transcribe it from there, or stop that omega13 first`);
	}
	// As a start of omega13 would: a capture a crash cut off is recovered first, so it is transcribed too.
	for (const report of await repairSession(resolved)) {
		options.onRepair?.(report);
	}
	const session = await Session.open(resolved);
	try {
		const records = session.manifest.captures.filter((record) => record.state !== 'recording');
		const unrepaired = session.manifest.captures.filter((record) => record.state === 'recording').map((record) => record.index);
		let chosen: number[];
		if (capture !== undefined) {
			const record = session.manifest.captures.find((candidate) => candidate.index === capture);
			if (record === undefined) {
				throw new RangeError(`there is no capture ${capture} in ${resolved} (it has ${describeIndices(session.manifest.captures.map((entry) => entry.index))})`);
			}
			if (record.state === 'recording') {
				throw new Error(`capture ${capture} in ${resolved} was cut off and could not be repaired (see the repair line above)`);
			}
			chosen = [capture];
		} else {
			chosen = records.filter((record) => options.all === true || !transcriptFinished(record.transcript)).map((record) => record.index);
		}
		const queue = new TranscriptionQueue({
			engine: lazyEngine(options),
			...(options.timeoutSeconds === undefined ? {} : {timeoutSeconds: options.timeoutSeconds}),
			...(options.copyToClipboard === undefined ? {} : {copyToClipboard: options.copyToClipboard}),
			...(options.onEvent === undefined ? {} : {onEvent: options.onEvent}),
		});
		try {
			const states = await Promise.all(chosen.map((index) => queue.enqueue(session, index)));
			return {dir: resolved, captures: chosen.map((index, at) => ({index, state: states[at]!})), unrepaired};
		} finally {
			await queue.dispose();
		}
	} finally {
		await session.dispose();
	}
};

const describeIndices = (indices: readonly number[]): string =>
	indices.length === 0 ? 'no captures' : `captures ${indices.join(', ')}`;
