import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import {readWav} from '../src/wav/wav-reader.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {RecorderProcess} from './helpers/recorder-process.js';
import {startSignalPlayer} from './helpers/signal-player.js';

const servers: JackServer[] = [];
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-loss-'));
after(async () => {
	await Promise.all(servers.map(async server => server.stop()));
	await fs.rm(root, {recursive: true, force: true});
});

describe('the JACK server dies during a capture', () => {
	it('finalizes the capture, reports it, keeps running and rejoins the server when it returns', async () => {
		const server = await startJackServer();
		servers.push(server);
		const jackName = `loss${process.pid}`;
		const sessionsDir = path.join(root, 'sessions');
		const recorder = await RecorderProcess.start({
			env: server.env,
			jackName,
			args: ['--sessions-dir', sessionsDir, '--buffer-seconds', '1', '--connect', 'none'],
		});
		try {
			const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
			await recorder.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= 1);
			assert.equal((await recorder.control('toggle')).ok, true);
			await recorder.recordedLive(0.7);
			server.kill('SIGKILL');
			await recorder.waitForLine(/audio source stopped/);
			await recorder.waitForLine(/capture 001 saved/);
			await player.stop();

			const status = await recorder.control('status');
			assert.equal(status.status?.state, 'stopped');
			const refused = await recorder.control('toggle');
			assert.equal(refused.ok, false);
			assert.match(refused.message, /no audio source/);

			const [sessionId] = await fs.readdir(sessionsDir);
			const sessionDir = path.join(sessionsDir, sessionId!);
			const manifest = JSON.parse(await fs.readFile(path.join(sessionDir, 'session.json'), 'utf8'));
			assert.equal(manifest.captures[0].state, 'complete');
			const wav = await readWav(path.join(sessionDir, '001.wav'));
			assert.equal(wav.frames, manifest.captures[0].frames);
			let zeros = 0;
			while (wav.data[zeros * 2] === 0) {
				zeros++;
			}
			verifyCounter(wav.data.subarray(zeros * 2), 2);

			const again = await server.restart();
			assert.ok(again);
			await recorder.waitForLine(/audio source .* started/);
			assert.equal((await recorder.control('status')).status?.state, 'idle');
			assert.equal(recorder.child.exitCode, null);
		} finally {
			await recorder.dispose();
		}
	});
});
