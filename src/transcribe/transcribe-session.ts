import path from 'node:path';
import {Session} from '../session/session.js';
import type {SessionManifest} from '../session/session-manifest.js';
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
 * it (the command asks that omega13 over its control socket instead).
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
		const unrepaired = session.manifest.captures.filter((record) => record.state === 'recording').map((record) => record.index);
		const chosen = chooseCaptures(session.manifest, resolved, options, 'was cut off and could not be repaired (see the repair line above)');
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

/**
 * The captures `transcribe` runs: the one named (even if done), else every one not finished (never run,
 * failed, or cut off), or all with `all`. A capture still in `recording` is never run; naming one is an
 * error that says `recordingWhy`.
 */
export const chooseCaptures = (
	manifest: SessionManifest,
	dir: string,
	{capture, all}: {readonly capture?: number; readonly all?: boolean},
	recordingWhy: string,
): number[] => {
	if (capture === undefined) {
		return manifest.captures
			.filter((record) => record.state !== 'recording' && (all === true || !transcriptFinished(record.transcript)))
			.map((record) => record.index);
	}
	const record = manifest.captures.find((candidate) => candidate.index === capture);
	if (record === undefined) {
		throw new RangeError(`there is no capture ${capture} in ${dir} (it has ${describeIndices(manifest.captures.map((entry) => entry.index))})`);
	}
	if (record.state === 'recording') {
		throw new Error(`capture ${capture} in ${dir} ${recordingWhy}`);
	}
	return [capture];
};

/** What `transcribe` says when every capture is done already. */
export const nothingToTranscribe = (dir: string): string => `nothing to transcribe in ${dir}: every capture is done (name one, or "all", to redo it)`;

const describeIndices = (indices: readonly number[]): string =>
	indices.length === 0 ? 'no captures' : `captures ${indices.join(', ')}`;
