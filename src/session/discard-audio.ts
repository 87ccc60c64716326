import {rm} from 'node:fs/promises';
import path from 'node:path';
import {syncDirectory} from '../util/sync-directory.js';
import type {Session} from './session.js';

/**
 * Deletes a capture's audio (`--keep transcript`) and records when, once its transcript has settled: the
 * transcript files are written atomically and fsynced before the transcript's state is, so by now they
 * are on disk. The directory is synced after the unlink, so a power loss cannot bring the audio back.
 * Returns false when there was nothing to delete (already gone).
 */
export const discardCaptureAudio = async (session: Session, index: number, now: Date = new Date()): Promise<boolean> => {
	const record = session.manifest.captures.find(capture => capture.index === index);
	if (record === undefined || record.audioDiscardedAt !== undefined || record.state === 'recording') {
		return false;
	}
	await rm(path.join(session.dir, record.file), {force: true});
	await syncDirectory(session.dir);
	await session.updateCapture(index, {audioDiscardedAt: now.toISOString()});
	return true;
};
