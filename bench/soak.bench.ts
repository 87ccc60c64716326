/**
 * Soak figures (printed, never asserted): `omega13 --headless` left running at period 64 on a machine
 * with a CPU hog on every core, the counter signal playing into it and a capture every minute. Each
 * capture is checked sample by sample: frames lost (the counter skips them and no gap says so), gaps
 * reported (session.json) against gaps found (runs of silence the counter jumps across), and the
 * recorder's private memory over the run. Targets: 0 frames lost, gaps reported = gaps found, memory flat.
 *
 *   npm run build && node dist/bench/soak.bench.js                     # 2 minutes (what `npm run bench` runs)
 *   OMEGA13_SOAK_SECONDS=3600 node dist/bench/soak.bench.js            # the 1 h soak
 *
 * Environment: OMEGA13_SOAK_SECONDS (length, default 120), OMEGA13_SOAK_CAPTURE_EVERY (seconds between
 * capture starts, default 60), OMEGA13_SOAK_CAPTURE_SECONDS (live seconds after the 13 s pre-roll,
 * default 20), OMEGA13_SOAK_HOGS (busy processes, default one per core), OMEGA13_SOAK_SYNC=0 (an
 * asynchronous jackd: a late player's period may be missed there with no cycle of omega13 missed, so
 * "frames lost" counts those too; a period read again is counted apart),
 * OMEGA13_SOAK_STALL_SECONDS (stop the whole recorder, real-time thread too, this long halfway through
 * each capture's live part, with SIGSTOP: a gap of known length in every file; default none).
 * Each WAV is deleted once checked (an hour of captures would be 0.8 GB); session.json is kept until the end.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {SessionManifest} from '../src/session/session-manifest.js';
import {readWav} from '../src/wav/wav-reader.js';
import {verifyCounterInOrder} from '../test/helpers/counter-signal.js';
import {startJackServer} from '../test/helpers/jack-server.js';
import {privateMiB} from '../test/helpers/process-memory.js';
import {RecorderProcess} from '../test/helpers/recorder-process.js';
import {startSignalPlayer} from '../test/helpers/signal-player.js';

const setting = (name: string, fallback: number, least = Number.MIN_VALUE): number => {
	const raw = process.env[name];
	const value = raw === undefined || raw === '' ? fallback : Number(raw);
	if (!Number.isFinite(value) || value < least) {
		throw new Error(`${name} must be a number ${least === 0 ? 'of 0 or more' : 'above 0'}, got "${raw}"`);
	}
	return value;
};
const soakSeconds = setting('OMEGA13_SOAK_SECONDS', 120);
const every = setting('OMEGA13_SOAK_CAPTURE_EVERY', 60);
const liveSeconds = setting('OMEGA13_SOAK_CAPTURE_SECONDS', 20);
const hogCount = Math.floor(setting('OMEGA13_SOAK_HOGS', os.availableParallelism(), 0));
const sync = process.env.OMEGA13_SOAK_SYNC !== '0';
const stallSeconds = process.env.OMEGA13_SOAK_STALL_SECONDS ? setting('OMEGA13_SOAK_STALL_SECONDS', 1) : 0;
const period = 64;
const bufferSeconds = 13;
if (liveSeconds + 5 > every) {
	throw new Error(`OMEGA13_SOAK_CAPTURE_SECONDS (${liveSeconds}) must leave at least 5 s before the next capture (OMEGA13_SOAK_CAPTURE_EVERY ${every})`);
}

type Gap = {readonly atFrame: number; readonly frames: number};

/** Gaps that touch are one run of silence in the file. */
const merged = (gaps: readonly Gap[]): Gap[] =>
	gaps.reduce<Gap[]>((runs, gap) => {
		const last = runs.at(-1);
		if (last !== undefined && last.atFrame + last.frames === gap.atFrame) {
			runs[runs.length - 1] = {atFrame: last.atFrame, frames: last.frames + gap.frames};
		} else {
			runs.push(gap);
		}
		return runs;
	}, []);

/** Frames of exact silence on both channels from frame `from`, stepping by `step` (1 forwards, -1 back). */
const silentRun = (data: Float32Array, from: number, step: 1 | -1): number => {
	let count = 0;
	for (let i = from; i >= 0 && i < data.length / 2 && data[i * 2] === 0 && data[i * 2 + 1] === 0; i += step) {
		count++;
	}
	return count;
};

/** What one capture's file holds, against what its session.json says. */
const checkCapture = (data: Float32Array, reported: readonly Gap[]) => {
	const frames = data.length / 2;
	// A gap at either end of the file is silence with no counter on that side to jump across.
	const lead = silentRun(data, 0, 1);
	const trail = lead === frames ? 0 : silentRun(data, frames - 1, -1);
	const {disturbances} = verifyCounterInOrder(data.subarray(lead * 2, (frames - trail) * 2), 2, period);
	const found: Gap[] = [
		...(lead > 0 ? [{atFrame: 0, frames: lead}] : []),
		...disturbances.flatMap(d => (d.filled === undefined ? [] : [{atFrame: lead + d.frame, frames: d.filled}])),
		...(trail > 0 ? [{atFrame: frames - trail, frames: trail}] : []),
	];
	const reportedRuns = merged(reported);
	const matching = found.filter(gap => reportedRuns.some(run => run.atFrame === gap.atFrame && run.frames === gap.frames)).length;
	// A late player on an async jackd: its period read again (and the one after it skipped) is the
	// signal arriving a period late at the source, with no cycle of omega13 missed: counted apart.
	const unfilled = disturbances.filter(d => d.filled === undefined && d.repeated === undefined);
	const late = disturbances.filter(d => d.repeated !== undefined);
	return {
		frames,
		found,
		reportedRuns,
		matching,
		// Counter frames missing or torn with no silence in their place: nothing reported them.
		lost: unfilled.reduce((sum, d) => sum + d.skipped + d.tornFrames, 0),
		repeated: late.reduce((sum, d) => sum + (d.repeated ?? 0) + d.skipped, 0),
		// Counter frames missing where a filled gap stands for them: lost by the machine, but told.
		missedAndFilled: disturbances.reduce((sum, d) => sum + (d.filled === undefined ? 0 : d.skipped), 0),
	};
};

const clock = (seconds: number): string => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
const mib = (value: number): string => `${value.toFixed(1)} MiB`;
const delay = async (ms: number): Promise<void> =>
	new Promise(resolve => {
		setTimeout(resolve, Math.max(0, ms));
	});

const hogs: ChildProcess[] = [];
const stopHogs = (): void => {
	for (const hog of hogs.splice(0)) {
		hog.kill('SIGKILL');
	}
};
process.on('exit', stopHogs);

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-soak-'));
const server = await startJackServer({rate: 48_000, period, sync});
try {
	const sessionsDir = path.join(root, 'sessions');
	// Its own config and data homes: a config file of the person running the bench must not change it.
	const env = {...server.env, XDG_CONFIG_HOME: path.join(root, 'config'), XDG_DATA_HOME: path.join(root, 'data')};
	const jackName = `soak${process.pid}`;
	const recorder = await RecorderProcess.start({
		env,
		jackName,
		args: ['--sessions-dir', sessionsDir, '--buffer-seconds', String(bufferSeconds), '--connect', 'none', '--no-transcribe', '--hotkey', 'off'],
	});
	const pid = recorder.child.pid!;
	const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
	try {
		const memoryAtReady = privateMiB(pid);
		for (let i = 0; i < hogCount; i++) {
			hogs.push(spawn('sh', ['-c', 'while :; do :; done'], {stdio: 'ignore'}));
		}
		// The first pre-roll then holds only counter: any silence in a file is a gap.
		await player.playFor(bufferSeconds + 0.5);
		await recorder.waitForStatus(({status}) => (status?.bufferFilledSeconds ?? 0) >= bufferSeconds);
		console.log(
			`soak ${clock(soakSeconds)} at 48 kHz, period ${period}, ${sync ? 'synchronous' : 'asynchronous'} jackd, ${hogs.length} CPU hogs on ${os.availableParallelism()} cores; ` +
				`a capture (${bufferSeconds} s pre-roll + ${liveSeconds} s live${stallSeconds > 0 ? `, the recorder stopped for ${stallSeconds} s in it` : ''}) every ${every} s; load average ${os.loadavg().map(load => load.toFixed(1)).join(' ')}`,
		);
		const started = Date.now();
		// Every 5 s, not only at captures: the heap swings between collections, and its highs matter.
		const memory: number[] = [privateMiB(pid)];
		const sampler = setInterval(() => {
			if (recorder.child.exitCode === null) {
				memory.push(privateMiB(pid));
			}
		}, 5000);
		sampler.unref();
		const totals = {captures: 0, seconds: 0, lost: 0, repeated: 0, reported: 0, found: 0, matching: 0, filled: 0, missedAndFilled: 0, broken: 0};
		const causes = new Map<string, number>();
		for (let index = 0; index * every < soakSeconds; index++) {
			await delay(started + index * every * 1000 - Date.now());
			const at = clock((Date.now() - started) / 1000);
			const triggered = await recorder.control('toggle');
			if (!triggered.ok) {
				console.log(`capture ${index + 1} at ${at}: refused: ${triggered.message}`);
				continue;
			}
			if (stallSeconds > 0) {
				await recorder.recordedLive(liveSeconds / 2);
				recorder.child.kill('SIGSTOP');
				try {
					await delay(stallSeconds * 1000);
				} finally {
					recorder.child.kill('SIGCONT');
				}
			}
			await recorder.recordedLive(liveSeconds);
			const stopped = await recorder.control('toggle');
			const wavPath = stopped.status?.lastCapture?.path;
			if (!stopped.ok || wavPath === undefined) {
				console.log(`capture ${index + 1} at ${at}: the stop failed: ${stopped.message}`);
				continue;
			}
			const manifest = JSON.parse(await fs.readFile(path.join(path.dirname(wavPath), 'session.json'), 'utf8')) as SessionManifest;
			const capture = manifest.captures.find(each => each.file === path.basename(wavPath));
			if (capture === undefined) {
				console.log(`capture ${index + 1} at ${at}: session.json does not list ${path.basename(wavPath)}`);
				continue;
			}
			const reported = capture.gaps ?? [];
			for (const gap of reported) {
				causes.set(gap.cause, (causes.get(gap.cause) ?? 0) + 1);
			}
			const wav = await readWav(wavPath);
			await fs.rm(wavPath);
			totals.captures++;
			totals.seconds += wav.frames / wav.sampleRate;
			totals.reported += reported.length;
			totals.filled += capture.droppedFrames;
			let line: string;
			try {
				const check = checkCapture(wav.data, reported);
				totals.lost += check.lost;
				totals.repeated += check.repeated;
				totals.found += check.found.length;
				totals.matching += check.matching;
				totals.missedAndFilled += check.missedAndFilled;
				line =
					`gaps reported ${reported.length} (${capture.droppedFrames} frames, droppedFrames ${capture.droppedFrames === reported.reduce((sum, gap) => sum + gap.frames, 0) ? '=' : '!='} their sum), ` +
					`found ${check.found.length}, matching ${check.matching}${check.reportedRuns.length === reported.length ? '' : ` (${check.reportedRuns.length} runs)`}; ` +
					`frames lost ${check.lost}${check.repeated > 0 ? `, a late player's period read again or skipped ${check.repeated}` : ''}`;
				if (check.found.length !== check.matching || check.reportedRuns.length !== check.matching) {
					line += `\n    reported ${JSON.stringify(reported)}\n    found ${JSON.stringify(check.found)}`;
				}
			} catch (error) {
				totals.broken++;
				line = `COUNTER BROKEN: ${(error as Error).message}`;
			}
			console.log(`capture ${index + 1} at ${at}: ${(wav.frames / wav.sampleRate).toFixed(1)} s, ${line}; recorder private ${mib(privateMiB(pid))}`);
		}
		const elapsed = (Date.now() - started) / 1000;
		clearInterval(sampler);
		stopHogs();
		const status = (await recorder.control('status')).status;
		const playerStats = await player.stop();
		const logGaps = recorder.lines.filter(line => /of audio never arrived/.test(line)).length;

		console.log(`-- ${totals.captures} captures, ${totals.seconds.toFixed(1)} s of audio checked sample by sample over ${clock(elapsed)}`);
		console.log(
			`frames lost (counter, with no gap reported): ${totals.lost} (target 0)${totals.repeated > 0 ? `; frames of a late player's period read again or skipped after (async jackd, not omega13's): ${totals.repeated}` : ''}${totals.broken > 0 ? `; captures with the counter out of order: ${totals.broken}` : ''}`,
		);
		console.log(
			`gaps reported ${totals.reported}, found ${totals.found}, matching ${totals.matching} (target: all equal); ` +
				`${totals.filled} frames filled with silence (${[...causes].map(([cause, count]) => `${cause} ${count}`).join(', ') || 'no gaps'}), ` +
				`of which the player had played ${totals.missedAndFilled}`,
		);
		console.log(
			`whole run: ${status?.xruns ?? '?'} xruns, ${status?.droppedFrames ?? '?'} frames that never arrived (status), ${logGaps} lines about gaps in the log; ` +
				`player: ${playerStats.underrunFrames} frames underrun (target 0: else the counter has gaps at the source), ${playerStats.xruns} xruns`,
		);
		{
			// One sample is wherever the garbage collector left the heap (it swings by 15 MiB between
			// collections): growth is the highest of the last half against the highest of the first.
			const half = Math.ceil(memory.length / 2);
			const early = Math.max(...memory.slice(0, half));
			const late = Math.max(...memory.slice(memory.length - half));
			const hours = elapsed / 3600;
			console.log(
				`recorder private memory (Private_Clean + Private_Dirty): ${mib(memoryAtReady)} at ready; every 5 s ` +
					`min ${mib(Math.min(...memory))}, max ${mib(Math.max(...memory))}; highest in the first half ${mib(early)}, in the last half ${mib(late)}: ` +
					`growth ${mib(late - early)}${hours >= 1 / 6 ? ` over ${(hours * 60).toFixed(0)} min` : ' (a short run: see OMEGA13_SOAK_SECONDS)'}`,
			);
		}
	} finally {
		stopHogs();
		player.dispose();
		await recorder.dispose();
	}
} finally {
	stopHogs();
	await server.stop();
	await fs.rm(root, {recursive: true, force: true});
}
