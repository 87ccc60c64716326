import assert from 'node:assert/strict';
import {execFile, spawn} from 'node:child_process';
import {copyFile, mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {after, before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {readWav, readWavInfo} from '../src/wav/wav-reader.js';
import {repairWav} from '../src/wav/wav-repair.js';
import {WavWriter} from '../src/wav/wav-writer.js';
import {counterSample, fillCounter} from './fixtures/wav-writer-child.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('fixtures/wav-writer-child.js', import.meta.url));
const rate = 48_000;
const channels = 2;

let dir: string;
before(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'omega13-wav-crash-'));
});
after(async () => {
	await rm(dir, {recursive: true, force: true});
});

/** Every sample equals the counter signal the child wrote: the file is a prefix of what was appended. */
const assertCounterPrefix = (data: Float32Array): void => {
	for (let i = 0; i < data.length; i++) {
		if (data[i] !== counterSample(i)) {
			assert.fail(`sample ${i} is ${data[i]}, expected ${counterSample(i)}`);
		}
	}
};

const soxAccepts = async (file: string): Promise<number> => {
	const {stdout} = await run('sox', ['--i', '-s', file]);
	await run('sox', [file, '-n', 'stat']);
	return Number(stdout.trim());
};

describe('WavWriter in a process that dies', () => {
	// How far behind the header runs (its refresh every 500 ms) is a figure of bench/wav-writer.bench.ts: on
	// a loaded machine any bound in seconds is the machine's. Here: whatever the header said before the kill
	// is still there, playable, and repair keeps at least that.
	it('leaves a file that plays as far as its header had got at a kill -9, before and after repair', async (t) => {
		const file = path.join(dir, 'killed.wav');
		const proc = spawn(process.execPath, [child, 'stream', file, String(channels), String(rate)], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let appendedAtKill = 0;
		let headerAtKill = 0;
		try {
			const lines = createInterface({input: proc.stdout});
			for await (const line of lines) {
				const match = /^appended (\d+)$/.exec(line);
				assert.ok(match, `unexpected child output: ${line}`);
				appendedAtKill = Number(match[1]);
				// Run long enough for several header refreshes, then kill at an arbitrary point.
				if (appendedAtKill >= 2.7 * rate) {
					headerAtKill = (await readWavInfo(file)).frames;
					if (headerAtKill >= 2 * rate) {
						proc.kill('SIGKILL');
						break;
					}
				}
			}
		} finally {
			proc.kill('SIGKILL');
		}
		const [signal] = (await new Promise((resolve) => {
			if (proc.exitCode !== null || proc.signalCode !== null) {
				resolve([proc.signalCode]);
			} else {
				proc.once('exit', (_code, sig) => {
					resolve([sig]);
				});
			}
		})) as [NodeJS.Signals | null];
		assert.equal(signal, 'SIGKILL');

		// Before repair: the header describes everything up to its last refresh.
		const before = await readWavInfo(file);
		assert.ok(before.frames >= headerAtKill, `the header said ${headerAtKill} frames before the kill, ${before.frames} after`);
		const unrepaired = await readWav(file);
		assertCounterPrefix(unrepaired.data);
		assert.equal(await soxAccepts(file), before.frames);

		const repaired = await repairWav(file);
		assert.ok(repaired.frames >= before.frames);
		t.diagnostic(
			`killed at ${appendedAtKill} frames; header said ${before.frames} (${((appendedAtKill - before.frames) / rate).toFixed(3)} s behind), ` +
				`repair kept ${repaired.frames} (${((appendedAtKill - repaired.frames) / rate).toFixed(3)} s behind)`,
		);
		const after = await readWavInfo(file);
		assert.equal(after.stale, false);
		assert.equal(after.frames, repaired.frames);
		assert.equal(after.factSampleLength, repaired.frames);
		assertCounterPrefix((await readWav(file)).data);
		assert.equal(await soxAccepts(file), repaired.frames);
		assert.equal((await repairWav(file)).repaired, false);
	});

	it('leaves an RF64 file whose ds64 sizes lag the data after the switch, which repair brings up to date', async () => {
		const file = path.join(dir, 'rf64-live.wav');
		const killed = path.join(dir, 'rf64-killed.wav');
		// RF64 from half a second on; no timed refresh, so the header stays where the flush left it.
		const writer = await WavWriter.create(file, {sampleRate: rate, channels, rf64AboveBytes: rate * 4, headerRefreshMs: 60_000});
		try {
			const second = new Float32Array(rate * channels);
			fillCounter(second, 0, channels);
			writer.append(second);
			await writer.flush();
			for (let s = 1; s <= 3; s++) {
				fillCounter(second, s * rate, channels);
				writer.append(second);
			}
			// The write loop writes each full 256 KB chunk as it fills, without touching the header.
			while (writer.framesWritten < 2 * rate) {
				await new Promise((resolve) => setTimeout(resolve, 5));
			}
			// What a kill -9 at this moment leaves on disk.
			await copyFile(file, killed);
		} finally {
			await writer.dispose();
		}

		const before = await readWavInfo(killed);
		assert.deepEqual([before.rf64, before.stale, before.frames, before.declaredDataSize], [true, true, rate, rate * 8]);
		assert.ok(before.framesOnDisk >= 2 * rate);
		assertCounterPrefix((await readWav(killed)).data);
		assert.equal(await soxAccepts(killed), rate);

		const repaired = await repairWav(killed);
		assert.equal(repaired.frames, before.framesOnDisk);
		const after = await readWavInfo(killed);
		assert.deepEqual([after.rf64, after.stale, after.frames, after.factSampleLength], [true, false, repaired.frames, repaired.frames]);
		assert.equal(after.declaredRiffSize, after.fileSize - 8);
		assertCounterPrefix((await readWav(killed)).data);
		assert.equal(await soxAccepts(killed), repaired.frames);
	});

	it('reports a write error through error, onError, flush and finalize, and keeps the frames written', async () => {
		const file = path.join(dir, 'full.wav');
		// RLIMIT_FSIZE makes the kernel refuse writes past 1 MiB with EFBIG: a real mid-stream write error,
		// like a full disk, without needing one. Node ignores SIGXFSZ, so the write fails instead of the process.
		const {stdout} = await run('bash', ['-c', 'ulimit -f 1024 && exec "$0" "$@"', process.execPath, child, 'fill', file, '2', '48000']);
		const result = JSON.parse(stdout.trim()) as Record<string, unknown>;
		assert.equal(result['errorCode'], 'EFBIG');
		assert.equal(result['onErrorCode'], 'EFBIG');
		assert.equal(result['flushError'], 'EFBIG');
		assert.equal(result['finalizeError'], 'EFBIG');
		assert.equal(result['appendThrew'], false);
		assert.equal(result['errorFramesWritten'], result['framesWritten']);
		const framesWritten = result['framesWritten'] as number;
		assert.ok(framesWritten > 0);
		assert.ok((result['framesAppended'] as number) > framesWritten);
		const info = await readWavInfo(file);
		assert.equal(info.stale, false);
		assert.equal(info.frames, framesWritten);
		assert.ok(info.fileSize <= 1024 * 1024);
		assertCounterPrefix((await readWav(file)).data);
		assert.equal(await soxAccepts(file), framesWritten);
	});
});
