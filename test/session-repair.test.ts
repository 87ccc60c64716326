import assert from 'node:assert/strict';
import {execFile, spawn, type ChildProcess} from 'node:child_process';
import {appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {after, before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {Session} from '../src/session/session.js';
import {captureRecord} from './helpers/capture-record.js';
import type {CaptureRecord, SessionManifest} from '../src/session/session-manifest.js';
import {repairSessions, type RepairReport} from '../src/session/session-repair.js';
import {readWav, readWavInfo} from '../src/wav/wav-reader.js';
import {WavWriter} from '../src/wav/wav-writer.js';
import {counterSample, fillCounter} from './fixtures/wav-writer-child.js';
import {waitUntil} from './helpers/wait-until.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('fixtures/wav-writer-child.js', import.meta.url));

let root: string;
const children: ChildProcess[] = [];
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-session-repair-'));
});
after(async () => {
	for (const proc of children) {
		proc.kill('SIGKILL');
	}
	await rm(root, {recursive: true, force: true});
});

const exited = async (proc: ChildProcess): Promise<void> => {
	if (proc.exitCode === null && proc.signalCode === null) {
		await new Promise((resolve) => proc.once('exit', resolve));
	}
};

const readManifest = async (dir: string): Promise<SessionManifest> =>
	JSON.parse(await readFile(path.join(dir, 'session.json'), 'utf8')) as SessionManifest;

/** A record as the writer's first manifest entry has it: nothing written yet. */
const baseRecord = (index: number, overrides: Partial<CaptureRecord> = {}): CaptureRecord =>
	captureRecord(index, {frames: 0, durationSeconds: 0, ...overrides});

/** A finished file of `frames` frames of the counter signal. */
const writeCounter = async (file: string, frames: number): Promise<void> => {
	const writer = await WavWriter.create(file, {sampleRate: 48_000, channels: 2});
	const block = new Float32Array(frames * 2);
	fillCounter(block, 0, 2);
	writer.append(block);
	await writer.finalize();
};

const lineOf = (reports: RepairReport[], file: string): string | undefined => reports.find((report) => report.line.includes(file))?.line;

describe('repairSessions', () => {
	it('recovers a capture whose process was killed while recording, and clears its lock', async () => {
		const session = await Session.create(root, {now: new Date(2025, 10, 23, 10, 0, 0)});
		const capture = session.nextCapture();
		const proc = spawn(process.execPath, [child, 'stream', capture.path, '2', '48000'], {stdio: ['ignore', 'pipe', 'inherit']});
		children.push(proc);
		for await (const line of createInterface({input: proc.stdout!})) {
			if (Number(line.split(' ')[1]) >= 72_000) {
				break;
			}
		}
		await session.addCapture(baseRecord(capture.index));
		proc.kill('SIGKILL');
		await exited(proc);
		await session.dispose();
		// What the dead writer's own session would have left behind.
		await writeFile(path.join(session.dir, '.omega13.lock'), JSON.stringify({pid: proc.pid, start: '1'}));
		await writeFile(path.join(session.dir, '.session.json.tmp-1-1'), '{"half": ');

		const reports = await repairSessions(root);
		const [report] = reports.filter((r) => r.sessionId === session.id);
		assert.equal(report?.action, 'recovered');
		const {frames} = await readWavInfo(capture.path);
		assert.ok(frames >= 48_000, `only ${frames} frames recovered`);
		const seconds = frames / 48_000;
		assert.equal(report.line, `${session.id}/001.wav: recovered ${seconds.toFixed(2)} s (cut off while recording)`);
		assert.equal(report.frames, frames);

		const manifest = await readManifest(session.dir);
		assert.deepEqual(manifest.captures, [baseRecord(1, {state: 'recovered', frames, durationSeconds: seconds})]);
		const wav = await readWav(capture.path);
		for (let i = 0; i < wav.data.length; i++) {
			if (wav.data[i] !== counterSample(i)) {
				assert.fail(`sample ${i} differs`);
			}
		}
		await run('sox', [capture.path, '-n', 'stat']);
		assert.deepEqual((await readdir(session.dir)).sort(), ['001.wav', 'session.json']);
	});

	it('repairs stale header sizes, adds WAV files missing from the manifest, and reports one line per file', async () => {
		const session = await Session.create(root, {now: new Date(2025, 10, 23, 11, 0, 0)});
		await writeCounter(path.join(session.dir, '001.wav'), 48_000);
		await session.addCapture(baseRecord(1, {state: 'complete', frames: 48_000, durationSeconds: 1, endedAt: '2025-11-23T10:00:14.000Z'}));
		// Frames written after the last header refresh.
		const more = new Float32Array(72_000 * 2);
		fillCounter(more, 0, 2);
		await appendFile(path.join(session.dir, '001.wav'), Buffer.from(more.buffer, 48_000 * 8));
		// A capture whose record never made it to the manifest.
		await writeCounter(path.join(session.dir, '002.wav'), 24_000);
		await session.dispose();

		const reports = (await repairSessions(root)).filter((report) => report.sessionId === session.id);
		assert.deepEqual(
			reports.map((report) => report.line),
			[
				`${session.id}/001.wav: recovered 1.50 s (its header sizes were out of date)`,
				`${session.id}/002.wav: recovered 0.50 s (it was missing from session.json)`,
			],
		);
		const manifest = await readManifest(session.dir);
		assert.equal(manifest.captures.length, 2);
		const [first, second] = manifest.captures as [CaptureRecord, CaptureRecord];
		assert.equal(first.state, 'recovered');
		assert.equal(first.frames, 72_000);
		assert.equal(first.durationSeconds, 1.5);
		assert.equal(first.endedAt, undefined);
		assert.deepEqual((await readWav(path.join(session.dir, '001.wav'))).data, more);

		const {mtimeMs} = await stat(path.join(session.dir, '002.wav'));
		assert.deepEqual(second, {
			index: 2,
			file: '002.wav',
			state: 'recovered',
			startedAt: new Date(mtimeMs - 500).toISOString(),
			triggeredAt: new Date(mtimeMs - 500).toISOString(),
			frames: 24_000,
			durationSeconds: 0.5,
			channels: 2,
			sampleRate: 48_000,
			sampleFormat: 'float32',
			prerollFrames: 0,
			droppedFrames: 0,
		});
		// A second start finds nothing to do.
		assert.deepEqual((await repairSessions(root)).filter((report) => report.sessionId === session.id), []);
	});

	it('sets an unreadable manifest aside and rebuilds it from the WAV files', async () => {
		const dir = path.join(root, '2025-11-23_12-00-00');
		await mkdir(dir, {mode: 0o700});
		await writeCounter(path.join(dir, '001.wav'), 4800);
		await writeCounter(path.join(dir, '003.wav'), 9600);
		await writeFile(path.join(dir, 'notes.txt'), 'not audio');
		await writeFile(path.join(dir, 'session.json'), '{"version": 1, "id": "2025-11-23_12-00-00", "captu');

		const reports = (await repairSessions(root)).filter((report) => report.sessionId === '2025-11-23_12-00-00');
		const names = await readdir(dir);
		const setAside = names.find((name) => name.startsWith('session.json.corrupt-'));
		assert.ok(setAside !== undefined);
		assert.equal(await readFile(path.join(dir, setAside), 'utf8'), '{"version": 1, "id": "2025-11-23_12-00-00", "captu');
		assert.equal(reports.length, 3);
		assert.equal(reports[0]!.action, 'rebuilt');
		assert.match(reports[0]!.line, new RegExp(`^2025-11-23_12-00-00/session.json: unreadable \\(not valid JSON .*\\), kept as ${setAside} and rebuilt from 2 WAV files$`));
		assert.deepEqual(
			reports.slice(1).map((report) => [report.action, report.file, report.frames]),
			[
				['added', '001.wav', 4800],
				['added', '003.wav', 9600],
			],
		);
		const manifest = await readManifest(dir);
		assert.equal(manifest.id, '2025-11-23_12-00-00');
		assert.equal(manifest.createdAt, new Date(2025, 10, 23, 12, 0, 0).toISOString());
		assert.deepEqual(
			manifest.captures.map((capture) => [capture.index, capture.file, capture.state, capture.frames]),
			[
				[1, '001.wav', 'recovered', 4800],
				[3, '003.wav', 'recovered', 9600],
			],
		);
		assert.equal((await stat(path.join(dir, 'session.json'))).mode & 0o777, 0o600);
		const opened = await Session.open(dir);
		assert.equal(opened.nextCapture().index, 4);
		await opened.dispose();
	});

	it('marks transcriptions the last process left queued or running as failed, with the command that retries them', async () => {
		const session = await Session.create(root, {now: new Date(2025, 10, 23, 12, 0, 0)});
		const states = [
			{status: 'running', model: 'base.en', startedAt: '2025-11-23T12:01:00.000Z'},
			{status: 'queued'},
			{status: 'done', text: 'kept'},
			{status: 'failed', reason: 'whisper crashed'},
		] as const;
		for (const [position, transcript] of states.entries()) {
			const index = position + 1;
			await session.addCapture(baseRecord(index, {state: 'complete', frames: 100, durationSeconds: 100 / 48_000, transcript}));
			await writeCounter(path.join(session.dir, baseRecord(index).file), 100);
		}
		await session.dispose();

		const reports = (await repairSessions(root)).filter(report => report.sessionId === session.id);
		assert.deepEqual(
			reports.map(report => [report.action, report.line]),
			[
				['unfinished', `${session.id}/001.wav: its transcription was running when omega13 stopped; retry with \`omega13 transcribe ${session.dir} 1\``],
				['unfinished', `${session.id}/002.wav: its transcription was queued when omega13 stopped; retry with \`omega13 transcribe ${session.dir} 2\``],
			],
		);
		const captures = (await readManifest(session.dir)).captures;
		assert.deepEqual(captures[0]!.transcript, {
			status: 'failed',
			model: 'base.en',
			startedAt: '2025-11-23T12:01:00.000Z',
			reason: `omega13 stopped before this capture was transcribed: retry with \`omega13 transcribe ${session.dir} 1\``,
		});
		assert.equal(captures[1]!.transcript!.status, 'failed');
		assert.deepEqual(captures[2]!.transcript, states[2]);
		assert.deepEqual(captures[3]!.transcript, states[3]);
		assert.equal(lineOf(await repairSessions(root), session.id), undefined, 'nothing left to repair');
	});

	it('leaves alone a session another live process has open, and a manifest from a newer version', async () => {
		const busy = await Session.create(root, {now: new Date(2025, 10, 23, 13, 0, 0)});
		await busy.addCapture(baseRecord(1));
		await writeCounter(path.join(busy.dir, '001.wav'), 100);
		await busy.dispose();
		const sleeper = spawn('sleep', ['60'], {stdio: 'ignore'});
		children.push(sleeper);
		const start = (await readFile(`/proc/${sleeper.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[19];
		await writeFile(path.join(busy.dir, '.omega13.lock'), JSON.stringify({pid: sleeper.pid, start}));
		const busyBefore = await readFile(path.join(busy.dir, 'session.json'), 'utf8');

		const future = path.join(root, '2025-11-23_14-00-00');
		await mkdir(future);
		await writeFile(path.join(future, 'session.json'), '{"version": 2, "id": "x"}');
		await writeCounter(path.join(future, '001.wav'), 10);
		await mkdir(path.join(root, 'empty-dir'));
		await writeFile(path.join(root, 'stray.txt'), 'x');

		const reports = await repairSessions(root);
		assert.equal(lineOf(reports, busy.id), `${busy.id}: not repaired: open in process ${sleeper.pid} (another omega13 is using it); it is checked again at the next start`);
		assert.equal(
			lineOf(reports, '2025-11-23_14-00-00'),
			'2025-11-23_14-00-00/session.json: skipped: manifest version 2 is newer than this omega13 reads (1)',
		);
		assert.equal(await readFile(path.join(busy.dir, 'session.json'), 'utf8'), busyBefore);
		assert.equal(await readFile(path.join(future, 'session.json'), 'utf8'), '{"version": 2, "id": "x"}');
		assert.equal(lineOf(reports, 'empty-dir'), undefined);

		// Once the other process is gone, the session is repaired on the next start.
		sleeper.kill('SIGKILL');
		await exited(sleeper);
		const later = await repairSessions(root);
		assert.equal(lineOf(later, busy.id), `${busy.id}/001.wav: recovered 0.00 s (cut off while recording)`);
		assert.deepEqual(await repairSessions(path.join(root, 'does-not-exist')), []);
	});

	it('counts a lock held by a zombie (killed, not yet reaped) as free', async () => {
		const crashed = await Session.create(root, {now: new Date(2025, 10, 23, 15, 0, 0)});
		await crashed.addCapture(baseRecord(1));
		await writeCounter(path.join(crashed.dir, '001.wav'), 100);
		await crashed.dispose();
		// The shell starts `sleep 60` and becomes `sleep 120`, which never reaps it: killed, it stays a zombie.
		const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 120'], {stdio: ['ignore', 'pipe', 'ignore']});
		children.push(parent);
		const pid = Number((await new Promise<Buffer>(resolve => parent.stdout!.once('data', resolve))).toString().trim());
		const start = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[19];
		await writeFile(path.join(crashed.dir, '.omega13.lock'), JSON.stringify({pid, start}));
		process.kill(pid, 'SIGKILL');
		await waitUntil('the killed process to be a zombie', async () => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.startsWith('Z'));
		const reports = await repairSessions(root);
		assert.equal(lineOf(reports, crashed.id), `${crashed.id}/001.wav: recovered 0.00 s (cut off while recording)`);
	});
});
