import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {sendControl} from '../src/control/control-client.js';
import {controlSocketPath} from '../src/control/control-protocol.js';
import type {SessionManifest} from '../src/session/session-manifest.js';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';
import {testModel, whisperTestEnv} from './helpers/whisper.js';

/** Issue 13 item 8: `omega13 transcribe` asks a running headless omega13 instead of being refused by it. */
describe('omega13 transcribe while omega13 runs headless', () => {
	let root: string;
	before(async () => {
		root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-transcribe-running-'));
	});
	after(() => fs.rm(root, {recursive: true, force: true}));

	it('goes over the control socket: the running instance transcribes and answers with the states', async () => {
		const runtimeDir = await fs.mkdtemp(path.join(root, 'run-'));
		const sessionsDir = path.join(root, 'sessions');
		const env = whisperTestEnv({XDG_CONFIG_HOME: path.join(root, 'config'), XDG_RUNTIME_DIR: runtimeDir});
		const jackName = `running${process.pid}`;
		const recorder = await RecorderProcess.start({
			env,
			jackName,
			runtimeDir,
			args: ['--source', 'demo', '--hotkey', 'off', '--silence-threshold', 'off', '--sessions-dir', sessionsDir, '--model', testModel],
		});
		try {
			assert.equal((await recorder.control('toggle')).ok, true);
			await recorder.recordedLive(0.3);
			assert.equal((await recorder.control('toggle')).ok, true);
			await recorder.waitForLine(/capture 001 transcribed/, 240_000);
			const [id] = await fs.readdir(sessionsDir);
			const dir = path.join(sessionsDir, id!);

			const again = await runCli(['transcribe', 'last', '1', '--sessions-dir', sessionsDir], env);
			assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
			assert.match(again.stdout, new RegExp(`is open in the running omega13 "${jackName}" \\(pid ${recorder.child.pid}\\)`));
			assert.match(again.stdout, /capture 001 transcribed in/);
			assert.ok(!again.stderr.includes('open in a running omega13'), again.stderr);
			// The instance ran it twice: its own log shows the second run too.
			await recorder.waitForLine(/capture 001 transcribing/);
			assert.equal(recorder.lines.filter((line) => /capture 001 transcribed/.test(line)).length, 2, recorder.transcript());
			const manifest = JSON.parse(await fs.readFile(path.join(dir, 'session.json'), 'utf8')) as SessionManifest;
			assert.equal(manifest.captures[0]!.transcript!.status, 'done');

			const nothing = await runCli(['transcribe', 'last', '--sessions-dir', sessionsDir], env);
			assert.equal(nothing.code, 0, nothing.stderr);
			assert.match(nothing.stdout, /nothing to transcribe in .*: every capture is done/);

			const missing = await runCli(['transcribe', 'last', '7', '--sessions-dir', sessionsDir], env);
			assert.equal(missing.code, 1);
			assert.match(missing.stderr, /there is no capture 7 in .* \(it has captures 1\)/);

			const socket = controlSocketPath(path.join(runtimeDir, 'omega13'), jackName);
			const bad = await sendControl(socket, {command: 'transcribe'});
			assert.deepEqual(bad, {ok: false, message: 'bad request: transcribe needs "session", the absolute path of a session directory'});
			const elsewhere = await sendControl(socket, {command: 'transcribe', session: root});
			assert.equal(elsewhere.ok, false);
			assert.match(elsewhere.message, /is not open in this omega13/);
		} finally {
			await recorder.dispose();
		}
	});
});
