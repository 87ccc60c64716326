/**
 * WavWriter figures (printed, never asserted): a 13 s pre-roll of 48 kHz stereo appended in one call,
 * then flushed (trigger -> pre-roll on disk, header current and datasynced); the cost of one append of a
 * 256-frame period during a live tail paced in real time, and how far the header on disk lags what was
 * appended (what a kill -9 would lose: the target is under a second); finalize after that tail.
 *
 *   npm run build && node dist/bench/wav-writer.bench.js [live-seconds]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {SampleFormat} from '../src/wav/sample-format.js';
import {readWavInfo} from '../src/wav/wav-reader.js';
import {WavWriter} from '../src/wav/wav-writer.js';

const liveSeconds = Number(process.argv[2] ?? 3);
const rate = 48_000;
const channels = 2;
const period = 256;

const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const ms = (value: number): string => `${value.toFixed(2)} ms`;
const us = (value: number): string => `${(value * 1000).toFixed(1)} µs`;

const preroll = new Float32Array(13 * rate * channels);
for (let i = 0; i < preroll.length; i++) {
	preroll[i] = Math.sin(i / 17) * 0.5;
}
const block = preroll.subarray(0, period * channels);

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-wav-bench-'));
try {
	console.log(`filesystem: ${root}`);
	for (const sampleFormat of ['float32', 'int24', 'int16'] as const satisfies readonly SampleFormat[]) {
		const writer = await WavWriter.create(path.join(root, `${sampleFormat}.wav`), {sampleRate: rate, channels, sampleFormat});
		const t0 = performance.now();
		writer.append(preroll);
		const t1 = performance.now();
		await writer.flush();
		const t2 = performance.now();
		console.log(
			`${sampleFormat}: append 13 s pre-roll ${ms(t1 - t0)} (copy/convert in the caller), ` +
				`append -> flushed and datasynced ${ms(t2 - t0)}`,
		);

		// The live tail, one JACK period at a time at the real rate (a timer stands in for the drain loop).
		const appendCosts: number[] = [];
		const headerLags: number[] = [];
		const started = performance.now();
		let frames = 0;
		while (frames < liveSeconds * rate) {
			headerLags.push((writer.framesAppended - (await readWavInfo(writer.path)).frames) / rate);
			const due = ((performance.now() - started) / 1000) * rate;
			while (frames + period <= due) {
				const a = performance.now();
				writer.append(block);
				appendCosts.push(performance.now() - a);
				frames += period;
			}
			await new Promise(resolve => setTimeout(resolve, 5));
		}
		const t3 = performance.now();
		const {frames: total} = await writer.finalize();
		const t4 = performance.now();
		console.log(
			`${sampleFormat}: live tail ${liveSeconds} s in ${appendCosts.length} appends of ${period} frames: ` +
				`append median ${us(percentile(appendCosts, 0.5))}, p99 ${us(percentile(appendCosts, 0.99))}, max ${us(Math.max(...appendCosts))}; ` +
				`header behind the appends median ${percentile(headerLags, 0.5).toFixed(3)} s, max ${Math.max(...headerLags).toFixed(3)} s; ` +
				`finalize ${ms(t4 - t3)} (${(total / rate).toFixed(2)} s in the file)`,
		);
	}
} finally {
	await fs.rm(root, {recursive: true, force: true});
}
