import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {PNG} from 'pngjs';
import {dbToAmplitude} from '../src/util/units.js';
import {axisHeight, renderWaveform} from '../src/server/waveform-png.js';

const rate = 48_000;

/** `seconds` of a sine at `db` dBFS on every channel (channel c at 440 * (c + 1) Hz). */
const sine = (seconds: number, channels: number, db: number) => {
	const frames = seconds * rate;
	const data = new Float32Array(frames * channels);
	const amplitude = dbToAmplitude(db);
	for (let i = 0; i < frames; i++) {
		for (let c = 0; c < channels; c++) {
			data[i * channels + c] = amplitude * Math.sin((2 * Math.PI * 440 * (c + 1) * i) / rate);
		}
	}
	return {sampleRate: rate, channels, startTime: Date.UTC(2026, 11, 2, 10, 15), frames, data};
};

/** Rows of `lane` holding waveform pixels (green). */
const drawnRows = (png: PNG, top: number, height: number): number[] => {
	const rows: number[] = [];
	for (let y = top; y < top + height; y++) {
		for (let x = 0; x < png.width; x++) {
			const at = (y * png.width + x) * 4;
			if (png.data[at + 1]! > 150 && png.data[at]! < 150) {
				rows.push(y);
				break;
			}
		}
	}
	return rows;
};

describe('the waveform PNG', () => {
	it('decodes as a PNG of the size asked for', () => {
		const png = PNG.sync.read(renderWaveform(sine(1, 2, -6), 333, 123));
		assert.equal(png.width, 333);
		assert.equal(png.height, 123);
	});

	it('draws a -6 dBFS sine to half the lane height, in a lane per channel', () => {
		const width = 400;
		const height = 2 * 100 + axisHeight;
		const png = PNG.sync.read(renderWaveform(sine(2, 2, -6), width, height));
		for (const lane of [0, 1]) {
			const rows = drawnRows(png, lane * 100, 100);
			const span = rows.at(-1)! - rows[0]! + 1;
			const expected = dbToAmplitude(-6) * 99 + 1;
			assert.ok(Math.abs(span - expected) <= 2, `lane ${lane}: the sine spans ${span} rows, expected about ${expected.toFixed(1)}`);
			// Centred on the lane's middle.
			assert.ok(Math.abs((rows[0]! + rows.at(-1)!) / 2 - (lane * 100 + 49.5)) <= 1);
		}
	});

	it('labels the time axis under the lanes', () => {
		const png = PNG.sync.read(renderWaveform(sine(10, 1, -6), 640, 120));
		let lit = 0;
		for (let y = 120 - axisHeight; y < 120; y++) {
			for (let x = 0; x < 640; x++) {
				lit += png.data[(y * 640 + x) * 4]! > 150 ? 1 : 0;
			}
		}
		assert.ok(lit > 100, 'the labels are drawn');
	});
});
