import {readdir, readFile, rename, stat, unlink} from 'node:fs/promises';
import path from 'node:path';
import type {Frames, Seconds} from '../util/units.js';
import {writeJsonAtomic} from './atomic-write.js';
import {captureIndexOf} from './session.js';
import {reserveFile} from './capture-room.js';
import {clearStaleSessionLock, sessionLockHolder} from './session-lock.js';
import {
	ManifestError,
	manifestFile,
	manifestForDisk,
	manifestVersion,
	parseManifest,
	sortCaptures,
	type CaptureRecord,
	type SessionManifest,
} from './session-manifest.js';
import {readWavInfo, type WavInfo} from '../wav/wav-reader.js';
import {repairWav} from '../wav/wav-repair.js';
import {sessionDirs} from './session-dirs.js';
import {Keep} from './keep-mode.js';
import {transcriptFinished} from './transcript-state.js';
import {syncDirectory} from '../util/sync-directory.js';

export const RepairAction = {
	/** A capture left in `recording` (the process died) or with stale header sizes was repaired. */
	recovered: 'recovered',
	/** A WAV file missing from the manifest (the process died before writing it) was added. */
	added: 'added',
	/**
	 * A transcription the last process left queued or running (it quit or died first) is marked failed,
	 * with how to retry, instead of showing as pending forever.
	 */
	unfinished: 'unfinished',
	/** `session.json` was unreadable: set aside and rebuilt from the WAV files. */
	rebuilt: 'rebuilt',
	/** Left alone: another live process has the session open, or its manifest is from a newer version. */
	skipped: 'skipped',
	/**
	 * A capture of a `--keep transcript` session whose audio a quit or crash left on disk before its
	 * transcript: it is transcribed now, then its audio deleted.
	 */
	private: 'private',
	/** The same, but its transcript was done: the audio it no longer needs is deleted now. */
	discarded: 'discarded',
	/** Something could not be repaired; nothing was deleted. */
	failed: 'failed',
} as const;
export type RepairAction = (typeof RepairAction)[keyof typeof RepairAction];

/** One repaired thing (a capture file, or a session's manifest). */
export type RepairReport = {
	readonly sessionId: string;
	readonly sessionDir: string;
	/** The capture file (or `session.json`) concerned; undefined for the whole session. */
	readonly file: string | undefined;
	readonly action: RepairAction;
	/** Frames the capture holds after the repair. */
	readonly frames?: Frames;
	readonly durationSeconds?: Seconds;
	/** One line for the terminal, e.g. `2025-11-23_14-05-09/002.wav: recovered 12.48 s (cut off while recording)`. */
	readonly line: string;
};

/**
 * The start-up repair of every session under `rootDir`: captures a dead process left in `recording`,
 * WAV files with stale header sizes, WAV files the manifest never heard of, transcriptions left queued or
 * running (marked failed, to be retried), and unreadable manifests
 * (set aside as `session.json.corrupt-<time>` and rebuilt). Audio is never deleted. Sessions another
 * live omega13 has open are skipped.
 */
export const repairSessions = async (rootDir: string): Promise<RepairReport[]> => {
	const reports: RepairReport[] = [];
	for (const entry of await sessionDirs(rootDir, 'repairSessions')) {
		const {dir} = entry;
		try {
			reports.push(...(await repairSession(dir)));
		} catch (error) {
			reports.push({
				sessionId: entry.name,
				sessionDir: dir,
				file: undefined,
				action: 'failed',
				line: `${entry.name}: could not repair: ${messageOf(error)}`,
			});
		}
	}
	return reports;
};

/** What the repair stages share: the session, its captures as they are being mended, and what was done. */
type SessionRepair = {
	readonly dir: string;
	readonly manifest: SessionManifest;
	readonly captures: CaptureRecord[];
	readonly reports: RepairReport[];
	/** The manifest must be written back. */
	changed: boolean;
};

/** A report line about the session (`ID: ...`) or one of its files (`ID/FILE: ...`). */
const reportOf = (dir: string, file: string | undefined, action: RepairAction, line: string, frames?: Frames, seconds?: Seconds): RepairReport => {
	const id = path.basename(dir);
	return {
		sessionId: id,
		sessionDir: dir,
		file,
		action,
		...(frames === undefined ? {} : {frames, durationSeconds: seconds}),
		line: `${file === undefined ? id : `${id}/${file}`}: ${line}`,
	};
};

/**
 * Repairs one session directory (see `repairSessions`), in stages: read (or rebuild) the manifest, recover
 * the captures it knows, add the WAV files it does not, mark unfinished transcriptions failed, write it back.
 */
export const repairSession = async (dir: string): Promise<RepairReport[]> => {
	const holder = await sessionLockHolder(dir);
	if (holder !== undefined) {
		return [reportOf(dir, undefined, 'skipped', `not repaired: open in process ${holder} (another omega13 is using it); it is checked again at the next start`)];
	}
	const names = await readdir(dir);
	const wavFiles = names.filter((name) => captureIndexOf(name) !== undefined && name.toLowerCase().endsWith('.wav')).sort();
	const repair = await readManifest(dir, wavFiles);
	if (Array.isArray(repair)) {
		return repair;
	}
	await recoverCaptures(repair);
	await addMissingCaptures(repair, wavFiles);
	failUnfinishedTranscriptions(repair);
	await settlePrivateAudio(repair, names);
	if (repair.changed) {
		await writeJsonAtomic(path.join(dir, manifestFile), manifestForDisk({...repair.manifest, captures: sortCaptures(repair.captures)}));
	}
	await removeStaleTempFiles(dir, names);
	// Set aside by a run that did not get to give it back.
	await unlink(path.join(dir, reserveFile)).catch(() => undefined);
	await clearStaleSessionLock(dir);
	return repair.reports;
};

/**
 * In a `--keep transcript` session, audio left on disk by a run that quit or died: deleted when its
 * transcript is done, otherwise reported `private` (the start-up queues it for transcription, after which
 * it is deleted). Nothing is deleted that has no transcript.
 */
const settlePrivateAudio = async (repair: SessionRepair, names: readonly string[]): Promise<void> => {
	const {dir, captures, reports} = repair;
	if (repair.manifest.keep !== Keep.transcript) {
		return;
	}
	const reported = new Set(reports.map(report => report.file));
	for (const [position, capture] of captures.entries()) {
		if (capture.audioDiscardedAt !== undefined || !names.includes(capture.file) || capture.state === 'recording') {
			continue;
		}
		if (!transcriptFinished(capture.transcript)) {
			if (!reported.has(capture.file)) {
				reports.push(reportOf(dir, capture.file, 'private', 'audio left by a run that stopped first: transcribed now, then deleted (--keep transcript)'));
			}
			continue;
		}
		await unlink(path.join(dir, capture.file)).catch((error: NodeJS.ErrnoException) => {
			if (error.code !== 'ENOENT') {
				throw error;
			}
		});
		captures[position] = {...capture, audioDiscardedAt: new Date().toISOString()};
		repair.changed = true;
		reports.push(reportOf(dir, capture.file, 'discarded', 'audio deleted: its transcript is done (--keep transcript)'));
	}
	if (repair.changed) {
		await syncDirectory(dir);
	}
};

/**
 * The session's manifest, or one rebuilt from its WAV files when it is missing or unreadable (the bad one
 * set aside). The reports to return at once instead when there is nothing to repair: not a session, or a
 * manifest from a newer omega13.
 */
const readManifest = async (dir: string, wavFiles: readonly string[]): Promise<SessionRepair | RepairReport[]> => {
	const manifestPath = path.join(dir, manifestFile);
	try {
		const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
		return {dir, manifest, captures: [...manifest.captures], reports: [], changed: false};
	} catch (error) {
		if (error instanceof ManifestError && error.kind === 'unsupported') {
			return [reportOf(dir, manifestFile, 'skipped', `skipped: ${error.detail}`)];
		}
		const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
		if (!missing && !(error instanceof ManifestError)) {
			throw error;
		}
		if (missing && wavFiles.length === 0) {
			// Not a session, or one that died before its first capture: nothing to save.
			return [];
		}
		const id = path.basename(dir);
		const setAside = missing ? undefined : await setAsideManifest(manifestPath);
		const manifest: SessionManifest = {version: manifestVersion, id, createdAt: await guessCreatedAt(dir, id, wavFiles), captures: []};
		const source = `${wavFiles.length} WAV file${wavFiles.length === 1 ? '' : 's'}`;
		const line =
			setAside === undefined
				? `missing, rebuilt from ${source}`
				: `unreadable (${(error as ManifestError).detail}), kept as ${setAside} and rebuilt from ${source}`;
		return {dir, manifest, captures: [], reports: [reportOf(dir, manifestFile, 'rebuilt', line)], changed: true};
	}
};

/** Captures a dead process left in `recording`, and WAV files whose header sizes are out of date. */
const recoverCaptures = async (repair: SessionRepair): Promise<void> => {
	const {dir, captures, reports} = repair;
	for (const [position, capture] of captures.entries()) {
		const filePath = path.join(dir, capture.file);
		let info: WavInfo;
		try {
			info = await readWavInfo(filePath);
		} catch (error) {
			if (capture.state === 'recording' && (error as NodeJS.ErrnoException).code !== 'ENOENT') {
				reports.push(reportOf(dir, capture.file, 'failed', `could not repair: ${messageOf(error)}`));
			}
			continue;
		}
		if (capture.state !== 'recording' && !info.stale) {
			continue;
		}
		try {
			const {frames} = await repairWav(filePath);
			const seconds = frames / info.sampleRate;
			// When the recording really ended is unknown: the file's end is all that is left.
			const {endedAt: _endedAt, ...rest} = capture;
			captures[position] = {
				...rest,
				state: 'recovered',
				frames,
				durationSeconds: seconds,
				channels: info.channels,
				sampleRate: info.sampleRate,
				sampleFormat: info.sampleFormat,
			};
			repair.changed = true;
			const why = capture.state === 'recording' ? 'cut off while recording' : 'its header sizes were out of date';
			reports.push(reportOf(dir, capture.file, 'recovered', `recovered ${seconds.toFixed(2)} s (${why})`, frames, seconds));
		} catch (error) {
			reports.push(reportOf(dir, capture.file, 'failed', `could not repair: ${messageOf(error)}`));
		}
	}
};

/** WAV files the manifest never heard of (the process died before writing their record). */
const addMissingCaptures = async (repair: SessionRepair, wavFiles: readonly string[]): Promise<void> => {
	const {dir, captures, reports} = repair;
	for (const name of wavFiles) {
		const index = captureIndexOf(name)!;
		if (captures.some((capture) => capture.file === name || capture.index === index)) {
			continue;
		}
		const filePath = path.join(dir, name);
		try {
			const {frames} = await repairWav(filePath);
			const info = await readWavInfo(filePath);
			const seconds = frames / info.sampleRate;
			// The record with the real times was never written; the file's last write marks the end.
			const {mtimeMs} = await stat(filePath);
			const startedAt = new Date(mtimeMs - seconds * 1000).toISOString();
			captures.push({
				index,
				file: name,
				state: 'recovered',
				startedAt,
				triggeredAt: startedAt,
				frames,
				durationSeconds: seconds,
				channels: info.channels,
				sampleRate: info.sampleRate,
				sampleFormat: info.sampleFormat,
				prerollFrames: 0,
				droppedFrames: 0,
			});
			repair.changed = true;
			reports.push(reportOf(dir, name, 'added', `recovered ${seconds.toFixed(2)} s (it was missing from ${manifestFile})`, frames, seconds));
		} catch (error) {
			reports.push(reportOf(dir, name, 'failed', `could not recover: ${messageOf(error)}`));
		}
	}
};

/** Transcriptions the last process left queued or running: failed, with the command that retries them. */
const failUnfinishedTranscriptions = (repair: SessionRepair): void => {
	const {dir, captures, reports} = repair;
	for (const [position, capture] of captures.entries()) {
		const {transcript} = capture;
		// A retry beside a finished transcript is what was left unfinished, not the transcript.
		const unfinished = transcript?.retry ?? transcript;
		const status = unfinished?.status;
		if (transcript === undefined || unfinished === undefined || (status !== 'queued' && status !== 'running')) {
			continue;
		}
		const retry = `omega13 transcribe ${dir} ${capture.index}`;
		const failed = {...unfinished, status: 'failed' as const, reason: `omega13 stopped before this capture was transcribed: retry with \`${retry}\``};
		captures[position] = {...capture, transcript: transcript.retry === undefined ? failed : {...transcript, retry: failed}};
		repair.changed = true;
		reports.push(reportOf(dir, capture.file, 'unfinished', `its transcription was ${status} when omega13 stopped; retry with \`${retry}\``));
	}
};

/** Renames an unreadable manifest out of the way (never deletes it); returns the new name. */
const setAsideManifest = async (manifestPath: string): Promise<string> => {
	const stamp = new Date().toISOString().replaceAll(':', '-');
	const name = `${manifestFile}.corrupt-${stamp}`;
	await rename(manifestPath, path.join(path.dirname(manifestPath), name));
	return name;
};

/** The directory name is the local creation time; failing that, the oldest capture's or the directory's time. */
const guessCreatedAt = async (dir: string, id: string, wavFiles: readonly string[]): Promise<string> => {
	const match = /^(\d{4})-(\d{2})-(\d{2})_(\d{2})-(\d{2})-(\d{2})(?:-\d+)?$/.exec(id);
	if (match !== null) {
		const [year, month, day, hours, minutes, seconds] = match.slice(1).map(Number) as [number, number, number, number, number, number];
		const date = new Date(year, month - 1, day, hours, minutes, seconds);
		if (!Number.isNaN(date.getTime())) {
			return date.toISOString();
		}
	}
	const times = await Promise.all([dir, ...wavFiles.map((name) => path.join(dir, name))].map(async (file) => (await stat(file)).mtimeMs));
	return new Date(Math.min(...times)).toISOString();
};

/** Temp files of an atomic manifest write a crash interrupted (they never hold audio). */
const removeStaleTempFiles = async (dir: string, names: readonly string[]): Promise<void> => {
	for (const name of names) {
		if (name.startsWith(`.${manifestFile}.tmp-`)) {
			await unlink(path.join(dir, name)).catch(() => undefined);
		}
	}
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
