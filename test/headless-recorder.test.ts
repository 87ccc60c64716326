import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, it} from 'node:test';
import {readWav, readWavInfo} from '../src/wav/wav-reader.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {jackTestBed} from './helpers/jack-test-bed.js';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';
import {startSignalPlayer, type SignalPlayer} from './helpers/signal-player.js';
import {waitUntil} from './helpers/wait-until.js';

const rate = 48_000;
const period = 256;
let counter = 0;
const bed = jackTestBed({rate, period, prefix: 'omega13-headless-'});

/** A recorder with its own client name and sessions dir, fed the counter signal unless told otherwise. */
const startRecorder = async (options: {bufferSeconds?: number; signal?: 'counter' | 'silence' | 'none'; args?: string[]} = {}) => {
	const jackName = `rec${process.pid}x${++counter}`;
	const sessionsDir = path.join(bed.root, jackName);
	const recorder = await RecorderProcess.start({
		env: bed.server.env,
		jackName,
		args: ['--sessions-dir', sessionsDir, '--buffer-seconds', String(options.bufferSeconds ?? 2), '--connect', 'none', ...(options.args ?? [])],
	});
	bed.cleanups.push(async () => recorder.dispose());
	const signal = options.signal ?? 'counter';
	let player: SignalPlayer | undefined;
	if (signal !== 'none') {
		const playing = await startSignalPlayer({
			server: bed.server,
			signal,
			channels: 2,
			to: [`${jackName}:in_1`, `${jackName}:in_2`],
		});
		bed.cleanups.push(async () => {
			await playing.stop();
		});
		player = playing;
	}
	/** Resolves once the signal has played `seconds` more: a ring that long then holds nothing else. */
	const played = async (seconds: number): Promise<void> => player?.playFor(seconds);
	return {recorder, sessionsDir, jackName, played};
};

const waitFilled = async (recorder: RecorderProcess, seconds: number) =>
	recorder.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= seconds);

const sessionManifest = async (sessionsDir: string) => {
	const [dir] = await fs.readdir(sessionsDir);
	assert.ok(dir, `no session directory in ${sessionsDir}`);
	const sessionDir = path.join(sessionsDir, dir);
	return {sessionDir, manifest: JSON.parse(await fs.readFile(path.join(sessionDir, 'session.json'), 'utf8'))};
};

/** The counter signal with any leading frames from before the player connected trimmed off. */
const counterPart = (data: Float32Array, channels: number): {zeros: number; result: ReturnType<typeof verifyCounter>} => {
	let zeros = 0;
	while (zeros * channels < data.length && data[zeros * channels] === 0) {
		zeros++;
	}
	return {zeros, result: verifyCounter(data.subarray(zeros * channels), channels)};
};

describe('omega13 --headless against a real JACK server', () => {
	it('writes pre-roll + live, contiguous sample by sample, after the ring has wrapped', async () => {
		const {recorder, sessionsDir, played} = await startRecorder({bufferSeconds: 2});
		await waitFilled(recorder, 2);
		// Let the ring wrap well past the frames from before the player connected.
		await played(2.5);
		const started = await recorder.control('toggle');
		assert.equal(started.ok, true, started.message);
		await recorder.recordedLive(1);
		const stopped = await recorder.control('toggle');
		assert.equal(stopped.ok, true, stopped.message);
		assert.match(stopped.message, /capture 001 saved/);

		const {sessionDir, manifest} = await sessionManifest(sessionsDir);
		const wav = await readWav(path.join(sessionDir, '001.wav'));
		assert.equal(wav.sampleRate, rate);
		assert.equal(wav.channels, 2);
		const {frames} = verifyCounter(wav.data, 2);
		assert.equal(frames, wav.frames);
		const capture = manifest.captures[0];
		assert.equal(capture.file, '001.wav');
		assert.equal(capture.state, 'complete');
		assert.equal(capture.frames, wav.frames);
		assert.ok(Math.abs(capture.prerollFrames - 2 * rate) <= period, `pre-roll ${capture.prerollFrames} is not 2 s within one period`);
		assert.ok(wav.frames - capture.prerollFrames >= 0.9 * rate, 'the live part is missing');
		assert.equal(capture.droppedFrames, 0);
		assert.ok(Date.parse(capture.startedAt) < Date.parse(capture.triggeredAt) - 1900, 'startedAt must be the start of the pre-roll');
		assert.equal((await fs.stat(path.join(sessionDir, '001.wav'))).mode & 0o777, 0o600);
		assert.equal((await fs.stat(path.join(sessionDir, 'session.json'))).mode & 0o777, 0o600);
		assert.equal((await fs.stat(sessionDir)).mode & 0o777, 0o700);
	});

	it('gives two back-to-back captures each its full pre-roll', async () => {
		const {recorder, sessionsDir, played} = await startRecorder({bufferSeconds: 1});
		await waitFilled(recorder, 1);
		await played(1.5);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.recordedLive(0.3);
		assert.equal((await recorder.control('toggle')).ok, true);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.recordedLive(0.3);
		assert.equal((await recorder.control('toggle')).ok, true);
		const {sessionDir, manifest} = await sessionManifest(sessionsDir);
		for (const [i, file] of ['001.wav', '002.wav'].entries()) {
			const wav = await readWav(path.join(sessionDir, file));
			verifyCounter(wav.data, 2);
			assert.ok(Math.abs(manifest.captures[i].prerollFrames - rate) <= period, `${file}: pre-roll ${manifest.captures[i].prerollFrames}`);
		}
	});

	it('holds only what existed when triggered before the ring filled', async () => {
		const {recorder, sessionsDir} = await startRecorder({bufferSeconds: 13});
		await waitFilled(recorder, 0.5);
		const started = await recorder.control('toggle');
		assert.equal(started.ok, true);
		await recorder.recordedLive(0.3);
		assert.equal((await recorder.control('toggle')).ok, true);
		const {sessionDir, manifest} = await sessionManifest(sessionsDir);
		const wav = await readWav(path.join(sessionDir, '001.wav'));
		const capture = manifest.captures[0];
		// What the ring held when triggered (the status right after the trigger says at least that much).
		assert.ok(capture.prerollFrames <= (started.status?.bufferFilledSeconds ?? 0) * rate + 1, `pre-roll ${capture.prerollFrames} should be what existed`);
		assert.ok(capture.prerollFrames < 13 * rate, `pre-roll ${capture.prerollFrames} should be what existed, not 13 s`);
		assert.equal(wav.frames, capture.frames);
		// Only the few periods before the player's connection are silent; the rest is the counter, unbroken.
		const {zeros, result} = counterPart(wav.data, 2);
		assert.ok(zeros < capture.prerollFrames, 'the file is all silence');
		assert.equal(zeros + result.frames, wav.frames);
	});

	it('refuses a capture on silence with a reason, and exits the command non-zero', async () => {
		const {recorder, jackName} = await startRecorder({signal: 'none'});
		await waitFilled(recorder, 0.6);
		const result = await runCli(['toggle', '--jack-name', jackName], {...bed.server.env, XDG_RUNTIME_DIR: recorder.runtimeDir});
		assert.equal(result.code, 1);
		assert.match(result.stderr, /no input signal on in_1, in_2 .*check connections/);
		await recorder.waitForLine(/capture refused: no input signal/);
	});

	it('finalizes the open capture on SIGINT and exits 0', async () => {
		const {recorder, sessionsDir} = await startRecorder({bufferSeconds: 1});
		await waitFilled(recorder, 1);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.recordedLive(0.5);
		recorder.child.kill('SIGINT');
		assert.equal(await recorder.exited, 0);
		const {sessionDir, manifest} = await sessionManifest(sessionsDir);
		assert.equal(manifest.captures[0].state, 'complete');
		const wav = await readWav(path.join(sessionDir, '001.wav'));
		assert.equal(wav.frames, manifest.captures[0].frames);
		counterPart(wav.data, 2);
	});

	// How soon the header follows the audio is the WavWriter's promise (wav-writer.test.ts, and its bench):
	// here, what the header said while recording is all still there after the kill.
	it('leaves a playable file, as far as its header had got, after a kill -9; repaired at the next start', async () => {
		const {recorder, sessionsDir, jackName} = await startRecorder({bufferSeconds: 1});
		await waitFilled(recorder, 1);
		const started = await recorder.control('toggle');
		assert.ok(started.status?.capture.kind === 'recording', started.message);
		const {path: file, prerollFrames} = started.status.capture;
		await recorder.recordedLive(2);
		let headerFrames = 0;
		await waitUntil('the header to count 2 s of live audio', async () => {
			headerFrames = (await readWavInfo(file)).frames;
			return headerFrames >= prerollFrames + 2 * rate;
		});
		recorder.child.kill('SIGKILL');
		await recorder.exited;
		const {sessionDir} = await sessionManifest(sessionsDir);
		const before = await readWav(path.join(sessionDir, '001.wav'));
		assert.ok(before.frames >= headerFrames, `only ${before.frames} frames readable, the header had said ${headerFrames}`);
		counterPart(before.data, 2);

		const next = await RecorderProcess.start({
			env: bed.server.env,
			jackName: `${jackName}b`,
			args: ['--sessions-dir', sessionsDir, '--connect', 'none'],
		});
		bed.cleanups.push(async () => next.dispose());
		await next.waitForLine(/repaired .*001\.wav/);
		const {manifest} = await sessionManifest(sessionsDir);
		assert.equal(manifest.captures[0].state, 'recovered');
		const after = await readWav(path.join(sessionDir, '001.wav'));
		assert.equal(manifest.captures[0].frames, after.frames);
		assert.ok(after.frames >= before.frames);
	});

	it('fails clearly when a --connect port does not exist', async () => {
		const result = await runCli(
			['--headless', '--jack-name', `rec${process.pid}missing`, '--connect', 'nosuch:port', '--sessions-dir', path.join(bed.root, 'missing')],
			{...bed.server.env, XDG_RUNTIME_DIR: bed.root},
		);
		assert.equal(result.code, 1);
		assert.match(result.stderr, /nosuch:port/);
	});
});

describe('omega13 toggle/status with no instance running', () => {
	for (const command of ['toggle', 'status']) {
		it(`${command}: says so and exits 1`, async () => {
			const runtime = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-none-'));
			try {
				const result = await runCli([command], {...process.env, XDG_RUNTIME_DIR: runtime});
				assert.equal(result.code, 1);
				assert.match(result.stderr, /omega13 is not running .*start it with `omega13`/);
			} finally {
				await fs.rm(runtime, {recursive: true, force: true});
			}
		});
	}
});

describe('sessions and snapshots made by the real engine', () => {
	it('save-last 5 writes exactly the last 5 s of the counter signal, contiguous, with no live tail', async () => {
		const {recorder, sessionsDir, jackName, played} = await startRecorder({bufferSeconds: 6});
		await waitFilled(recorder, 6);
		await played(5.2);
		const env = {...bed.server.env, XDG_RUNTIME_DIR: recorder.runtimeDir};
		const result = await runCli(['save-last', '5', '--jack-name', jackName], env);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /capture 001 saved: 5\.00 s \(240000 frames\)/);
		const {sessionDir, manifest} = await sessionManifest(sessionsDir);
		const wav = await readWav(path.join(sessionDir, '001.wav'));
		assert.equal(wav.frames, 5 * rate);
		assert.equal(verifyCounter(wav.data, 2).frames, 5 * rate);
		assert.equal(manifest.captures[0].state, 'complete');
		assert.equal((await recorder.control('status')).status?.capture.kind, 'idle');

		// The same session, read back by the session commands.
		const cli = async (...args: string[]) => runCli([...args, '--sessions-dir', sessionsDir], env);
		const list = await cli('sessions');
		assert.equal(list.code, 0, list.stderr);
		assert.ok(list.stdout.includes(path.basename(sessionDir)));
		const show = await cli('sessions', 'show', 'last');
		assert.equal(show.code, 0, show.stderr);
		assert.match(show.stdout, /001/);
		const to = path.join(bed.root, `export-${jackName}`);
		const exported = await cli('sessions', 'export', 'last', '--to', to, '--format', 'srt');
		assert.equal(exported.code, 0, exported.stderr);
		const files = await fs.readdir(to, {recursive: true});
		assert.ok(files.some(file => String(file).endsWith('001.wav')), `exported: ${files.join(', ')}`);
		assert.ok(files.some(file => String(file).endsWith('.srt')), `exported: ${files.join(', ')}`);
		const missing = await cli('sessions', 'show', 'nosuchsession');
		assert.equal(missing.code, 2);
	});
});

describe('file naming', () => {
	it('names captures {prefix}YYYYMMDD_HHMMSS.wav from their first sample with --file-naming timestamp', async () => {
		const {recorder, sessionsDir, jackName, played} = await startRecorder({bufferSeconds: 1, args: ['--file-naming', 'timestamp', '--file-prefix', 'take_']});
		await waitFilled(recorder, 1);
		await played(1.5);
		const env = {...bed.server.env, XDG_RUNTIME_DIR: recorder.runtimeDir};
		assert.equal((await runCli(['save-last', '1', '--jack-name', jackName], env)).code, 0);
		assert.equal((await runCli(['save-last', '1', '--jack-name', jackName], env)).code, 0);
		const {sessionDir, manifest} = await sessionManifest(sessionsDir);
		const [first, second] = manifest.captures;
		assert.match(first.file, /^take_\d{8}_\d{6}\.wav$/);
		assert.match(second.file, /^take_\d{8}_\d{6}(-2)?\.wav$/);
		assert.notEqual(first.file, second.file);
		verifyCounter((await readWav(path.join(sessionDir, first.file))).data, 2);
	});
});

describe('the config file', () => {
	it('refuses to start on a bad file, listing every problem, exit 2, and writes nothing', async () => {
		const dir = await fs.mkdtemp(path.join(bed.root, 'config-'));
		const file = path.join(dir, 'config.json');
		await fs.writeFile(file, '{"bufferSeconds": "abc", "chanels": 2}');
		const sessionsDir = path.join(dir, 'sessions');
		const result = await runCli(['--headless', '--config', file, '--sessions-dir', sessionsDir], {...bed.server.env, XDG_RUNTIME_DIR: dir});
		assert.equal(result.code, 2);
		assert.match(result.stderr, /bufferSeconds: expected a number from 1 to 1800, got "abc"/);
		assert.match(result.stderr, /unknown key "chanels" \(did you mean "channels"\?\)/);
		await assert.rejects(fs.stat(sessionsDir), {code: 'ENOENT'});
	});

	it('is overridden by flags, and `omega13 config` says where each setting came from', async () => {
		const dir = await fs.mkdtemp(path.join(bed.root, 'config-'));
		const file = path.join(dir, 'config.json');
		await fs.writeFile(file, '// mine\n{"bufferSeconds": 5, "channels": 4}\n');
		const result = await runCli(['config', '--config', file, '--channels', '3']);
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /bufferSeconds\s+5\s+config file/);
		assert.match(result.stdout, /channels\s+3\s+flag --channels/);
		const init = await runCli(['config', 'init', '--config', file]);
		assert.equal(init.code, 1);
		assert.equal(await fs.readFile(file, 'utf8'), '// mine\n{"bufferSeconds": 5, "channels": 4}\n');
	});
});
