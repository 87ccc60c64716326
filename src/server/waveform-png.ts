import {PNG} from 'pngjs';
import type {EpochMs, Hertz} from '../util/units.js';
import {drawText, glyphHeight, textWidth} from './pixel-font.js';

export type WaveformInput = {
	readonly sampleRate: Hertz;
	readonly channels: number;
	readonly startTime: EpochMs;
	readonly frames: number;
	readonly data: Float32Array;
};

type Rgb = readonly [number, number, number];
const background: Rgb = [17, 17, 17];
const laneLine: Rgb = [60, 60, 60];
const wave: Rgb = [80, 200, 120];
const clipped: Rgb = [230, 70, 60];
const label: Rgb = [200, 200, 200];

const labelScale = 2;
/** Rows under the lanes for the time labels. */
export const axisHeight = glyphHeight * labelScale + 6;
/** Tick steps to choose from, in seconds: the smallest that leaves room between labels wins. */
const tickSteps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/**
 * Renders audio as a PNG: one lane per channel, a vertical line from the lowest to the highest sample
 * of each column (so a peak never falls between columns), full scale at the lane's edges, and local
 * clock times under the lanes. Samples at or beyond full scale are drawn red.
 */
export const renderWaveform = (audio: WaveformInput, width: number, height: number): Buffer => {
	const png = new PNG({width, height});
	const pixels = png.data;
	const set = (x: number, y: number, [r, g, b]: Rgb): void => {
		if (x < 0 || y < 0 || x >= width || y >= height) {
			return;
		}
		const at = (y * width + x) * 4;
		pixels[at] = r;
		pixels[at + 1] = g;
		pixels[at + 2] = b;
		pixels[at + 3] = 255;
	};
	// The background by doubling one pixel: a per-pixel loop costs more than the whole waveform.
	set(0, 0, background);
	for (let filled = 4; filled < pixels.length; filled *= 2) {
		pixels.copyWithin(filled, 0, Math.min(filled, pixels.length - filled));
	}
	const {channels, frames, data} = audio;
	const laneHeight = Math.floor((height - axisHeight) / channels);
	for (let channel = 0; channel < channels; channel++) {
		const top = channel * laneHeight;
		const middle = top + (laneHeight - 1) / 2;
		for (let x = 0; x < width; x++) {
			set(x, Math.round(middle), laneLine);
		}
		for (let x = 0; x < width && frames > 0; x++) {
			const first = Math.floor((x * frames) / width);
			const end = Math.max(first + 1, Math.floor(((x + 1) * frames) / width));
			let low = Number.POSITIVE_INFINITY;
			let high = Number.NEGATIVE_INFINITY;
			for (let frame = first; frame < end && frame < frames; frame++) {
				const sample = data[frame * channels + channel]!;
				low = sample < low ? sample : low;
				high = sample > high ? sample : high;
			}
			if (!(high >= low)) {
				continue;
			}
			const color = high >= 1 || low <= -1 ? clipped : wave;
			const yHigh = Math.round(middle - clamp(high) * ((laneHeight - 1) / 2));
			const yLow = Math.round(middle - clamp(low) * ((laneHeight - 1) / 2));
			for (let y = yHigh; y <= yLow; y++) {
				set(x, y, color);
			}
		}
	}
	drawTimeAxis(audio, width, channels * laneHeight, set);
	// Flat colours: no row filter compresses them as well as the adaptive choice, in a third of the time.
	// Rows mostly repeat the one above (background, lane lines): the "up" filter compresses them about
	// as well as pngjs's adaptive choice, in a third of the time.
	return PNG.sync.write(png, {filterType: 2, colorType: 2, inputHasAlpha: true});
};

const clamp = (sample: number): number => (sample > 1 ? 1 : sample < -1 ? -1 : sample);

const drawTimeAxis = (audio: WaveformInput, width: number, top: number, set: (x: number, y: number, color: Rgb) => void): void => {
	const seconds = audio.frames / audio.sampleRate;
	if (seconds <= 0) {
		return;
	}
	const sample = clockLabel(audio.startTime, 1);
	const room = textWidth(sample, labelScale) + 16;
	const step = tickSteps.find(candidate => (candidate / seconds) * width >= room) ?? tickSteps.at(-1)!;
	const stepMs = step * 1000;
	for (let tick = Math.ceil(audio.startTime / stepMs) * stepMs; tick <= audio.startTime + seconds * 1000; tick += stepMs) {
		const x = Math.round(((tick - audio.startTime) / 1000 / seconds) * (width - 1));
		for (let y = top; y < top + 3; y++) {
			set(x, y, label);
		}
		const text = clockLabel(tick, step);
		const left = Math.min(Math.max(0, x - Math.floor(textWidth(text, labelScale) / 2)), width - textWidth(text, labelScale));
		drawText(text, left, top + 4, labelScale, (px, py) => {
			set(px, py, label);
		});
	}
};

/** Local `HH:MM:SS`, with tenths when the ticks are closer than a second. */
const clockLabel = (time: EpochMs, step: number): string => {
	const date = new Date(time);
	const two = (value: number): string => String(value).padStart(2, '0');
	const clock = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
	return step < 1 ? `${clock}.${Math.floor(date.getMilliseconds() / 100)}` : clock;
};
