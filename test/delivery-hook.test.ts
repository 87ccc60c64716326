/**
 * The hook from a finished transcript to the desktop: omega13 --headless hands each new transcript with
 * text to `--notify`. What is tested is the hand-over, not speech recognition: the transcript comes from
 * a whisper.cpp-server-shaped HTTP engine on loopback that answers every upload with a known text (the
 * weightless test model, the only whisper weights here, returns no text, so nothing would be delivered).
 * The notification is read back from a real daemon (dunst on a private D-Bus, under Xvfb).
 */
import assert from 'node:assert/strict';
import {mkdtemp, rm} from 'node:fs/promises';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {findOnPath} from '../src/util/find-on-path.js';
import {NotificationDaemon} from './helpers/notification-daemon.js';
import {RecorderProcess} from './helpers/recorder-process.js';
import {waitUntil} from './helpers/wait-until.js';
import {Xvfb} from './helpers/xvfb.js';

const said = 'Ask not what your country can do for you, ask what you can do for your country.';

let root: string;
let server: http.Server;
let engineUrl: string;
let uploads = 0;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-delivery-hook-'));
	server = http.createServer((request, response) => {
		request.resume();
		request.on('end', () => {
			uploads++;
			response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({text: said}));
		});
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	engineUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inference`;
});
after(async () => {
	server.closeAllConnections();
	server.close();
	await rm(root, {recursive: true, force: true});
});

describe('a transcript handed to --notify', () => {
	it('reaches the notification daemon with its first words, once per capture', async t => {
		const missing = ['Xvfb', 'notify-send', 'dunst', 'dunstctl', 'dbus-daemon'].filter(tool => findOnPath(tool) === undefined);
		if (missing.length > 0) {
			t.skip(`not installed: ${missing.join(', ')} (apt-get install xvfb libnotify-bin dunst dbus-daemon)`);
			return;
		}
		const xvfb = await Xvfb.start();
		t.after(async () => xvfb.dispose());
		const daemon = await NotificationDaemon.start(xvfb.display);
		t.after(async () => daemon.dispose());
		const env: NodeJS.ProcessEnv = {...daemon.env, XDG_CONFIG_HOME: path.join(root, 'config')};
		delete env['WAYLAND_DISPLAY'];
		const recorder = await RecorderProcess.start({
			env,
			jackName: `hook${process.pid}`,
			args: ['--source', 'demo', '--hotkey', 'off', '--silence-threshold', 'off', '--sessions-dir', path.join(root, 'sessions'), '--engine-url', engineUrl, '--notify'],
		});
		t.after(async () => recorder.dispose());
		await recorder.captureOnce(1);
		await recorder.waitForLine(/capture 001 transcribed in .*: Ask not what your country/, 60_000);
		await waitUntil('the notification', async () => (await daemon.history()).length >= 1, {timeoutMs: 30_000});
		assert.deepEqual(await daemon.history(), [{appname: 'omega13', summary: 'omega13', body: 'Ask not what your country can do for you, ask what you…'}]);
		assert.equal(uploads, 1);
	});
});
