import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {describe, it} from 'node:test';
import {readWav} from '../src/wav/wav-reader.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {jackTestBed} from './helpers/jack-test-bed.js';
import {RecorderProcess} from './helpers/recorder-process.js';
import {snapshot} from './helpers/ui-fixtures.js';
import {SessionCaptures} from '../src/session/session-captures.js';
import {TimeLeftWatch} from '../src/app/time-left-watch.js';
import {startSignalPlayer} from './helpers/signal-player.js';

const run = promisify(execFile);
const rate = 48_000;
/** 48 kHz stereo float. */
const bytesPerSecond = rate * 2 * 4;
let counter = 0;
const bed = jackTestBed({rate, period: 256, prefix: 'omega13-diskfull-'});

/** A tmpfs of `bytes` (we run as root in CI's container); undefined where mounting is not allowed. */
const smallDisk = async (bytes: number): Promise<string | undefined> => {
	const dir = await fs.mkdtemp(path.join(bed.root, 'tmpfs-'));
	try {
		await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
	} catch {
		return undefined;
	}
	bed.cleanups.push(async () => {
		await run('umount', [dir]);
	});
	return dir;
};

/** A headless recorder on the counter signal, its sessions in `sessionsDir`. */
const startRecorder = async (sessionsDir: string, launcher?: string[]) => {
	const jackName = `full${process.pid}x${++counter}`;
	const recorder = await RecorderProcess.start({
		env: bed.server.env,
		jackName,
		args: ['--sessions-dir', sessionsDir, '--buffer-seconds', '1', '--connect', 'none', '--no-transcribe'],
		...(launcher ? {launcher} : {}),
	});
	bed.cleanups.push(async () => recorder.dispose());
	const player = await startSignalPlayer({server: bed.server, signal: 'counter', channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
	bed.cleanups.push(async () => {
		await player.stop();
	});
	await recorder.waitForStatus(({status}) => (status?.bufferFilledSeconds ?? 0) >= 1);
	await player.playFor(1.2);
	return recorder;
};

/** The only session's manifest and the WAV of its capture `index`. */
const captureOnDisk = async (sessionsDir: string, index: number) => {
	const [dir] = (await fs.readdir(sessionsDir)).filter(name => !name.startsWith('.'));
	assert.ok(dir, `no session in ${sessionsDir}`);
	const manifest = JSON.parse(await fs.readFile(path.join(sessionsDir, dir, 'session.json'), 'utf8'));
	const record = manifest.captures.find((capture: {index: number}) => capture.index === index);
	return {record, wavPath: path.join(sessionsDir, dir, record.file as string)};
};

/** The capture ended at its last good frame: header, record and counter all agree. */
const assertEndedWhole = async (sessionsDir: string, ended: string) => {
	const {record, wavPath} = await captureOnDisk(sessionsDir, 1);
	assert.equal(record.state, 'complete');
	assert.equal(record.ended, ended);
	const wav = await readWav(wavPath);
	assert.equal(wav.frames, record.frames, 'the header and the record must agree with the data');
	assert.equal(verifyCounter(wav.data, 2).frames, wav.frames, 'every frame up to the failure is there, in order');
	assert.ok(record.frames > rate, `only ${record.frames} frames kept`);
	return wavPath;
};

describe('a capture that runs out of disk', () => {
	it('on a full disk: reported at once, closed at the last good frame, refused while full, records again once there is room', async t => {
		const disk = await smallDisk(6 * bytesPerSecond);
		if (!disk) {
			t.skip('mounting a tmpfs is not allowed here (the file-size-limit test covers the same path)');
			return;
		}
		const sessionsDir = path.join(disk, 'sessions');
		const recorder = await startRecorder(sessionsDir);
		const started = await recorder.control('toggle');
		assert.equal(started.ok, true, started.message);

		const line = await recorder.waitForLine(/capture failed: capture 001 ended: disk full \(ENOSPC\)/);
		assert.match(line, /free some space in .*the ring keeps running/);
		await recorder.waitForLine(/capture 001 saved: .*ended: disk full/);
		const {status} = await recorder.waitForStatus(response => response.status?.state === 'idle');
		assert.ok(status);
		assert.match(status.lastFailure?.reason ?? '', /disk full/);
		assert.equal(status.lastCapture?.ended, 'disk full');
		const wavPath = await assertEndedWhole(sessionsDir, 'disk full');

		// Still full: refused with the reason, nothing half made.
		const refused = await recorder.control('toggle');
		assert.equal(refused.ok, false);
		assert.match(refused.message, /^disk full: .* free in .*free some space, then try again/);

		// Space is back: the ring kept running, the next capture works and clears the failure.
		await fs.rm(wavPath);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.recordedLive(0.2);
		const saved = await recorder.control('toggle');
		assert.equal(saved.ok, true, saved.message);
		assert.match(saved.message, /capture 002 saved/);
		assert.equal(saved.status?.lastFailure, undefined);
		const second = await captureOnDisk(sessionsDir, 2);
		assert.equal(second.record.ended, undefined);
		assert.equal(verifyCounter((await readWav(second.wavPath)).data, 2).frames, second.record.frames);
	});

	it('past the file size limit (ulimit -f): EFBIG instead of SIGXFSZ, the same report, the recorder lives on', async () => {
		const sessionsDir = path.join(bed.root, `limit${++counter}`);
		const recorder = await startRecorder(sessionsDir, ['prlimit', `--fsize=${3 * bytesPerSecond}`]);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.waitForLine(/capture failed: capture 001 ended: file too large \(EFBIG\).*ulimit -f/);
		const {status} = await recorder.waitForStatus(response => response.status?.lastCapture?.ended === 'file too large');
		assert.equal(status?.state, 'idle');
		await assertEndedWhole(sessionsDir, 'file too large');
		assert.equal(recorder.child.exitCode, null);
	});
});

describe('recording time left', () => {
	it('is shown under ten minutes of free space while recording, and goes away when idle', async t => {
		const disk = await smallDisk(2 * 1024 * 1024);
		if (!disk) {
			t.skip('mounting a tmpfs is not allowed here');
			return;
		}
		const captures = new SessionCaptures({sessionsRoot: disk, sampleFormat: 'float32', fileNaming: 'sequential', filePrefix: ''});
		const recording = snapshot({
			capture: {kind: 'recording', index: 1, path: path.join(disk, '001.wav'), startedAt: 0, triggeredAt: 0, prerollFrames: 0, frames: rate},
		});
		let current = recording;
		const notices = new Map<string, string>();
		const watch = new TimeLeftWatch({getSnapshot: () => current, source: {sampleRate: rate, channels: 2}} as never, captures, {
			say: () => undefined,
			notice: (key, line) => notices.set(key, line),
			resolve: key => notices.delete(key),
		});
		bed.cleanups.push(async () => watch.dispose());
		await watch.check();
		// 2 MiB at 384 kB a second: about 5 s.
		assert.match([...notices.values()].join(), /^recording time left: 0:0[45] before the disk is full$/);
		current = snapshot();
		await watch.check();
		assert.equal(notices.size, 0);
	});
});
