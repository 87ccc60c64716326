import path from 'node:path';
import type {Seconds} from '../util/units.js';
import {writeFileAtomic, writeJsonAtomic} from '../session/atomic-write.js';
import {captureBaseName, transcriptFileText} from '../session/session-transcript.js';
import type {DroppedSegment} from './hallucination-filter.js';
import type {EngineSegment} from './transcription-engine.js';

export const transcriptJsonVersion = 1;

/** `001.json`: what was said, when, by which model, and what was left out. */
export type CaptureTranscriptJson = {
	readonly version: typeof transcriptJsonVersion;
	readonly capture: number;
	readonly audio: string;
	/** Wall-clock time of the capture's first sample; segment times count from there. */
	readonly startedAt: string;
	readonly model: string;
	readonly language: string | undefined;
	readonly engine: string;
	readonly audioSeconds: Seconds;
	readonly elapsedSeconds: Seconds;
	readonly transcribedAt: string;
	readonly text: string;
	readonly segments: readonly EngineSegment[];
	readonly dropped: readonly DroppedSegment[];
	/** Where Silero VAD found speech, when it ran (only that was transcribed). */
	readonly speech?: ReadonlyArray<{readonly start: Seconds; readonly end: Seconds}>;
};

/**
 * Writes `NNN.txt` (the text and a newline) and `NNN.json` next to the capture, each atomically with
 * mode 0600 (what was said is as private as the audio). Returns their names relative to the session.
 */
export const writeCaptureTranscript = async (
	sessionDir: string,
	transcript: CaptureTranscriptJson,
): Promise<{txt: string; json: string}> => {
	const base = captureBaseName({file: transcript.audio});
	const txt = `${base}.txt`;
	const json = `${base}.json`;
	await writeFileAtomic(path.join(sessionDir, txt), transcriptFileText(transcript.text));
	await writeJsonAtomic(path.join(sessionDir, json), {...transcript, segments: transcript.segments.map(roundTimes), dropped: transcript.dropped.map(roundTimes)});
	return {txt, json};
};

const roundTimes = <T extends EngineSegment>(segment: T): T => ({
	...segment,
	start: segment.start === undefined ? undefined : Math.round(segment.start * 1000) / 1000,
	end: segment.end === undefined ? undefined : Math.round(segment.end * 1000) / 1000,
});
