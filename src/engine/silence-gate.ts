import type {AudioRing} from './audio-ring.js';
import {amplitudeToDb, dbToAmplitude, secondsToFrames, type Decibels, type Hertz, type Seconds} from '../util/units.js';

export type SilenceGateOptions = {
	/** Below this peak on every channel the input counts as silent. `-Infinity` turns the gate off. */
	readonly thresholdDb: Decibels;
	/** How much recent input the peak is taken over. */
	readonly windowSeconds: Seconds;
};

export type GateVerdict = {readonly allowed: true} | {readonly allowed: false; readonly reason: string};

const formatDb = (db: Decibels): string => (Number.isFinite(db) ? `${db.toFixed(1)} dBFS` : '-inf dBFS');

/**
 * Refuses a capture when every channel's peak over the recent window is below the threshold: a capture
 * of nothing is almost always a disconnected or muted input, and saying so beats saving silence.
 * One live channel is enough (a mono microphone on in_1 of a stereo client is normal).
 */
export const checkSilenceGate = (
	ring: AudioRing,
	rate: Hertz,
	portNames: readonly string[],
	options: SilenceGateOptions,
): GateVerdict => {
	if (options.thresholdDb === Number.NEGATIVE_INFINITY) {
		return {allowed: true};
	}
	if (ring.bufferFilled === 0) {
		return {allowed: false, reason: 'no audio has arrived yet: wait a moment, or check the source'};
	}
	const threshold = dbToAmplitude(options.thresholdDb);
	const peaks = new Float64Array(ring.channels);
	const {channels} = ring;
	ring.forEachLast(secondsToFrames(options.windowSeconds, rate), (view, frames) => {
		for (let i = 0; i < frames * channels; i++) {
			const magnitude = Math.abs(view[i]!);
			const c = i % channels;
			if (magnitude > peaks[c]!) {
				peaks[c] = magnitude;
			}
		}
	});
	if (peaks.some(peak => peak >= threshold)) {
		return {allowed: true};
	}
	const loudest = amplitudeToDb(Math.max(...peaks));
	const ports = portNames.map(name => name.slice(name.lastIndexOf(':') + 1)).join(', ');
	return {
		allowed: false,
		reason:
			`no input signal on ${ports} (peak ${formatDb(loudest)} over the last ${options.windowSeconds} s, ` +
			`gate at ${formatDb(options.thresholdDb)}): check connections, or lower --silence-threshold`,
	};
};
