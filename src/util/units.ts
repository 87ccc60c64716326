/**
 * Named units, so a signature says what a number means (after Tone.js `Units.ts`).
 * They are plain `number` aliases: no runtime cost, documentation that the compiler carries.
 */

/** A count of sample frames: one sample on every channel. */
export type Frames = number;

/** A duration or a position in time, in seconds. */
export type Seconds = number;

/** A wall-clock instant in milliseconds since the Unix epoch (what `Date.now()` returns). */
export type EpochMs = number;

/** A level relative to digital full scale (0 dBFS = a sample of magnitude 1.0); `-Infinity` is silence. */
export type Decibels = number;

/** A sample rate or a frequency, in hertz. */
export type Hertz = number;

/** Frames to seconds at a sample rate. */
export const framesToSeconds = (frames: Frames, rate: Hertz): Seconds => frames / rate;

/** Seconds to whole frames at a sample rate (rounded, so 13 s at 48 kHz is exactly 624000). */
export const secondsToFrames = (seconds: Seconds, rate: Hertz): Frames => Math.round(seconds * rate);

/** Linear amplitude (magnitude) to dBFS; zero is `-Infinity`. */
export const amplitudeToDb = (amplitude: number): Decibels =>
	amplitude > 0 ? 20 * Math.log10(amplitude) : Number.NEGATIVE_INFINITY;

/** dBFS to linear amplitude. */
export const dbToAmplitude = (db: Decibels): number => 10 ** (db / 20);
