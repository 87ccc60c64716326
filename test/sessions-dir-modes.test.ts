import assert from 'node:assert/strict';
import {chmod, mkdir, mkdtemp, readdir, rm, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {RecorderProcess} from './helpers/recorder-process.js';

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o7777;

test('--sessions-dir naming a setgid 2775 shared folder: it keeps its mode, omega13 warns, and the session inside is 0700 with 0600 files', async t => {
	const root = await mkdtemp(path.join(os.tmpdir(), 'omega13-shared-'));
	t.after(async () => rm(root, {recursive: true, force: true}));
	const shared = path.join(root, 'shared');
	await mkdir(shared);
	await chmod(shared, 0o2775);
	const recorder = await RecorderProcess.start({
		env: process.env,
		jackName: 'shared-dir',
		args: ['--source', 'demo', '--sessions-dir', shared, '--buffer-seconds', '1', '--hotkey', 'off', '--no-transcribe'],
	});
	try {
		assert.match(await recorder.waitForLine(/is open to others/), /is open to others \(mode 2775\): omega13 leaves it as it is/);
		await recorder.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= 1);
		assert.equal((await recorder.control('toggle')).ok, true);
		assert.equal((await recorder.control('toggle')).ok, true);
		await recorder.waitForLine(/capture 001 saved/);
	} finally {
		await recorder.dispose();
	}
	assert.equal(await modeOf(shared), 0o2775, 'the shared folder keeps its group access');
	const [session] = await readdir(shared);
	assert.ok(session !== undefined);
	assert.equal(await modeOf(path.join(shared, session)), 0o700);
	const files = await readdir(path.join(shared, session));
	assert.ok(files.includes('001.wav') && files.includes('session.json'), files.join(', '));
	for (const file of files) {
		if (file !== '.lock') {
			assert.equal(await modeOf(path.join(shared, session, file)), 0o600, file);
		}
	}
});

test('--sessions-dir naming a missing directory: it is made 0700 and nothing is said about it', async t => {
	const root = await mkdtemp(path.join(os.tmpdir(), 'omega13-fresh-'));
	t.after(async () => rm(root, {recursive: true, force: true}));
	const fresh = path.join(root, 'new', 'sessions');
	const recorder = await RecorderProcess.start({
		env: process.env,
		jackName: 'fresh-dir',
		args: ['--source', 'demo', '--sessions-dir', fresh, '--buffer-seconds', '1', '--hotkey', 'off', '--no-transcribe'],
	});
	await recorder.dispose();
	assert.equal(await modeOf(fresh), 0o700);
	assert.equal(await modeOf(path.dirname(fresh)), 0o700);
	assert.ok(!recorder.lines.some(line => line.includes('open to others')), recorder.lines.join('\n'));
});

test('--persist-dir naming an existing shared folder: it keeps its mode too, and omega13 says so', async t => {
	const root = await mkdtemp(path.join(os.tmpdir(), 'omega13-persist-shared-'));
	t.after(async () => rm(root, {recursive: true, force: true}));
	const shared = path.join(root, 'persist');
	await mkdir(shared);
	await chmod(shared, 0o2775);
	const recorder = await RecorderProcess.start({
		env: process.env,
		jackName: 'shared-persist',
		args: ['--source', 'demo', '--sessions-dir', path.join(root, 'sessions'), '--persist', '1', '--persist-dir', shared, '--persist-format', 'wav', '--hotkey', 'off', '--no-transcribe'],
	});
	try {
		assert.match(await recorder.waitForLine(/persistence: .* is open to others/), /\(mode 2775\): omega13 leaves it as it is/);
	} finally {
		await recorder.dispose();
	}
	assert.equal(await modeOf(shared), 0o2775);
});
