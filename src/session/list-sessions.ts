import {readFile} from 'node:fs/promises';
import path from 'node:path';
import type {Seconds} from '../util/units.js';
import {sessionDirs} from './session-dirs.js';
import {manifestFile, parseManifest} from './session-manifest.js';

/** A line of the session browser. */
export type SessionSummary = {
	readonly id: string;
	readonly dir: string;
	/** ISO 8601; '' for an unreadable manifest. */
	readonly createdAt: string;
	readonly captures: number;
	readonly totalSeconds: Seconds;
	/** Why the manifest could not be read (run `repairSessions`); the counts are then 0. */
	readonly error?: string;
};

/** The sessions under `rootDir` (directories holding `session.json`), oldest first. Cheap: reads manifests only. */
export const listSessions = async (rootDir: string): Promise<SessionSummary[]> => {
	const summaries = await Promise.all(
		(await sessionDirs(rootDir, 'listSessions')).map(async ({name, dir}): Promise<SessionSummary | undefined> => {
			const manifestPath = path.join(dir, manifestFile);
			let text: string;
			try {
				text = await readFile(manifestPath, 'utf8');
			} catch {
				return undefined;
			}
			try {
				const manifest = parseManifest(text, manifestPath);
				return {
					id: manifest.id,
					dir,
					createdAt: manifest.createdAt,
					captures: manifest.captures.length,
					totalSeconds: manifest.captures.reduce((sum, capture) => sum + capture.durationSeconds, 0),
				};
			} catch (error) {
				return {id: name, dir, createdAt: '', captures: 0, totalSeconds: 0, error: (error as Error).message};
			}
		}),
	);
	// Unreadable ones go last; ties (and two unreadable ones) by name, which is the local creation time.
	const time = (summary: SessionSummary): number => (summary.createdAt === '' ? Number.POSITIVE_INFINITY : Date.parse(summary.createdAt));
	return summaries
		.filter((summary) => summary !== undefined)
		.sort((a, b) => time(a) - time(b) || a.id.localeCompare(b.id));
};
