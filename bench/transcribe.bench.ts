/**
 * Transcription figures (printed, never asserted), with the bundled whisper.cpp kept loaded in its own
 * process and the weightless test model unless OMEGA13_WHISPER_MODEL names a real one:
 *
 * - first start to first transcript `done`: a new transcription process (node, the addon, the model)
 *   and one 11 s capture; target < 5 s (the old engine compiled whisper.cpp first, about 100 s);
 * - VAD speed: seconds of jfk.wav Silero gets through per second of one core (it runs on one thread);
 *   target >= 20x real time;
 * - pipeline overhead with the model loaded: stop -> transcript written, minus what whisper.cpp and
 *   Silero themselves computed; target < 50 ms. Printed also without the 48 kHz stereo -> 16 kHz mono
 *   conversion (the resampler, measured alone), which is most of it;
 * - memory: the transcription process's private memory with the model and Silero loaded, and the
 *   private memory of this process (the recorder's side: queue, session) before and after, and whether
 *   the addon was ever mapped into it (it must not be).
 *
 *   npm run build && node dist/bench/transcribe.bench.js [runs]
 */
import {readFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {Session} from '../src/session/session.js';
import {formatMiB, privateMiB} from '../test/helpers/process-memory.js';
import {lazyEngine} from '../src/transcribe/engine-factory.js';
import {TranscriptionQueue} from '../src/transcribe/transcription-queue.js';
import {writeWhisperWav} from '../src/transcribe/whisper-audio.js';
import {jfkWav, makeSession, realModel, sileroModel, testModel} from '../test/helpers/whisper.js';

const runs = Number(process.argv[2] ?? 5);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number): string => `${value.toFixed(0)} ms`;
const stats = (values: number[]): string => `min ${ms(Math.min(...values))}, median ${ms(median(values))}`;

const model = realModel() ?? testModel;
const root = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcribe-bench-'));
console.log(`model: ${model}${realModel() === undefined ? ' (weightless test model: set OMEGA13_WHISPER_MODEL for a real one)' : ''}`);
console.log(`runs: ${runs}, cores: ${os.availableParallelism()}, load average: ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`);
const recorderBefore = formatMiB(privateMiB('self'));

const dir = await makeSession(path.join(root, 'captures'), Array.from({length: runs + 1}, () => jfkWav));
const session = await Session.open(dir);
const engine = lazyEngine({model, vad: sileroModel});
const queue = new TranscriptionQueue({engine});

const transcribeOne = async (index: number): Promise<{totalMs: number; computeMs: number}> => {
	const {transcribeMs, detectMs} = engine.child.counters;
	const started = performance.now();
	const state = await queue.enqueue(session, index);
	if (state.status !== 'done') {
		throw new Error(`capture ${index} ${state.status}: ${state.reason}`);
	}
	const totalMs = performance.now() - started;
	return {totalMs, computeMs: engine.child.counters.transcribeMs - transcribeMs + engine.child.counters.detectMs - detectMs};
};

try {
	const first = await transcribeOne(1);
	console.log(`first start to first transcript done: ${ms(first.totalMs)} (whisper.cpp and Silero computing: ${ms(first.computeMs)}; target < 5000 ms)`);

	const vadRuns: number[] = [];
	for (let run = 0; run < runs; run++) {
		const before = engine.child.counters.detectMs;
		await engine.child.detectSpeechInFile(jfkWav, sileroModel, new AbortController().signal);
		vadRuns.push(engine.child.counters.detectMs - before);
	}
	console.log(`VAD on jfk.wav (11.0 s, one thread): ${stats(vadRuns)} -> ${(11_000 / median(vadRuns)).toFixed(1)}x real time (target >= 20x)`);

	const totals: number[] = [];
	const overheads: number[] = [];
	for (let index = 2; index <= runs + 1; index++) {
		const {totalMs, computeMs} = await transcribeOne(index);
		totals.push(totalMs);
		overheads.push(totalMs - computeMs);
	}
	console.log(`stop -> transcript written, model loaded: ${stats(totals)}`);
	console.log(`pipeline overhead (that minus whisper.cpp and Silero compute): ${stats(overheads)} (target < 50 ms)`);
	const conversions: number[] = [];
	for (let run = 0; run < runs; run++) {
		const started = performance.now();
		await writeWhisperWav(path.join(dir, '001.wav'), path.join(root, 'converted.wav'));
		conversions.push(performance.now() - started);
	}
	console.log(`  of which converting the 11 s 48 kHz stereo capture to 16 kHz mono: ${stats(conversions)}; the rest: ${ms(median(overheads) - median(conversions))}`);
	console.log(`transcription process private memory (model + Silero loaded): ${formatMiB(privateMiB(engine.child.pid!))}`);
	console.log(`this (the recorder's) process private memory: ${recorderBefore} before, ${formatMiB(privateMiB('self'))} after; the addon mapped here: ${readFileSync('/proc/self/maps', 'utf8').includes('node-whisper') ? 'YES' : 'no'}`);
} finally {
	await queue.dispose();
	await session.dispose();
	await rm(root, {recursive: true, force: true});
}
