import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';
import {startSignalPlayer} from './helpers/signal-player.js';

let server: JackServer | undefined;
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-routing-'));
after(async () => {
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
});

describe('remembered routing', () => {
	it('connects a source started after omega13 from the routing saved with `inputs save`', async () => {
		server = await startJackServer();
		const jackName = `route${process.pid}`;
		const synth = `synth${process.pid}`;
		const env = {...server.env, XDG_CONFIG_HOME: path.join(root, 'config')};
		const args = ['--sessions-dir', path.join(root, 'sessions'), '--buffer-seconds', '1'];

		const first = await RecorderProcess.start({env, jackName, args: [...args, '--connect', 'none']});
		try {
			const player = await startSignalPlayer({server, signal: 'counter', channels: 2, name: synth, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
			const saved = await runCli(['inputs', 'save', '--jack-name', jackName], {...env, XDG_RUNTIME_DIR: first.runtimeDir});
			assert.equal(saved.code, 0, saved.stderr);
			assert.match(saved.stdout, new RegExp(`in_1 <- ${synth}:out_1; in_2 <- ${synth}:out_2`));
			await player.stop();
		} finally {
			await first.dispose();
		}

		// No --connect: the remembered routing applies, and the synth is not running yet.
		const second = await RecorderProcess.start({env, jackName, args});
		try {
			await second.waitForLine(/restoring remembered inputs/);
			await second.waitForLine(new RegExp(`remembered input ${synth}:out_1 .* is not there`));
			const player = await startSignalPlayer({server, signal: 'counter', channels: 2, name: synth});
			try {
				await second.waitForLine(new RegExp(`connected ${synth}:out_1 -> ${jackName}:in_1 \\(remembered\\)`));
				await second.waitForLine(new RegExp(`connected ${synth}:out_2 -> ${jackName}:in_2 \\(remembered\\)`));
				await second.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= 1);
				// The counter reaches the ring: the silence gate lets a capture through.
				await player.playFor(1.2);
				const started = await second.control('toggle');
				assert.equal(started.ok, true, started.message);
				assert.equal((await second.control('toggle')).ok, true);
			} finally {
				await player.stop();
			}
		} finally {
			await second.dispose();
		}
	});

	it('says clearly that there is nothing to remember without a running instance', async () => {
		const result = await runCli(['inputs', 'save'], {...process.env, XDG_RUNTIME_DIR: root});
		assert.equal(result.code, 1);
		assert.match(result.stderr, /omega13 is not running/);
	});
});
