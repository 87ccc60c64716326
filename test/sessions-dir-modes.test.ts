import assert from 'node:assert/strict';
import {chmod, mkdir, mkdtemp, readdir, rm, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {RecorderProcess} from './helpers/recorder-process.js';

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o7777;

/** A folder shared with a group as people make them (setgid 2775), in a temporary root removed after the test. */
const sharedFolder = async (t: TestContext, name: string): Promise<{root: string; shared: string}> => {
	const root = await mkdtemp(path.join(os.tmpdir(), `omega13-${name}-`));
	t.after(async () => rm(root, {recursive: true, force: true}));
	const shared = path.join(root, name);
	await mkdir(shared);
	await chmod(shared, 0o2775);
	return {root, shared};
};

const startDemo = (jackName: string, args: readonly string[]): Promise<RecorderProcess> =>
	RecorderProcess.start({env: process.env, jackName, args: ['--source', 'demo', '--hotkey', 'off', '--no-transcribe', ...args]});

test('--sessions-dir naming a setgid 2775 shared folder: it keeps its mode, omega13 warns, and the session inside is 0700 with 0600 files', async t => {
	const {shared} = await sharedFolder(t, 'shared');
	const recorder = await startDemo('shared-dir', ['--sessions-dir', shared, '--buffer-seconds', '1']);
	try {
		assert.match(await recorder.waitForLine(/is open to others/), /is open to others \(mode 2775\): omega13 leaves it as it is/);
		await recorder.captureOnce(1);
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
	const recorder = await startDemo('fresh-dir', ['--sessions-dir', fresh, '--buffer-seconds', '1']);
	await recorder.dispose();
	assert.equal(await modeOf(fresh), 0o700);
	assert.equal(await modeOf(path.dirname(fresh)), 0o700);
	assert.ok(!recorder.lines.some(line => line.includes('open to others')), recorder.lines.join('\n'));
});

test('--persist-dir naming an existing shared folder: it keeps its mode too, and omega13 says so', async t => {
	const {root, shared} = await sharedFolder(t, 'persist');
	const recorder = await startDemo('shared-persist', ['--sessions-dir', path.join(root, 'sessions'), '--persist', '1', '--persist-dir', shared, '--persist-format', 'wav']);
	try {
		assert.match(await recorder.waitForLine(/persistence: .* is open to others/), /\(mode 2775\): omega13 leaves it as it is/);
	} finally {
		await recorder.dispose();
	}
	assert.equal(await modeOf(shared), 0o2775);
});
