import path from 'node:path';
import type {EngineSnapshot} from '../engine/engine-snapshot.js';
import type {EpochMs} from '../util/units.js';
import {formatElapsed} from '../util/time-format.js';
import {formatIndex, formatSeconds} from './format.js';

/** What the state banner shows. Pure: derived from a snapshot and the clock. */
export const StateKind = {
	recording: 'recording',
	blocked: 'blocked',
	/** A capture failed or was cut short (a full disk): until one is saved whole again. */
	failed: 'failed',
	noServer: 'no-server',
	sourceStopped: 'source-stopped',
	demo: 'demo',
	file: 'file',
	idle: 'idle',
} as const;
export type StateKind = (typeof StateKind)[keyof typeof StateKind];

export type StateView = {
	readonly kind: StateKind;
	/** The big word(s): `RECORDING`, `BLOCKED`, ... */
	readonly label: string;
	/** Beside the label: elapsed time, the refusal's reason, ... */
	readonly summary: string;
	/** The line under it: what it means or what to do. */
	readonly detail: string;
};

export type StateViewOptions = {
	/** How long a refused trigger keeps the banner on BLOCKED. @default 10000 */
	readonly refusalShownMs?: number;
};

export const noServerAdvice = 'start the JACK server (jackd, QjackCtl, or PipeWire\'s JACK); omega13 rejoins it by itself';

/**
 * The banner's state, most urgent first: a running capture, then a server that went away, then a refused
 * trigger (for a while), then which source is idle.
 */
export const describeState = (snapshot: EngineSnapshot, now: EpochMs, options: StateViewOptions = {}): StateView => {
	const {capture, source, lastRefusal, lastFailure} = snapshot;
	const keep = `the last ${formatSeconds(snapshot.bufferSeconds)} s`;
	const sourceNote = source.kind === 'demo' ? ' · demo source' : source.kind === 'file' ? ' · file source' : '';
	if (capture.kind === 'recording') {
		const preroll = capture.prerollFrames / source.sampleRate;
		return {
			kind: StateKind.recording,
			label: 'RECORDING',
			summary: formatElapsed(capture.frames / source.sampleRate),
			detail: `capture ${formatIndex(capture.index)} · started with ${preroll.toFixed(1)} s of pre-roll · space stops it${sourceNote}`,
		};
	}
	if (source.status === 'stopped') {
		if (source.kind === 'jack') {
			return {
				kind: StateKind.noServer,
				label: 'NO JACK SERVER',
				summary: source.message ?? 'the JACK server went away',
				detail: noServerAdvice,
			};
		}
		return {
			kind: StateKind.sourceStopped,
			label: 'SOURCE STOPPED',
			summary: source.message ?? `the ${source.kind} source stopped`,
			detail: 'the captures so far are saved; restart omega13 to record again',
		};
	}
	const refusalShownMs = options.refusalShownMs ?? 10_000;
	if (lastRefusal !== undefined && now - lastRefusal.at < refusalShownMs) {
		return {
			kind: StateKind.blocked,
			label: 'BLOCKED',
			summary: lastRefusal.reason,
			detail: 'nothing was recorded · space tries again',
		};
	}
	if (lastFailure !== undefined) {
		return {
			kind: StateKind.failed,
			label: snapshot.lastCapture?.ended === undefined ? 'CAPTURE FAILED' : `CAPTURE ENDED: ${snapshot.lastCapture.ended.toUpperCase()}`,
			summary: lastFailure.reason,
			detail: `the ring keeps ${keep} · space records again once the cause is fixed`,
		};
	}
	if (source.kind === 'demo') {
		return {
			kind: StateKind.demo,
			label: 'DEMO SOURCE',
			summary: 'playing the built-in demo clip, not a microphone',
			detail: `space captures ${keep} · omega13 --source jack records from JACK`,
		};
	}
	if (source.kind === 'file') {
		return {
			kind: StateKind.file,
			label: 'FILE SOURCE',
			summary: `replaying ${path.basename(source.name)}`,
			detail: `space captures ${keep}`,
		};
	}
	return {
		kind: StateKind.idle,
		label: 'IDLE',
		summary: `keeping ${keep}`,
		detail: `space captures ${keep} and keeps recording until space again`,
	};
};
