import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {countTranscripts, readSessionDetails, type CaptureDetails} from '../session/describe-sessions.js';
import {listSessions, type SessionSummary} from '../session/list-sessions.js';
import {ManifestError, manifestFile, parseManifest} from '../session/session-manifest.js';
import type {EngineCommands} from '../ui/engine-store.js';
import type {PastSessionSummary, TranscriptCounts} from '../ui/past-session.js';
import type {CaptureView, SessionView} from '../ui/session-view.js';

export type PastSessionCommands = Required<Pick<EngineCommands, 'listSessions' | 'openSession'>>;

const noTranscripts: TranscriptCounts = {done: 0, failed: 0, pending: 0};

/**
 * The session browser's reads of the sessions under `sessionsRoot`. Nothing here writes: a session is
 * read whole when it is opened, and the live one (whose manifest is replaced atomically) reads the same.
 */
export const pastSessionCommands = (sessionsRoot: string): PastSessionCommands => {
	if (typeof sessionsRoot !== 'string' || sessionsRoot.length === 0) {
		throw new TypeError('pastSessionCommands: sessionsRoot must be a non-empty string');
	}
	return {
		listSessions: async () => newestFirst(await Promise.all((await listSessions(sessionsRoot)).map(summarize))),
		openSession: async id => openSession(sessionsRoot, id),
	};
};

/** `listSessions` reads each manifest for its totals; the transcript counts need the records too. */
const summarize = async (summary: SessionSummary): Promise<PastSessionSummary> => {
	const manifestPath = path.join(summary.dir, manifestFile);
	const base = {
		id: path.basename(summary.dir),
		dir: summary.dir,
		createdAt: summary.createdAt,
		captures: summary.captures,
		totalSeconds: summary.totalSeconds,
	};
	if (summary.error !== undefined) {
		return {...base, transcripts: noTranscripts, error: withoutPath(summary.error, manifestPath)};
	}
	try {
		const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
		return {...base, transcripts: countTranscripts(manifest.captures)};
	} catch (error) {
		// Damaged (or removed) between the two reads.
		return {...base, createdAt: '', captures: 0, totalSeconds: 0, transcripts: noTranscripts, error: withoutPath(message(error), manifestPath)};
	}
};

/** Readable ones newest first; unreadable ones after them (newest name first), where they stand out less. */
const newestFirst = (sessions: readonly PastSessionSummary[]): PastSessionSummary[] => {
	const time = (session: PastSessionSummary): number => (session.error === undefined ? Date.parse(session.createdAt) : Number.NEGATIVE_INFINITY);
	return [...sessions].sort((a, b) => time(b) - time(a) || b.id.localeCompare(a.id));
};

const openSession = async (root: string, id: string): Promise<SessionView> => {
	if (typeof id !== 'string' || id === '' || id === '.' || id === '..' || id.includes('/') || id.includes('\\')) {
		throw new TypeError(`openSession: id must be a session directory name, got ${JSON.stringify(id)}`);
	}
	const dir = path.join(root, id);
	let details;
	try {
		details = await readSessionDetails(dir);
	} catch (error) {
		if (error instanceof ManifestError) {
			throw new Error(`session ${id} cannot be read: ${error.detail}`);
		}
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new Error(`no session ${id} in ${root} (deleted since the list was read?)`);
		}
		throw error;
	}
	return {dir, captures: details.captures.map(toCaptureView)};
};

const toCaptureView = ({record, audioFile, text}: CaptureDetails): CaptureView => {
	const {transcript} = record;
	return {
		index: record.index,
		// Encoded after recording, the audio is NNN.flac or NNN.opus while the record still names the WAV.
		file: audioFile ?? record.file,
		startedAt: record.startedAt,
		durationSeconds: record.durationSeconds,
		state: audioFile === undefined ? 'missing' : record.state,
		...(transcript !== undefined
			? {
					transcript: {
						status: transcript.status,
						...(text === undefined ? {} : {text}),
						...(transcript.reason === undefined ? {} : {reason: transcript.reason}),
					},
				}
			: text !== undefined
				? // Only a finished transcription writes NNN.txt: the record of it was lost, not the text.
					{transcript: {status: 'done', text}}
				: {}),
	};
};

/** A manifest error names the file; in the list the row already says which session it is. */
const withoutPath = (error: string, manifestPath: string): string =>
	error.startsWith(`${manifestPath}: `) ? error.slice(manifestPath.length + 2) : error;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
