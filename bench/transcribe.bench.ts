/**
 * Transcription figures (printed, never asserted): stop -> transcript ready (the capture queued the
 * moment it ends, until its state is `done` with 001.txt, 001.json, session.json and transcript.md
 * written) against the bare whisper.cpp run on the same clip, once with a process per capture and once
 * with the model kept loaded in whisper.cpp's server. Target: overhead under 10 %. Also: converting a
 * 60 s 48 kHz stereo capture to 16 kHz mono.
 *
 * The clip is jfk.wav (11 s) recorded as a 48 kHz stereo float capture. The model is
 * OMEGA13_WHISPER_MODEL if set, else whisper.cpp's weightless test model (the whole pipeline runs,
 * the transcript is empty, so whisper's own time is small and the overhead share looks larger).
 *
 *   npm run build && node dist/bench/transcribe.bench.js [runs]
 */
import {execFile} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {Session} from '../src/session/session.js';
import {lazyEngine, type EngineMode} from '../src/transcribe/engine-factory.js';
import {defaultThreads} from '../src/transcribe/process-engine.js';
import {TranscriptionQueue} from '../src/transcribe/transcription-queue.js';
import {writeWhisperWav} from '../src/transcribe/whisper-audio.js';
import {jfkWav, makeSession, realModel, testModel, testWhisper, whisperTestEnv, writeCaptureWav} from '../test/helpers/whisper.js';

const runs = Number(process.argv[2] ?? 5);
const run = promisify(execFile);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number): string => `${value.toFixed(0)} ms`;

const binaries = await testWhisper();
const model = realModel() ?? testModel;
const threads = defaultThreads();
const root = await mkdtemp(path.join(os.tmpdir(), 'omega13-transcribe-bench-'));
console.log(`model: ${model}${realModel() === undefined ? ' (weightless test model: set OMEGA13_WHISPER_MODEL for a real one)' : ''}`);
console.log(`threads: ${threads}, runs: ${runs}`);

try {
	const bareRun = async (i: number): Promise<number> => {
		// whisper.cpp's main on the 16 kHz clip, as a person would run it by hand.
		const started = performance.now();
		await run(binaries.main, ['-m', model, '-f', jfkWav, '-oj', '-of', path.join(root, `bare-${i}`), '-t', String(threads), '-l', 'en'], {maxBuffer: 64 << 20});
		return performance.now() - started;
	};
	const open = async (mode: EngineMode) => {
		// One more capture than runs: the server's first one (start and model load) is reported apart.
		const dir = await makeSession(path.join(root, mode), Array.from({length: runs + 1}, () => jfkWav));
		const session = await Session.open(dir);
		const queue = new TranscriptionQueue({engine: lazyEngine({mode, model, threads, env: whisperTestEnv(), build: 'never'})});
		const capture = async (index: number): Promise<number> => {
			// Queued the moment the capture "ends", as the recorder does; ready when its state is done.
			const started = performance.now();
			const state = await queue.enqueue(session, index);
			if (state.status !== 'done') {
				throw new Error(`${mode} capture ${index} ${state.status}: ${state.reason}`);
			}
			return performance.now() - started;
		};
		const dispose = async (): Promise<void> => {
			await queue.dispose();
			await session.dispose();
		};
		return {capture, dispose};
	};
	const processQueue = await open('process');
	const serverQueue = await open('server');
	const bare: number[] = [];
	const process: number[] = [];
	const server: number[] = [];
	try {
		const firstServer = await serverQueue.capture(runs + 1);
		await processQueue.capture(runs + 1);
		await bareRun(-1);
		// Interleaved, so a busy machine slows all three alike.
		for (let i = 1; i <= runs; i++) {
			bare.push(await bareRun(i));
			process.push(await processQueue.capture(i));
			server.push(await serverQueue.capture(i));
		}
		const bareMedian = median(bare);
		const processMedian = median(process);
		const serverMedian = median(server);
		const share = (value: number): string => `${(((value - bareMedian) / bareMedian) * 100).toFixed(1)} %`;
		console.log(`bare whisper.cpp main on the 11 s clip: median ${ms(bareMedian)} (${bare.map(ms).join(', ')})`);
		console.log(
			`process per capture: stop -> transcript ready median ${ms(processMedian)} (${process.map(ms).join(', ')}); ` +
				`overhead ${ms(processMedian - bareMedian)} = ${share(processMedian)}`,
		);
		console.log(
			`model kept loaded (server): stop -> transcript ready median ${ms(serverMedian)} (${server.map(ms).join(', ')}); ` +
				`vs bare ${share(serverMedian)}; the first capture took ${ms(firstServer)} with the server start and model load`,
		);
	} finally {
		await processQueue.dispose();
		await serverQueue.dispose();
	}

	// Conversion alone: a 60 s 48 kHz stereo float capture to the 16 kHz mono WAV whisper reads.
	const long = path.join(root, 'long.wav');
	await run('sox', [jfkWav, jfkWav, jfkWav, jfkWav, jfkWav, jfkWav, path.join(root, 'long-16k.wav')]);
	await writeCaptureWav(path.join(root, 'long-16k.wav'), long);
	const conversions: number[] = [];
	for (let i = 0; i < 3; i++) {
		const started = performance.now();
		const audio = await writeWhisperWav(long, path.join(root, `long-out-${i}.wav`));
		conversions.push(performance.now() - started);
		if (i === 0) {
			console.log(`conversion input: ${audio.seconds.toFixed(1)} s at ${audio.sourceRate} Hz, ${audio.sourceChannels} channels`);
		}
	}
	console.log(`resample + downmix + 16-bit WAV of a 66 s 48 kHz stereo capture: median ${ms(median(conversions))}`);
} finally {
	await rm(root, {recursive: true, force: true});
}
