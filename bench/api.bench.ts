/**
 * Issue 10's figures (printed, never asserted), against a headless recorder on `jackd -d dummy` fed the
 * counter signal:
 * - CPU of buffering alone, then of buffering + persisting as Opus at 32 kbit/s (the encoder child
 *   counted in): target <= 1.5 % of a core above the first; disk per hour (about 14 MB/h).
 * - /audio for the whole 13 s ring as WAV, time to last byte: target < 30 ms.
 * - 60 s from the rolling store as Opus: target < 300 ms.
 * - 50 concurrent /audio?seconds=13 during a capture: p99 latency; frames the capture lost (target 0).
 * - /waveform.png of the 13 s ring at 800x200.
 *
 *   npm run build && node dist/bench/api.bench.js [seconds of CPU measurement, default 30]
 */
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {listChunks} from '../src/persist/chunk-store.js';
import {readWav} from '../src/wav/wav-reader.js';
import {startApiRecorder, waitForApiStatus, type ApiRecorder} from '../test/helpers/api-recorder.js';
import {verifyCounter} from '../test/helpers/counter-signal.js';
import {startJackServer, type JackServer} from '../test/helpers/jack-server.js';
import {cpuPercent} from '../test/helpers/process-cpu.js';

const seconds = Number(process.argv[2] ?? 30);
const run = promisify(execFile);
/** % of a core of `pid` with its children (the encoders). */
const cpuOf = async (pid: number, forSeconds: number): Promise<number> => {
	const {own, children} = await cpuPercent(pid, forSeconds);
	return own + children;
};

const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
const percentile = (values: number[], p: number): number => sorted(values)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
/** Time to last byte as curl sees it: a separate client, so this process's own parsing does not count. */
const curlMs = async (api: ApiRecorder, route: string): Promise<number> => {
	const {stdout} = await run('curl', ['--silent', '--fail', '--output', '/dev/null', '--write-out', '%{time_total}', '--header', `Authorization: Bearer ${api.token}`, `${api.url}${route}`]);
	return Number(stdout) * 1000;
};

const timed = async (api: ApiRecorder, route: string): Promise<{ms: number; bytes: Buffer}> => {
	const start = performance.now();
	const response = await api.get(route);
	const bytes = Buffer.from(await response.arrayBuffer());
	if (response.status !== 200) {
		throw new Error(`${route}: ${response.status} ${bytes.toString()}`);
	}
	return {ms: performance.now() - start, bytes};
};

let server: JackServer | undefined;
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-api-bench-'));
try {
	server = await startJackServer({rate: 48_000, period: 256, sync: true});

	const plain = await startApiRecorder({server, args: []});
	await new Promise(resolve => setTimeout(resolve, 2000));
	const baseline = await cpuOf(plain.recorder.child.pid!, seconds);
	await plain.dispose();
	console.log(`buffering (API on, idle), ${seconds} s: CPU ${baseline.toFixed(2)} % of a core`);

	const dir = path.join(root, 'persist');
	const api = await startApiRecorder({server, args: ['--persist', '1', '--persist-dir', dir, '--persist-format', 'opus']});
	await new Promise(resolve => setTimeout(resolve, 2000));
	const persisting = await cpuOf(api.recorder.child.pid!, seconds);
	console.log(
		`buffering + persisting as Opus 32 kbit/s, ${seconds} s: CPU ${persisting.toFixed(2)} % of a core, ` +
			`${(persisting - baseline).toFixed(2)} % above buffering (target <= 1.5 %)`,
	);
	// The store needs a finished 60 s chunk and the next one under way for a 60 s range.
	await waitForApiStatus(api, s => s.persist?.chunks >= 1, 120_000);
	const [chunk] = (await listChunks(dir)).chunks.filter(candidate => candidate.frames === 60 * 48_000);
	if (chunk) {
		console.log(`disk per hour as Opus 32 kbit/s: ${((chunk.bytes * 60) / 1e6).toFixed(1)} MB (one 60 s chunk: ${(chunk.bytes / 1e3).toFixed(0)} KB; target about 14 MB/h)`);
	}
	await new Promise(resolve => setTimeout(resolve, 12_000));

	const wav: number[] = [];
	for (let i = 0; i < 20; i++) {
		wav.push(await curlMs(api, '/audio?seconds=13&format=wav'));
	}
	console.log(
		`/audio?seconds=13&format=wav (the whole ring, 5 MB) time to last byte (curl): median ${percentile(wav, 50).toFixed(1)} ms, ` +
			`min ${Math.min(...wav).toFixed(1)} ms, max ${Math.max(...wav).toFixed(1)} ms (target < 30 ms); load average ${os.loadavg()[0]!.toFixed(1)}`,
	);

	const end = Date.now() - 2000;
	const opus: number[] = [];
	for (let i = 0; i < 5; i++) {
		opus.push(await curlMs(api, `/audio?from=${new Date(end - 62_000).toISOString()}&to=${new Date(end - 2000).toISOString()}&format=opus`));
	}
	console.log(`60 s from the rolling store as Opus: median ${percentile(opus, 50).toFixed(0)} ms, max ${Math.max(...opus).toFixed(0)} ms (target < 300 ms)`);

	const png: number[] = [];
	for (let i = 0; i < 10; i++) {
		png.push(await curlMs(api, '/waveform.png?width=800&height=200'));
	}
	console.log(`/waveform.png of the 13 s ring at 800x200 (pngjs): median ${percentile(png, 50).toFixed(1)} ms`);

	await api.get('/capture/start', {method: 'POST'});
	const concurrent = await Promise.all(Array.from({length: 50}, async () => (await timed(api, '/audio?seconds=13&format=wav')).ms));
	const stopped = await (await api.get('/capture/stop', {method: 'POST'})).json();
	const capture = await readWav(stopped.status.lastCapture.path);
	const {frames} = verifyCounter(capture.data, 2);
	console.log(
		`50 concurrent /audio?seconds=13: p50 ${percentile(concurrent, 50).toFixed(0)} ms, p99 ${percentile(concurrent, 99).toFixed(0)} ms; ` +
			`the capture meanwhile: ${frames} contiguous counter frames, ${stopped.status.lastCapture.droppedFrames} dropped (target 0)`,
	);
	await api.dispose();
} finally {
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
}
