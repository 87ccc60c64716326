import path from 'node:path';
import type {Seconds} from '../util/units.js';
import {writeFileAtomic} from './atomic-write.js';
import type {CaptureRecord, SessionManifest} from './session-manifest.js';

/** The session-level transcript's file name. */
export const sessionTranscriptFile = 'transcript.md';

/** `001.wav` -> `001`. */
export const captureBaseName = (record: Pick<CaptureRecord, 'file'>): string => record.file.replace(/\.[^.]+$/, '');

/**
 * `transcript.md`, made again from the manifest after every change, so it always lists every capture
 * in order with its wall-clock time: the text when there is one, otherwise where its transcription
 * stands.
 */
export const renderSessionTranscript = (manifest: SessionManifest): string => {
	const lines = [`# Transcript: session ${manifest.id}`, ''];
	for (const capture of manifest.captures) {
		lines.push(`## ${captureBaseName(capture)} · ${localTime(capture.startedAt)} · ${formatDuration(capture.durationSeconds)}`, '');
		const transcript = capture.transcript;
		if (transcript === undefined) {
			lines.push(capture.state === 'recording' ? '_recording_' : '_not transcribed_');
		} else if (transcript.status === 'done') {
			lines.push(transcript.text !== undefined && transcript.text.length > 0 ? transcript.text : '_(no speech)_');
		} else if (transcript.status === 'failed') {
			lines.push(`_transcription failed: ${transcript.reason ?? 'no reason given'}_`);
		} else {
			lines.push(transcript.status === 'running' ? '_being transcribed_' : '_waiting to be transcribed_');
		}
		lines.push('');
	}
	return lines.join('\n');
};

export const writeSessionTranscript = (sessionDir: string, manifest: SessionManifest): Promise<void> =>
	writeFileAtomic(path.join(sessionDir, sessionTranscriptFile), renderSessionTranscript(manifest));

/** `2025-11-23 14:05:09` in local time (as the session directory is named). */
export const localTime = (iso: string): string => {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) {
		return iso;
	}
	const two = (value: number): string => String(value).padStart(2, '0');
	return (
		`${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
		`${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
	);
};

const formatDuration = (seconds: Seconds): string => {
	if (seconds < 59.95) {
		return `${seconds.toFixed(1)} s`;
	}
	const whole = Math.round(seconds);
	return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
};
