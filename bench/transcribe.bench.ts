/**
 * Transcription figures (printed, never asserted): stop -> transcript ready (the capture queued the
 * moment it ends, until its state is `done` with 001.txt, 001.json, session.json and transcript.md
 * written) against the bare whisper.cpp run on the same clip, once with a process per capture and once
 * with the model kept loaded in whisper.cpp's server. Target: overhead under 10 %. Also: converting a
 * 60 s 48 kHz stereo capture to 16 kHz mono.
 *
 * The clip is jfk.wav (11 s) recorded as a 48 kHz stereo float capture. The model is
 * OMEGA13_WHISPER_MODEL if set, else whisper.cpp's weightless test model (the whole pipeline runs,
 * the transcript is empty). Runs are interleaved so a busy machine slows every variant alike, and the
 * minimum is printed beside the median: on a shared 2-core machine it is the steadier figure. Our own
 * overhead is also measured directly: the time from stop to ready that whisper was not running.
 *
 *   npm run build && node dist/bench/transcribe.bench.js [runs]
 */
import {execFile, type ChildProcess} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {Session} from '../src/session/session.js';
import {resolveModel} from '../src/transcribe/model-resolve.js';
import {ProcessEngine} from '../src/transcribe/process-engine.js';
import {defaultThreads} from '../src/transcribe/whisper-threads.js';
import {WhisperServerEngine} from '../src/transcribe/server-engine.js';
import type {TranscriptionEngine} from '../src/transcribe/transcription-engine.js';
import {TranscriptionQueue} from '../src/transcribe/transcription-queue.js';
import {writeWhisperWav} from '../src/transcribe/whisper-audio.js';
import {jfkWav, makeSession, realModel, testModel, testWhisper, writeCaptureWav} from '../test/helpers/whisper.js';

const runs = Number(process.argv[2] ?? 7);
const run = promisify(execFile);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const min = (values: number[]): number => Math.min(...values);
const ms = (value: number): string => `${value.toFixed(0)} ms`;
const stats = (values: number[]): string => `min ${ms(min(values))}, median ${ms(median(values))}`;
const share = (value: number, base: number): string => `${(((value - base) / base) * 100).toFixed(1)} %`;

const binaries = await testWhisper();
const model = resolveModel(realModel() ?? testModel);
const threads = defaultThreads();
const root = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcribe-bench-'));
console.log(`model: ${model.path}${realModel() === undefined ? ' (weightless test model: set OMEGA13_WHISPER_MODEL for a real one)' : ''}`);
console.log(`threads: ${threads}, runs: ${runs}, load average: ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`);

/** A queue on its own session of `runs + 1` captures; `capture(i)` is stop -> ready for capture i. */
const openQueue = async (name: string, engine: TranscriptionEngine) => {
	const dir = await makeSession(path.join(root, name), Array.from({length: runs + 1}, () => jfkWav));
	const session = await Session.open(dir);
	const queue = new TranscriptionQueue({engine});
	return {
		capture: async (index: number): Promise<number> => {
			const started = performance.now();
			const state = await queue.enqueue(session, index);
			if (state.status !== 'done') {
				throw new Error(`${name} capture ${index} ${state.status}: ${state.reason}`);
			}
			return performance.now() - started;
		},
		dispose: async (): Promise<void> => {
			await queue.dispose();
			await session.dispose();
		},
	};
};

try {
	// How long each whisper process lived: the part of stop -> ready that is whisper's own work.
	let whisperLifetime = 0;
	const processEngine = new ProcessEngine({
		binaries,
		model,
		threads,
		onSpawn: (child: ChildProcess) => {
			const spawned = performance.now();
			child.once('exit', () => {
				whisperLifetime = performance.now() - spawned;
			});
		},
	});
	const serverEngine = new WhisperServerEngine({binaries, model, threads});
	const processQueue = await openQueue('process', processEngine);
	const serverQueue = await openQueue('server', serverEngine);
	const clip = await readFile(jfkWav);
	const bareRun = async (i: number): Promise<number> => {
		// whisper.cpp's main on the 16 kHz clip, as a person would run it by hand.
		const started = performance.now();
		await run(binaries.main, ['-m', model.path, '-f', jfkWav, '-oj', '-of', path.join(root, `bare-${i}`), '-t', String(threads), '-l', 'en'], {
			maxBuffer: 64 << 20,
		});
		return performance.now() - started;
	};
	const bareRequest = async (): Promise<number> => {
		// The same clip posted straight to the running server: whisper's own time with the model loaded.
		const port = await serverEngine.port();
		const form = new FormData();
		form.set('file', new Blob([clip]), 'jfk.wav');
		form.set('response-format', 'verbose_json');
		const started = performance.now();
		await (await fetch(`http://127.0.0.1:${port}/inference`, {method: 'POST', body: form})).text();
		return performance.now() - started;
	};
	const results = {bare: [] as number[], process: [] as number[], processOwn: [] as number[], server: [] as number[], serverBare: [] as number[]};
	try {
		const firstServer = await serverQueue.capture(runs + 1);
		const serverStart = serverEngine.lastStartMs ?? Number.NaN;
		await processQueue.capture(runs + 1);
		await bareRun(0);
		for (let i = 1; i <= runs; i++) {
			results.bare.push(await bareRun(i));
			const total = await processQueue.capture(i);
			results.process.push(total);
			results.processOwn.push(total - whisperLifetime);
			results.server.push(await serverQueue.capture(i));
			results.serverBare.push(await bareRequest());
		}
		const bare = min(results.bare);
		console.log(`bare whisper.cpp main on the 11 s clip: ${stats(results.bare)}`);
		console.log(
			`process per capture, stop -> transcript ready: ${stats(results.process)}; vs bare main ${share(min(results.process), bare)} (min) ` +
				`${share(median(results.process), median(results.bare))} (median); our own steps (not whisper): ${stats(results.processOwn)}`,
		);
		console.log(
			`model kept loaded (server), stop -> transcript ready: ${stats(results.server)}; vs bare main ${share(min(results.server), bare)} (min) ` +
				`${share(median(results.server), median(results.bare))} (median)`,
		);
		console.log(
			`  the same clip posted straight to that server: ${stats(results.serverBare)}; our overhead over it ${share(min(results.server), min(results.serverBare))} (min)`,
		);
		console.log(`  server start with model load: ${ms(serverStart)}; the first capture with it: ${ms(firstServer)}`);
	} finally {
		await processQueue.dispose();
		await serverQueue.dispose();
	}

	// Conversion alone: a 66 s 48 kHz stereo float capture to the 16 kHz mono WAV whisper reads.
	const long = path.join(root, 'long.wav');
	await run('sox', [jfkWav, jfkWav, jfkWav, jfkWav, jfkWav, jfkWav, path.join(root, 'long-16k.wav')]);
	await writeCaptureWav(path.join(root, 'long-16k.wav'), long);
	const conversions: number[] = [];
	for (let i = 0; i < 3; i++) {
		const started = performance.now();
		await writeWhisperWav(long, path.join(root, `long-out-${i}.wav`));
		conversions.push(performance.now() - started);
	}
	console.log(`resample + downmix + 16-bit WAV of a 66 s 48 kHz stereo float capture: ${stats(conversions)}`);
} finally {
	await rm(root, {recursive: true, force: true});
}
