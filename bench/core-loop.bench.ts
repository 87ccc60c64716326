/**
 * Core-loop figures (printed, never asserted): CPU and peak RSS of `omega13 --headless` buffering
 * 48 kHz stereo (period 256) for 30 s; trigger -> pre-roll on disk; stop -> file final.
 * Targets: CPU < 1 % of a core, ring 13 s stereo = 5 MB, pre-roll on disk < 50 ms, final < 20 ms.
 *
 *   npm run build && node dist/bench/core-loop.bench.js [seconds]
 */
import {readFileSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {SessionCaptures} from '../src/session/session-captures.js';
import {AudioEngine} from '../src/engine/audio-engine.js';
import type {CaptureSink} from '../src/engine/capture-sink.js';
import {JackSource} from '../src/engine/jack-source.js';
import {startJackServer} from '../test/helpers/jack-server.js';
import {RecorderProcess} from '../test/helpers/recorder-process.js';
import {startSignalPlayer} from '../test/helpers/signal-player.js';

const seconds = Number(process.argv[2] ?? 30);
const clockTicks = 100; // USER_HZ on Linux
const cpuTicks = (pid: number): number => {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return Number(fields[11]) + Number(fields[12]);
};
const statusMb = (pid: number, field: string): number => {
	const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return Number(match?.[1] ?? 0) / 1024;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const server = await startJackServer({rate: 48_000, period: 256});
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-bench-'));
try {
	// 1. The headless process, idle but buffering.
	const recorder = await RecorderProcess.start({
		env: server.env,
		jackName: 'benchrec',
		args: ['--sessions-dir', path.join(root, 'headless'), '--connect', 'none'],
	});
	const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: ['benchrec:in_1', 'benchrec:in_2']});
	const pid = recorder.child.pid!;
	await new Promise(resolve => setTimeout(resolve, 2000));
	const ticks0 = cpuTicks(pid);
	const t0 = performance.now();
	await new Promise(resolve => setTimeout(resolve, seconds * 1000));
	const cpu = ((cpuTicks(pid) - ticks0) / clockTicks / ((performance.now() - t0) / 1000)) * 100;
	console.log(`headless buffering 48 kHz stereo, period 256, ${seconds} s: CPU ${cpu.toFixed(2)} % of a core (target < 1 %)`);
	// JACK maps the server's shared memory into every client: it counts in RSS but is not ours.
	console.log(
		`peak RSS ${statusMb(pid, 'VmHWM').toFixed(1)} MB, of which private ${statusMb(pid, 'RssAnon').toFixed(1)} MB, ` +
			`JACK shared memory ${statusMb(pid, 'RssShmem').toFixed(1)} MB`,
	);
	console.log(`ring 13 s stereo float32: ${((13 * 48_000 * 2 * 4) / 1e6).toFixed(2)} MB (target 5 MB)`);
	await player.stop();
	await recorder.dispose();

	// 2. Trigger and stop latencies, in process, with the real JACK source and the real writer.
	const source = JackSource.open({name: 'benchengine', channels: 2, connect: 'none', serverName: server.name});
	const player2 = await startSignalPlayer({server, signal: 'counter', channels: 2, to: ['benchengine:in_1', 'benchengine:in_2']});
	let sink: CaptureSink | undefined;
	const captures = new SessionCaptures({sessionsRoot: path.join(root, 'engine'), sampleFormat: 'float32', fileNaming: 'sequential', filePrefix: ''});
	const engine = new AudioEngine({
		source,
		bufferSeconds: 13,
		silenceGate: {thresholdDb: -60, windowSeconds: 0.5},
		openCapture: async (start, events) => {
			sink = await captures.open(start, events);
			return sink;
		},
	});
	await new Promise(resolve => setTimeout(resolve, 13_500));
	const onDisk: number[] = [];
	const final: number[] = [];
	for (let i = 0; i < 5; i++) {
		const triggered = performance.now();
		await engine.start();
		await sink!.flush();
		onDisk.push(performance.now() - triggered);
		await new Promise(resolve => setTimeout(resolve, 1000));
		const stopping = performance.now();
		await engine.stop();
		final.push(performance.now() - stopping);
	}
	console.log(`trigger -> 13 s pre-roll on disk: median ${median(onDisk).toFixed(1)} ms, max ${Math.max(...onDisk).toFixed(1)} ms (target < 50 ms)`);
	console.log(`stop -> file final: median ${median(final).toFixed(1)} ms, max ${Math.max(...final).toFixed(1)} ms (target < 20 ms)`);
	await engine.dispose();
	await captures.dispose();
	await player2.stop();
} finally {
	await server.stop();
	await fs.rm(root, {recursive: true, force: true});
}
