import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {WavWriter} from '../src/wav/wav-writer.js';
import {readWav} from '../src/wav/wav-reader.js';
import {Resampler, designResampler, downmixToMono, resample} from '../src/transcribe/resampler.js';
import {writeWhisperWav} from '../src/transcribe/whisper-audio.js';

const tone = (frequency: number, rate: number, seconds: number, amplitude = 0.5): Float32Array => {
	const samples = new Float32Array(Math.round(rate * seconds));
	for (let i = 0; i < samples.length; i++) {
		samples[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / rate);
	}
	return samples;
};

/** RMS over the middle of a signal, away from the filter's start and end transients. */
const middleRms = (samples: Float32Array): number => {
	const from = Math.floor(samples.length * 0.2);
	const to = Math.floor(samples.length * 0.8);
	let sum = 0;
	for (let i = from; i < to; i++) {
		sum += samples[i]! ** 2;
	}
	return Math.sqrt(sum / (to - from));
};

/** Amplitude of one frequency in a signal (a single-bin DFT over the middle part). */
const amplitudeAt = (samples: Float32Array, frequency: number, rate: number): number => {
	const from = Math.floor(samples.length * 0.2);
	const to = Math.floor(samples.length * 0.8);
	let re = 0;
	let im = 0;
	for (let i = from; i < to; i++) {
		const phase = (2 * Math.PI * frequency * i) / rate;
		re += samples[i]! * Math.cos(phase);
		im -= samples[i]! * Math.sin(phase);
	}
	return (2 * Math.hypot(re, im)) / (to - from);
};

const db = (ratio: number): number => 20 * Math.log10(ratio);

test('a 12 kHz tone at 48 kHz does not fold back into the band when resampled to 16 kHz', () => {
	const input = tone(12_000, 48_000, 1);
	const output = resample(input, 48_000, 16_000);
	assert.equal(output.length, 16_000);
	const attenuation = db(middleRms(output) / middleRms(input));
	assert.ok(attenuation < -60, `12 kHz leaks through at ${attenuation.toFixed(1)} dB`);
	// Dropping two samples in three would put it at 4 kHz at full level.
	const folded = db(amplitudeAt(output, 4_000, 16_000) / 0.5);
	assert.ok(folded < -60, `fold-back at 4 kHz is ${folded.toFixed(1)} dB`);
});

test('anything between the 8 kHz output Nyquist and the input Nyquist is attenuated by more than 60 dB', () => {
	for (const frequency of [8_000, 9_000, 10_000, 15_000, 20_000, 23_000]) {
		const input = tone(frequency, 48_000, 0.5);
		const attenuation = db(middleRms(resample(input, 48_000, 16_000)) / middleRms(input));
		assert.ok(attenuation < -60, `${frequency} Hz leaks through at ${attenuation.toFixed(1)} dB`);
	}
});

test('a 1 kHz tone passes within 0.1 dB and keeps its phase, from 48 kHz and from 44.1 kHz', () => {
	for (const rate of [48_000, 44_100, 22_050, 8_000]) {
		const input = tone(1_000, rate, 1);
		const output = resample(input, rate, 16_000);
		assert.equal(output.length, Math.ceil((input.length * 16_000) / rate));
		const gain = db(middleRms(output) / middleRms(input));
		assert.ok(Math.abs(gain) < 0.1, `gain at ${rate} Hz is ${gain.toFixed(3)} dB`);
		// No delay: the output matches the ideal 1 kHz tone at 16 kHz sample for sample.
		const ideal = tone(1_000, 16_000, output.length / 16_000);
		let worst = 0;
		for (let i = 200; i < output.length - 200; i++) {
			worst = Math.max(worst, Math.abs(output[i]! - ideal[i]!));
		}
		assert.ok(worst < 0.005, `from ${rate} Hz the output is off the ideal tone by ${worst}`);
	}
});

test('speech-band tones up to 6 kHz pass within 0.1 dB from 44.1 kHz', () => {
	for (const frequency of [100, 3_000, 6_000]) {
		const input = tone(frequency, 44_100, 1);
		const gain = db(middleRms(resample(input, 44_100, 16_000)) / middleRms(input));
		assert.ok(Math.abs(gain) < 0.1, `${frequency} Hz: ${gain.toFixed(3)} dB`);
	}
});

test('streaming in odd-sized chunks gives the same samples as one call', () => {
	const input = tone(440, 44_100, 0.7);
	const whole = resample(input, 44_100, 16_000);
	const resampler = new Resampler(44_100, 16_000);
	const parts: Float32Array[] = [];
	for (let at = 0, size = 1; at < input.length; at += size, size = (size * 7 + 3) % 5000) {
		parts.push(resampler.process(input.subarray(at, at + size)));
	}
	parts.push(resampler.flush());
	const streamed = Float32Array.from(parts.flatMap((part) => [...part]));
	assert.equal(streamed.length, whole.length);
	for (let i = 0; i < whole.length; i++) {
		assert.ok(Math.abs(streamed[i]! - whole[i]!) < 1e-6, `sample ${i} differs`);
	}
	assert.deepEqual(resampler.flush(), new Float32Array(0));
	assert.throws(() => resampler.process(new Float32Array(1)), /the stream was flushed/);
});

test('bad rates and options are refused with exact messages', () => {
	assert.throws(() => designResampler(0, 16_000), /inputRate must be a whole number of hertz from 1 to 1000000, got 0/);
	assert.throws(() => designResampler(48_000, 16_000.5), /outputRate must be a whole number of hertz/);
	assert.throws(() => designResampler(48_000, 16_000, {transition: 2}), /transition must be between 0.01 and 0.9, got 2/);
	assert.throws(() => downmixToMono(new Float32Array(3), 2), /3 samples are not whole frames of 2 channels/);
});

test('stereo is downmixed by averaging the channels', () => {
	assert.deepEqual([...downmixToMono(Float32Array.from([1, 0, 0.5, 0.5, -1, 1]), 2)], [0.5, 0.5, 0]);
});

// How long it takes is a figure of bench/transcribe.bench.ts, not a test: these machines are shared.
test('a 60 s stereo 48 kHz capture converts to 60 s of 16 kHz mono', () => {
	const frames = 60 * 48_000;
	const stereo = new Float32Array(frames * 2);
	for (let i = 0; i < stereo.length; i++) {
		stereo[i] = Math.sin(i * 0.01) * 0.3;
	}
	const output = resample(downmixToMono(stereo, 2), 48_000, 16_000);
	assert.equal(output.length, 60 * 16_000);
});

test('a 48 kHz stereo float capture becomes a 16 kHz mono 16-bit WAV whisper.cpp reads', async (t) => {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'omega13-resample-'));
	t.after(() => rm(dir, {recursive: true, force: true}));
	const source = path.join(dir, '001.wav');
	const writer = await WavWriter.create(source, {sampleRate: 48_000, channels: 2, sampleFormat: 'float32'});
	const left = tone(1_000, 48_000, 2.5);
	const interleaved = new Float32Array(left.length * 2);
	for (let i = 0; i < left.length; i++) {
		interleaved[2 * i] = left[i]!;
		interleaved[2 * i + 1] = left[i]!;
	}
	writer.append(interleaved);
	await writer.finalize();

	const target = path.join(dir, 'whisper.wav');
	const audio = await writeWhisperWav(source, target);
	assert.equal(audio.frames, 40_000);
	assert.equal(audio.seconds, 2.5);
	const header = (await readFile(target)).subarray(0, 44);
	assert.equal(header.toString('latin1', 0, 4), 'RIFF');
	const back = await readWav(target);
	assert.deepEqual([back.sampleRate, back.channels, back.sampleFormat, back.frames], [16_000, 1, 'int16', 40_000]);
	const gain = db(middleRms(back.data) / middleRms(left));
	assert.ok(Math.abs(gain) < 0.1, `gain ${gain} dB`);
});
