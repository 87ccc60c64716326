import {access, readFile} from 'node:fs/promises';
import path from 'node:path';
import {plainLines} from '../util/plain-text.js';
import {formatDuration, localDateTime} from '../util/time-format.js';
import {writeFileAtomic} from './atomic-write.js';
import {transcriptTextFile, type CaptureRecord, type SessionManifest} from './session-manifest.js';
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

/** What `NNN.txt` holds: the text and a newline (nothing for no text). */
export const transcriptFileText = (text: string): string => (text.length > 0 ? `${text}\n` : '');

/**
 * The manifest with each transcript's text read back from its own file (`session.json` names the file
 * and keeps no text). An older manifest's inline text is kept, and written to its file when that is
 * missing, so that the next save (which leaves the text out) loses nothing.
 */
export const readTranscriptTexts = async (sessionDir: string, manifest: SessionManifest): Promise<SessionManifest> => {
	const captures = await Promise.all(
		manifest.captures.map(async (capture): Promise<CaptureRecord> => {
			const {transcript} = capture;
			const name = transcript === undefined ? undefined : transcriptTextFile(transcript);
			if (transcript === undefined || name === undefined) {
				return capture;
			}
			const file = path.join(sessionDir, name);
			if (transcript.text !== undefined) {
				if (!(await access(file).then(() => true, () => false))) {
					await writeFileAtomic(file, transcriptFileText(transcript.text));
				}
				return capture;
			}
			const text = await readFile(file, 'utf8').catch(() => undefined);
			return text === undefined ? capture : {...capture, transcript: {...transcript, text: text.replace(/\n$/, '')}};
		}),
	);
	return {...manifest, captures};
};
