import path from 'node:path';
import {plainLines} from '../util/plain-text.js';
import {formatDuration, localDateTime} from '../util/time-format.js';
import {writeFileAtomic} from './atomic-write.js';
import type {CaptureRecord, SessionManifest} from './session-manifest.js';
import {retryFailedLine, transcriptFinished} from './transcript-state.js';

/** The session-level transcript's file name. */
export const sessionTranscriptFile = 'transcript.md';

/** `001.wav` -> `001`. */
export const captureBaseName = (record: Pick<CaptureRecord, 'file'>): string => record.file.replace(/\.[^.]+$/, '');

/**
 * `transcript.md`, made again from the manifest after every change, so it always lists every capture
 * in order with its wall-clock time: the text when there is one, otherwise where its transcription
 * stands. No control characters: a manifest written before they were stripped may still hold some.
 */
export const renderSessionTranscript = (manifest: SessionManifest): string => {
	const lines = [`# Transcript: session ${manifest.id}`, ''];
	for (const capture of manifest.captures) {
		lines.push(`## ${captureBaseName(capture)} · ${localDateTime(new Date(capture.startedAt), capture.startedAt)} · ${formatDuration(capture.durationSeconds)}`, '');
		const transcript = capture.transcript;
		if (transcript === undefined) {
			lines.push(capture.state === 'recording' ? '_recording_' : '_not transcribed_');
		} else if (transcriptFinished(transcript)) {
			lines.push(transcript.text !== undefined && transcript.text.length > 0 ? transcript.text : '_(no speech)_');
			if (transcript.retry?.status === 'failed') {
				lines.push('', `_${retryFailedLine(transcript.retry.reason)}_`);
			}
		} else if (transcript.status === 'failed') {
			lines.push(`_transcription failed: ${transcript.reason ?? 'no reason given'}_`);
		} else {
			lines.push(transcript.status === 'running' ? '_being transcribed_' : '_waiting to be transcribed_');
		}
		lines.push('');
	}
	return plainLines(lines.join('\n'));
};

export const writeSessionTranscript = (sessionDir: string, manifest: SessionManifest): Promise<void> =>
	writeFileAtomic(path.join(sessionDir, sessionTranscriptFile), renderSessionTranscript(manifest));
