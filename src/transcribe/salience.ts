import type {Decibels, Seconds} from '../util/units.js';

/** What can be measured of a speech capture before it is transcribed. */
export type SpeechEvidence = {
	/** The capture's length. */
	readonly durationSeconds: Seconds;
	/** How much of it Silero VAD called speech (whisper.cpp's binding reports segments, not frame probabilities). */
	readonly speechSeconds: Seconds;
	/** Mean power of its sounding 10 ms blocks (those above the voice trigger's end threshold). */
	readonly loudnessDb: Decibels;
	/** Standard deviation of those blocks' levels: flat drone is low, animated speech is high (arousal). */
	readonly variationDb: Decibels;
};

/**
 * The salience formula's weights (they sum to 1, so a score is from 0 to 1). The README's table is this
 * one: change both together.
 */
export const salienceWeights = {
	/** Speech share: speechSeconds / durationSeconds, Silero's confidence that the capture is speech. */
	speechShare: 0.4,
	/** Speech duration: speechSeconds / 30 s, at most 1 (more said, more worth keeping). */
	speechDuration: 0.2,
	/** Loudness: (loudnessDb + 60) / 50, from 0 at -60 dBFS to 1 at -10 dBFS. */
	loudness: 0.2,
	/** Variation: variationDb / 12 dB, at most 1. */
	variation: 0.2,
} as const;

/** Speech this long or longer earns the whole duration term. */
const fullDurationSeconds: Seconds = 30;
const quietDb: Decibels = -60;
const loudDb: Decibels = -10;
const fullVariationDb: Decibels = 12;

const unit = (value: number): number => (Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0);

/** A capture's salience, 0 to 1: the speech queue evicts the lowest first. */
export const salience = (evidence: SpeechEvidence): number => {
	const {durationSeconds, speechSeconds, loudnessDb, variationDb} = evidence;
	const w = salienceWeights;
	const score =
		w.speechShare * unit(durationSeconds > 0 ? speechSeconds / durationSeconds : 0) +
		w.speechDuration * unit(speechSeconds / fullDurationSeconds) +
		w.loudness * unit((loudnessDb - quietDb) / (loudDb - quietDb)) +
		w.variation * unit(variationDb / fullVariationDb);
	return Math.round(score * 1000) / 1000;
};
