import type {EngineSegment} from './transcription-engine.js';

/** A segment left out of the transcript, kept in the JSON so nothing disappears unexplained. */
export type DroppedSegment = EngineSegment & {
	readonly reason: 'hallucination';
	/** Which rule matched: an empty segment, or a tag whisper invents for silence. */
	readonly rule: 'empty' | 'silence-tag';
};

/**
 * What whisper writes over silence or noise instead of speech: `[BLANK_AUDIO]`, `(silence)`,
 * `[ Silence ]`, `*silence*`, `[no speech]`, `(inaudible)`. Only whole segments that are nothing but
 * such a tag are dropped; a tag inside real speech stays.
 */
const silenceTag = /^\s*[[(*]+\s*(blank[_ ]audio|silence|silent|no[_ ]speech|inaudible|pause)\s*[\])*]+\s*[.]?\s*$/i;

export type FilteredSegments = {
	readonly kept: readonly EngineSegment[];
	readonly dropped: readonly DroppedSegment[];
};

export const dropHallucinations = (segments: readonly EngineSegment[]): FilteredSegments => {
	const kept: EngineSegment[] = [];
	const dropped: DroppedSegment[] = [];
	for (const segment of segments) {
		if (segment.text.trim().length === 0) {
			dropped.push({...segment, reason: 'hallucination', rule: 'empty'});
		} else if (silenceTag.test(segment.text)) {
			dropped.push({...segment, reason: 'hallucination', rule: 'silence-tag'});
		} else {
			kept.push(segment);
		}
	}
	return {kept, dropped};
};

/** The plain text of segments: each one trimmed, joined by single spaces. */
export const segmentsText = (segments: readonly EngineSegment[]): string =>
	segments
		.map((segment) => segment.text.trim())
		.filter((text) => text.length > 0)
		.join(' ');
