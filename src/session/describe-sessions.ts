import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import type {Seconds} from '../util/units.js';
import {formatDuration, localDateTime} from '../util/time-format.js';
import {wrapLines} from '../util/wrap-lines.js';
import {listSessions, type SessionSummary} from './list-sessions.js';
import {manifestFile, parseManifest, plainFileName, type CaptureRecord, type SessionManifest} from './session-manifest.js';
import {retryFailedLine, TranscriptStatus} from './transcript-state.js';

/** A timed piece of a transcript, in seconds from the start of its capture's audio. */
export type TranscriptSegment = {
	readonly start: Seconds;
	readonly end: Seconds;
	readonly text: string;
};

/** A capture with what is on disk for it. */
export type CaptureDetails = {
	readonly record: CaptureRecord;
	/**
	 * The audio file's name in the session directory: the record's file, or `NNN.flac` / `NNN.opus` when
	 * it was encoded after the record was written; undefined when none is there.
	 */
	readonly audioFile: string | undefined;
	/** The transcript text (from the manifest, else `NNN.txt`), trimmed; undefined when there is none. */
	readonly text: string | undefined;
	/** Timed segments from `NNN.json`, when it has them. */
	readonly segments: readonly TranscriptSegment[] | undefined;
	/** Transcript files that exist, by name (`001.txt`, `001.json`). */
	readonly transcriptFiles: readonly string[];
};

export type SessionDetails = {
	readonly dir: string;
	readonly manifest: SessionManifest;
	readonly captures: readonly CaptureDetails[];
};

/** A session id that names no session, or more than one. */
export class SessionLookupError extends Error {
	override readonly name = 'SessionLookupError';
}

const audioExtensions = ['wav', 'flac', 'opus'];

/**
 * Finds a session under `rootDir` by its full id, a unique prefix of it, or `last` (the newest). Throws a
 * `SessionLookupError` that lists the candidates when there is no match or more than one.
 */
export const findSession = async (rootDir: string, query: string): Promise<SessionSummary> => {
	if (typeof query !== 'string' || query.trim() === '') {
		throw new SessionLookupError('give a session id (or a unique start of one, or "last"); `omega13 sessions` lists them');
	}
	const sessions = await listSessions(rootDir);
	if (sessions.length === 0) {
		throw new SessionLookupError(`there are no sessions in ${rootDir} yet`);
	}
	if (query === 'last') {
		// Oldest first, unreadable ones at the end: the newest readable one, else the last by name.
		return [...sessions].reverse().find((session) => session.error === undefined) ?? sessions.at(-1)!;
	}
	const exact = sessions.find((session) => session.id === query);
	if (exact !== undefined) {
		return exact;
	}
	const matches = sessions.filter((session) => session.id.startsWith(query));
	if (matches.length === 1) {
		return matches[0]!;
	}
	if (matches.length > 1) {
		throw new SessionLookupError(`"${query}" matches ${matches.length} sessions: ${listIds(matches)}; give more of the id`);
	}
	throw new SessionLookupError(`no session "${query}" in ${rootDir}; the newest are: ${listIds(sessions.slice(-5).reverse())} (or say "last")`);
};

const listIds = (sessions: readonly SessionSummary[]): string => {
	const shown = sessions.slice(0, 8).map((session) => session.id);
	return sessions.length > shown.length ? `${shown.join(', ')} and ${sessions.length - shown.length} more` : shown.join(', ');
};

/** Reads a session's manifest and, for each capture, its audio file and transcript. */
export const readSessionDetails = async (dir: string): Promise<SessionDetails> => {
	const manifestPath = path.join(dir, manifestFile);
	const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
	const captures = await Promise.all(manifest.captures.map(async (record) => readCaptureDetails(dir, record)));
	return {dir, manifest, captures};
};

const readCaptureDetails = async (dir: string, record: CaptureRecord): Promise<CaptureDetails> => {
	const base = record.file.replace(/\.[^.]+$/, '');
	let audioFile: string | undefined;
	for (const name of [record.file, ...audioExtensions.map((extension) => `${base}.${extension}`)]) {
		if (await isFile(path.join(dir, name))) {
			audioFile = name;
			break;
		}
	}
	const txtName = plainFileName(record.transcript?.files?.txt) ?? `${base}.txt`;
	const jsonName = plainFileName(record.transcript?.files?.json) ?? `${base}.json`;
	const txt = await readText(path.join(dir, txtName));
	const json = await readText(path.join(dir, jsonName));
	const text = (record.transcript?.text ?? txt)?.trim();
	return {
		record,
		audioFile,
		text: text === undefined || text === '' ? undefined : text,
		segments: json === undefined ? undefined : parseSegments(json),
		transcriptFiles: [...(txt === undefined ? [] : [txtName]), ...(json === undefined ? [] : [jsonName])],
	};
};

/**
 * Segments from a transcript JSON: `{segments: [{start, end, text}]}` in seconds (what our whisper
 * server answers), or whisper.cpp's own `-oj` output, `{transcription: [{offsets: {from, to}, text}]}`
 * in milliseconds. Anything else gives undefined.
 */
export const parseSegments = (json: string): TranscriptSegment[] | undefined => {
	let value: unknown;
	try {
		value = JSON.parse(json);
	} catch {
		return undefined;
	}
	if (typeof value !== 'object' || value === null) {
		return undefined;
	}
	const record = value as Record<string, unknown>;
	const segments: TranscriptSegment[] = [];
	if (Array.isArray(record['segments'])) {
		for (const item of record['segments'] as unknown[]) {
			const {start, end, text} = (item ?? {}) as Record<string, unknown>;
			if (typeof text !== 'string') {
				continue;
			}
			if (typeof start !== 'number' || typeof end !== 'number' || !Number.isFinite(start) || !(end >= start)) {
				// An engine without times for some of what it heard: timing only the rest would drop text.
				return undefined;
			}
			segments.push({start, end, text: text.trim()});
		}
		return segments;
	}
	if (Array.isArray(record['transcription'])) {
		for (const item of record['transcription'] as unknown[]) {
			const {offsets, text} = (item ?? {}) as {offsets?: {from?: unknown; to?: unknown}; text?: unknown};
			const from = offsets?.from;
			const to = offsets?.to;
			if (typeof from === 'number' && typeof to === 'number' && typeof text === 'string' && to >= from) {
				segments.push({start: from / 1000, end: to / 1000, text: text.trim()});
			}
		}
		return segments;
	}
	return undefined;
};

/** Transcript counts of a session. */
export type TranscriptCounts = {readonly done: number; readonly failed: number; readonly pending: number};

export const countTranscripts = (captures: readonly CaptureRecord[]): TranscriptCounts => {
	let done = 0;
	let failed = 0;
	let pending = 0;
	for (const capture of captures) {
		const status = capture.transcript?.status;
		if (status === TranscriptStatus.done || status === TranscriptStatus.noSpeech) {
			done++;
		} else if (status === TranscriptStatus.failed) {
			failed++;
		} else if (status === TranscriptStatus.queued || status === TranscriptStatus.running) {
			pending++;
		}
	}
	return {done, failed, pending};
};

/** `omega13 sessions`: one line per session, oldest first. */
export const describeSessionList = async (rootDir: string): Promise<string> => {
	const sessions = await listSessions(rootDir);
	if (sessions.length === 0) {
		return `No sessions in ${rootDir} yet.`;
	}
	const rows: string[][] = [['ID', 'DATE', 'CAPTURES', 'LENGTH', 'TRANSCRIPTS']];
	for (const session of sessions) {
		if (session.error !== undefined) {
			rows.push([session.id, 'unreadable', '-', '-', `${session.error} (start omega13 once to repair it)`]);
			continue;
		}
		let transcripts = '-';
		try {
			const manifest = parseManifest(await readFile(path.join(session.dir, manifestFile), 'utf8'), manifestFile);
			transcripts = formatCounts(countTranscripts(manifest.captures));
		} catch {
			// Changed under us since it was listed: the list still shows what it had.
		}
		rows.push([session.id, localDateTime(new Date(session.createdAt)).slice(0, 16), String(session.captures), formatDuration(session.totalSeconds), transcripts]);
	}
	const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (column === 4 ? 0 : row[column]!.length))));
	const rightAligned = new Set([2, 3]);
	return rows
		.map((row) =>
			row
				.map((cell, column) => (column === 4 ? cell : rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
};

/** `omega13 sessions show ID`: the session and each capture with its transcript. */
export const describeSession = async (rootDir: string, query: string): Promise<string> => {
	const summary = await findSession(rootDir, query);
	if (summary.error !== undefined) {
		throw new SessionLookupError(`session ${summary.id} cannot be read: ${summary.error} (start omega13 once to repair it)`);
	}
	const {manifest, captures} = await readSessionDetails(summary.dir);
	const counts = countTranscripts(manifest.captures);
	const total = manifest.captures.reduce((sum, capture) => sum + capture.durationSeconds, 0);
	const lines = [
		`Session ${manifest.id}`,
		`  Directory  ${summary.dir}`,
		`  Created    ${localDateTime(new Date(manifest.createdAt))}`,
		`  Captures   ${manifest.captures.length}, ${formatDuration(total)} in all; transcripts: ${formatCounts(counts)}`,
	];
	for (const capture of captures) {
		const {record} = capture;
		const format = `${record.sampleRate} Hz, ${record.channels} ch, ${record.sampleFormat}`;
		const state = record.state === 'complete' ? '' : `  (${record.state})`;
		lines.push('', `${capture.audioFile ?? `${record.file} (missing)`}  ${localDateTime(new Date(record.startedAt)).slice(11)}  ${formatDuration(record.durationSeconds)}  ${format}${state}`);
		lines.push(...transcriptLines(capture).map((line) => `    ${line}`));
	}
	return lines.join('\n');
};

const transcriptLines = (capture: CaptureDetails): string[] => {
	const transcript = capture.record.transcript;
	const model = transcript?.model === undefined ? '' : ` (${transcript.model})`;
	switch (transcript?.status) {
		case undefined: {
			return capture.text === undefined ? ['no transcript'] : wrapLines(capture.text, 96);
		}
		case 'queued':
		case 'running': {
			return [`transcript ${transcript.status}${model}`];
		}
		case 'failed': {
			return [`transcript failed${model}: ${transcript.reason ?? 'no reason given'}`];
		}
		case 'done': {
			const retry = transcript.retry?.status === 'failed' ? [retryFailedLine(transcript.retry.reason)] : [];
			return [...(capture.text === undefined ? [`transcript done${model}: no speech found`] : wrapLines(capture.text, 96)), ...retry];
		}
		case 'no speech': {
			return [`no speech (Silero VAD heard none; Whisper was not run)`];
		}
	}
};

/** `2 done, 1 failed` (`, 1 pending` when some are still queued or running); `none` when there are none. */
export const formatCounts = ({done, failed, pending}: TranscriptCounts): string => {
	if (done + failed + pending === 0) {
		return 'none';
	}
	return `${done} done, ${failed} failed${pending > 0 ? `, ${pending} pending` : ''}`;
};


const isFile = async (file: string): Promise<boolean> => {
	try {
		return (await stat(file)).isFile();
	} catch {
		return false;
	}
};

const readText = async (file: string): Promise<string | undefined> => {
	try {
		return await readFile(file, 'utf8');
	} catch {
		return undefined;
	}
};
