import type {Seconds} from '../util/units.js';
import {vadSampleRate, whisperVadDefaults, type SpeechSegment} from './speech-detector.js';

/** Speech cut out of a capture, and how to put times in it back on the capture's timeline. */
export type SplicedSpeech = {
	readonly samples: Float32Array;
	/** Seconds in `samples` -> seconds in the capture. */
	readonly toCaptureTime: (seconds: Seconds) => Seconds;
};

type MapPoint = {readonly spliced: number; readonly original: number};

/** Silence put between two speech segments, as whisper.cpp does (0.1 s), so words do not run together. */
const gapSeconds = 0.1;

/**
 * Keeps only the speech of a 16 kHz capture, the way whisper.cpp's own VAD does before it transcribes
 * (`whisper_vad` in whisper.cpp): each segment is copied with `overlap` seconds more after it (but the
 * last), 0.1 s of silence goes between segments, and a table of (spliced, original) time points maps
 * the transcript's times back by linear interpolation.
 */
export const spliceSpeech = (
	samples: Float32Array,
	segments: readonly SpeechSegment[],
	overlap: Seconds = whisperVadDefaults.samplesOverlap,
): SplicedSpeech => {
	const last = samples.length - 1;
	const at = (seconds: Seconds): number => Math.min(Math.round(seconds * vadSampleRate), Math.max(0, last));
	const gap = Math.round(gapSeconds * vadSampleRate);
	const overlapSamples = Math.round(overlap * vadSampleRate);
	const pieces: Array<{from: number; to: number; speechEnd: number}> = segments
		.map((segment, index) => {
			const from = at(segment.start);
			const speechEnd = at(segment.end);
			const to = index < segments.length - 1 ? Math.min(speechEnd + overlapSamples, Math.max(0, last)) : speechEnd;
			return {from, to, speechEnd};
		})
		.filter((piece) => piece.to > piece.from);
	const total = pieces.reduce((sum, piece) => sum + (piece.to - piece.from), 0) + Math.max(0, pieces.length - 1) * gap;
	const out = new Float32Array(total);
	const points: MapPoint[] = [];
	let offset = 0;
	pieces.forEach((piece, index) => {
		out.set(samples.subarray(piece.from, piece.to), offset);
		points.push({spliced: offset, original: piece.from}, {spliced: offset + (piece.speechEnd - piece.from), original: piece.speechEnd});
		offset += piece.to - piece.from;
		const next = pieces[index + 1];
		if (next !== undefined) {
			points.push({spliced: offset, original: piece.speechEnd}, {spliced: offset + gap, original: next.from});
			offset += gap; // Float32Array starts zeroed: the gap is already silence.
		}
	});
	const table = monotonic(points);
	return {samples: out, toCaptureTime: (seconds) => mapTime(table, seconds * vadSampleRate) / vadSampleRate};
};

/** Sorted by spliced time with repeated spliced times dropped (the first kept), as whisper.cpp does. */
const monotonic = (points: readonly MapPoint[]): MapPoint[] => {
	const sorted = [...points].sort((a, b) => a.spliced - b.spliced);
	return sorted.filter((point, index) => index === 0 || point.spliced !== sorted[index - 1]!.spliced);
};

const mapTime = (table: readonly MapPoint[], spliced: number): number => {
	const first = table[0];
	const lastPoint = table.at(-1);
	if (first === undefined || lastPoint === undefined) {
		return spliced;
	}
	if (spliced <= first.spliced) {
		return first.original;
	}
	if (spliced >= lastPoint.spliced) {
		return lastPoint.original;
	}
	const upper = table.findIndex((point) => point.spliced >= spliced);
	const high = table[upper]!;
	const low = table[upper - 1]!;
	return low.original + ((spliced - low.spliced) * (high.original - low.original)) / (high.spliced - low.spliced);
};
