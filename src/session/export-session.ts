import {constants} from 'node:fs';
import {copyFile, lstat, mkdir, open, unlink} from 'node:fs/promises';
import path from 'node:path';
import {plainLines} from '../util/plain-text.js';
import type {Seconds} from '../util/units.js';
import {renderSessionTranscript} from './session-transcript.js';
import {
	findSession,
	readSessionDetails,
	SessionLookupError,
	type CaptureDetails,
	type SessionDetails,
} from './describe-sessions.js';
import {exportFormats, type ExportFormat} from './file-formats.js';
import {sessionLockHolder} from './session-lock.js';

export type ExportOptions = {
	/** The directory to copy into (made, mode 0700, if missing). */
	readonly to: string;
	/** @default 'md' */
	readonly format?: ExportFormat;
};

export type ExportResult = {
	readonly sessionId: string;
	readonly dir: string;
	/** Files written in `dir`, by name: the audio, the transcript files, then the document. */
	readonly files: readonly string[];
	/** Why some captures were left out, one line each. */
	readonly skipped: readonly string[];
};

/**
 * `omega13 sessions export ID --to DIR --format md|json|srt`: copies each capture's audio and transcript
 * files into DIR and writes the session's text as one document. Never overwrites: if any file it would
 * write is already in DIR it writes nothing and says which. A capture still being recorded by a running
 * omega13 is left out.
 */
export const exportSession = async (rootDir: string, query: string, options: ExportOptions): Promise<ExportResult> => {
	if (typeof options?.to !== 'string' || options.to.trim() === '') {
		throw new TypeError('exportSession: to must name a directory');
	}
	const format = options.format ?? 'md';
	if (!exportFormats.includes(format)) {
		throw new TypeError(`exportSession: format must be one of ${exportFormats.join(', ')}, got ${String(format)}`);
	}
	const summary = await findSession(rootDir, query);
	if (summary.error !== undefined) {
		throw new SessionLookupError(`session ${summary.id} cannot be read: ${summary.error} (start omega13 once to repair it)`);
	}
	const details = await readSessionDetails(summary.dir);
	const live = (await sessionLockHolder(summary.dir)) !== undefined;
	const skipped: string[] = [];
	const included: CaptureDetails[] = [];
	for (const capture of details.captures) {
		if (live && capture.record.state === 'recording') {
			skipped.push(`${capture.record.file}: still being recorded`);
		} else if (capture.audioFile === undefined) {
			skipped.push(`${capture.record.file}: the audio file is missing`);
			included.push(capture);
		} else {
			included.push(capture);
		}
	}
	const copies = included.flatMap((capture) => [...(capture.audioFile === undefined ? [] : [capture.audioFile]), ...capture.transcriptFiles]);
	const documentName = `${details.manifest.id}.${format}`;
	const target = path.resolve(options.to);
	const taken: string[] = [];
	for (const name of [...copies, documentName]) {
		if (await exists(path.join(target, name))) {
			taken.push(name);
		}
	}
	if (taken.length > 0) {
		const shown = taken.length > 5 ? `${taken.slice(0, 5).join(', ')} and ${taken.length - 5} more` : taken.join(', ');
		throw new Error(`${target} already has ${shown}; nothing was exported (choose another --to directory, or move those away)`);
	}
	await mkdir(target, {recursive: true, mode: 0o700});
	const written: string[] = [];
	for (const name of copies) {
		// EXCL: a file that appeared since the check above is still not overwritten.
		await copyFile(path.join(summary.dir, name), path.join(target, name), constants.COPYFILE_EXCL);
		written.push(name);
	}
	const sessionForDocument: SessionDetails = {...details, captures: included};
	const document = format === 'md' ? toMarkdown(sessionForDocument) : format === 'json' ? toJson(sessionForDocument) : toSrt(sessionForDocument);
	await writeNew(path.join(target, documentName), document);
	written.push(documentName);
	return {sessionId: details.manifest.id, dir: target, files: written, skipped};
};

/** Where each capture starts, in seconds from the session's first capture. */
const captureOffsets = (captures: readonly CaptureDetails[]): Seconds[] => {
	const starts = captures.map((capture) => Date.parse(capture.record.startedAt));
	const first = Math.min(...starts);
	return starts.map((start) => (start - first) / 1000);
};

/** The same document as the session's own `transcript.md`, for the captures exported (texts from their files). */
export const toMarkdown = ({manifest, captures}: SessionDetails): string =>
	renderSessionTranscript({
		...manifest,
		captures: captures.map(({record, text}) => (record.transcript === undefined || text === undefined ? record : {...record, transcript: {...record.transcript, text}})),
	});

export const toJson = ({manifest, captures}: SessionDetails): string => {
	const offsets = captureOffsets(captures);
	const value = {
		...manifest,
		captures: captures.map((capture, i) => ({
			...capture.record,
			audioFile: capture.audioFile ?? null,
			offsetSeconds: offsets[i],
			text: capture.text ?? null,
			segments: capture.segments ?? null,
		})),
	};
	// Every string, the transcript's and the file names alike, without control characters.
	return `${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? plainLines(item) : item), '\t')}\n`;
};

/**
 * One cue per transcript segment, or one per capture spanning it when there are no segments. Times run
 * from the first sample of the session's first capture by the wall clock, so the time between captures
 * stays in the subtitles as it was in the session.
 */
export const toSrt = ({captures}: SessionDetails): string => {
	const offsets = captureOffsets(captures);
	const cues: Array<{start: Seconds; end: Seconds; text: string}> = [];
	for (const [i, capture] of captures.entries()) {
		const offset = offsets[i]!;
		const segments = capture.segments?.filter((segment) => segment.text !== '');
		if (segments !== undefined && segments.length > 0) {
			for (const segment of segments) {
				cues.push({start: offset + segment.start, end: offset + Math.min(segment.end, capture.record.durationSeconds), text: segment.text});
			}
		} else if (capture.text !== undefined) {
			cues.push({start: offset, end: offset + capture.record.durationSeconds, text: capture.text});
		}
	}
	return cues.map((cue, i) => `${i + 1}\n${srtTime(cue.start)} --> ${srtTime(Math.max(cue.start, cue.end))}\n${plainLines(cue.text)}\n`).join('\n');
};

/** `01:02:03,456`. */
export const srtTime = (seconds: Seconds): string => {
	const ms = Math.max(0, Math.round(seconds * 1000));
	const two = (value: number): string => String(value).padStart(2, '0');
	return `${two(Math.floor(ms / 3_600_000))}:${two(Math.floor(ms / 60_000) % 60)}:${two(Math.floor(ms / 1000) % 60)},${String(ms % 1000).padStart(3, '0')}`;
};

const writeNew = async (file: string, text: string): Promise<void> => {
	const handle = await open(file, 'wx', 0o600);
	try {
		await handle.writeFile(text);
	} catch (error) {
		await handle.close().catch(() => undefined);
		await unlink(file).catch(() => undefined);
		throw error;
	}
	await handle.close();
};

const exists = async (file: string): Promise<boolean> => {
	try {
		await lstat(file);
		return true;
	} catch {
		return false;
	}
};
