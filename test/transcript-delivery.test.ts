import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {findOnPath} from '../src/util/find-on-path.js';
import {firstWords, notifyCommand, TranscriptDelivery, typingCommand} from '../src/transcribe/transcript-delivery.js';
import {NotificationDaemon} from './helpers/notification-daemon.js';
import {RecorderProcess} from './helpers/recorder-process.js';
import {TypingWindow} from './helpers/typing-window.js';
import {waitUntil} from './helpers/wait-until.js';
import {deadDisplay, Xvfb} from './helpers/xvfb.js';

const run = promisify(execFile);

let root: string;
/** A PATH with nothing on it: every desktop tool is missing. */
let emptyPath: string;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-delivery-'));
	emptyPath = path.join(root, 'empty');
	await mkdir(emptyPath);
});
after(async () => {
	await rm(root, {recursive: true, force: true});
});

/** A PATH holding executables named `tools`, to see which one is chosen (they are never run). */
const pathWith = async (...tools: string[]): Promise<string> => {
	const dir = await mkdtemp(path.join(root, 'bin-'));
	for (const tool of tools) {
		await writeFile(path.join(dir, tool), '#!/bin/sh\nexit 1\n');
		await chmod(path.join(dir, tool), 0o755);
	}
	return dir;
};

const speech = 'And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country.';

describe('choosing the tool', () => {
	it('types with xdotool on X11, wtype then ydotool on Wayland, and the text goes on stdin, cleaned', async () => {
		const all = await pathWith('xdotool', 'wtype', 'ydotool');
		const text = 'ask not\u001b[2J what\nyour country';
		assert.deepEqual(typingCommand(text, {PATH: all, DISPLAY: ':5'}), {
			tool: 'xdotool',
			path: path.join(all, 'xdotool'),
			args: ['type', '--clearmodifiers', '--delay', '0', '--file', '-'],
			stdin: 'ask not [2J what your country ',
		});
		assert.equal(typingCommand(text, {PATH: all, DISPLAY: ':5', WAYLAND_DISPLAY: 'wayland-0'}).tool, 'wtype');
		assert.equal(typingCommand(text, {PATH: await pathWith('xdotool', 'ydotool'), DISPLAY: ':5', WAYLAND_DISPLAY: 'wayland-0'}).tool, 'ydotool');
		assert.equal(typingCommand(text, {PATH: await pathWith('xdotool'), DISPLAY: ':5', WAYLAND_DISPLAY: 'wayland-0'}).tool, 'xdotool');
		assert.equal(typingCommand(text, {PATH: await pathWith('ydotool'), DISPLAY: ':5'}).tool, 'ydotool');
	});

	it('says what to install, or that there is no graphical session', () => {
		assert.deepEqual(typingCommand('x', {PATH: emptyPath, DISPLAY: ':5'}), {tool: undefined, reason: 'xdotool is not installed (Debian package xdotool)'});
		assert.deepEqual(typingCommand('x', {PATH: emptyPath, WAYLAND_DISPLAY: 'wayland-0'}), {
			tool: undefined,
			reason: 'wtype is not installed (Debian package wtype, or ydotool)',
		});
		assert.deepEqual(typingCommand('x', {PATH: process.env['PATH']}), {
			tool: undefined,
			reason: 'there is no graphical session (neither WAYLAND_DISPLAY nor DISPLAY is set)',
		});
		assert.deepEqual(notifyCommand('x', {PATH: emptyPath}), {tool: undefined, reason: 'notify-send is not installed (Debian package libnotify-bin)'});
	});

	it('notifies with the first words, markup characters escaped', async () => {
		const bin = await pathWith('notify-send');
		assert.deepEqual(notifyCommand('Rock & roll <b>now</b>', {PATH: bin}), {
			tool: 'notify-send',
			path: path.join(bin, 'notify-send'),
			args: ['--app-name=omega13', '--', 'omega13', 'Rock &amp; roll &lt;b&gt;now&lt;/b&gt;'],
		});
		assert.equal(firstWords(speech), 'And so, my fellow Americans, ask not what your country can do…');
		assert.equal(firstWords('  short\ttext  '), 'short text');
		assert.equal(firstWords(`${'x'.repeat(150)} more`, 12, 100), `${'x'.repeat(100)}…`);
	});
});

test('a missing tool is said once, at start, with what to install, and delivering never throws', async () => {
	const said: string[] = [];
	const delivery = new TranscriptDelivery({type: true, notify: true, say: line => said.push(line), env: {PATH: emptyPath, DISPLAY: ':5'}});
	const missing = [
		'--type: transcripts are not typed: xdotool is not installed (Debian package xdotool)',
		'--notify: no desktop notification: notify-send is not installed (Debian package libnotify-bin)',
	];
	assert.deepEqual(said, missing);
	for (let i = 0; i < 3; i++) {
		await delivery.deliver(`capture ${i} said something`);
	}
	await delivery.deliver('   \u0007 ');
	assert.deepEqual(said, missing);
	await delivery.dispose();
	await delivery.dispose();
});

test('a tool that fails (xdotool without an X server) is said once too, with its own words', async (t) => {
	if (findOnPath('xdotool') === undefined) {
		t.skip('xdotool is not installed (apt-get install xdotool)');
		return;
	}
	const said: string[] = [];
	const delivery = new TranscriptDelivery({type: true, notify: false, say: line => said.push(line), env: {PATH: process.env['PATH'], DISPLAY: deadDisplay}});
	await delivery.deliver('one');
	await delivery.deliver('two');
	await delivery.dispose();
	assert.equal(said.length, 1, said.join('\n'));
	assert.match(said[0]!, /^--type: transcripts are not typed: xdotool exited with code 1: .*Can't open display/);
});

describe('on a real X server', {concurrency: false}, () => {
	let xvfb: Xvfb | undefined;
	before(async () => {
		if (findOnPath('Xvfb') !== undefined) {
			xvfb = await Xvfb.start();
		}
	});
	after(async () => {
		await xvfb?.dispose();
	});

	it('--type types each transcript into the focused window with xdotool, in order, a space after each, control characters as spaces', async (t) => {
		const missing = ['Xvfb', 'xdotool', 'xterm'].filter(tool => findOnPath(tool) === undefined);
		if (xvfb === undefined || missing.length > 0) {
			t.skip(`not installed: ${missing.join(', ')} (apt-get install xvfb xdotool xterm)`);
			return;
		}
		const window = await TypingWindow.open(xvfb.display);
		t.after(() => window.dispose());
		const said: string[] = [];
		const env: NodeJS.ProcessEnv = {...process.env, DISPLAY: xvfb.display};
		delete env['WAYLAND_DISPLAY'];
		const delivery = new TranscriptDelivery({type: true, notify: false, say: line => said.push(line), env});
		t.after(() => delivery.dispose());
		const first = `${speech}\u001b[2J`;
		const second = ' Rock & roll: 100% <yes> "quoted" {braces} ~tilde~ back\\slash.';
		void delivery.deliver(first);
		await delivery.deliver(second);
		const expected = `${speech} [2J Rock & roll: 100% <yes> "quoted" {braces} ~tilde~ back\\slash. `;
		assert.equal(await window.typed(expected.length), expected);
		assert.deepEqual(said, []);
	});

	it('--type types nothing into the terminal omega13 runs in (its keys are commands there), and says so once', async (t) => {
		const missing = ['Xvfb', 'xdotool', 'xterm'].filter(tool => findOnPath(tool) === undefined);
		if (xvfb === undefined || missing.length > 0) {
			t.skip(`not installed: ${missing.join(', ')} (apt-get install xvfb xdotool xterm)`);
			return;
		}
		const go = path.join(root, 'go');
		const said = path.join(root, 'said');
		const helper = fileURLToPath(new URL('helpers/deliver-once.js', import.meta.url));
		const window = await TypingWindow.open(xvfb.display, [process.execPath, helper, 'q quit and start a capture ', go, said]);
		t.after(() => window.dispose());
		await writeFile(go, '');
		await waitUntil('the delivery in the terminal to end', async () => (await readFile(said, 'utf8').catch(() => '')).endsWith('done\n'));
		assert.equal(
			await readFile(said, 'utf8'),
			'--type: transcripts are not typed: the focused window is the terminal omega13 runs in, whose keys would take the text as commands: focus another window\ndone\n',
		);
		// Keys typed now come after anything the delivery typed: only the marker must arrive.
		await run('xdotool', ['type', '--delay', '0', 'END'], {env: {...process.env, DISPLAY: xvfb.display}, timeout: 30_000});
		assert.equal(await window.typed(3), 'END');
	});

	it('--notify shows the first words in a notification from a real daemon (dunst on a private D-Bus)', async (t) => {
		const missing = ['Xvfb', 'notify-send', 'dunst', 'dunstctl', 'dbus-daemon'].filter(tool => findOnPath(tool) === undefined);
		if (xvfb === undefined || missing.length > 0) {
			t.skip(`not installed: ${missing.join(', ')} (apt-get install xvfb libnotify-bin dunst dbus-daemon)`);
			return;
		}
		const daemon = await NotificationDaemon.start(xvfb.display);
		t.after(() => daemon.dispose());
		const said: string[] = [];
		const delivery = new TranscriptDelivery({type: false, notify: true, say: line => said.push(line), env: daemon.env});
		t.after(() => delivery.dispose());
		await delivery.deliver(speech);
		await delivery.deliver('Rock & roll <now>');
		assert.equal(await daemon.displayed(), 2);
		assert.deepEqual(await daemon.history(), [
			{appname: 'omega13', summary: 'omega13', body: 'Rock &amp; roll &lt;now&gt;'},
			{appname: 'omega13', summary: 'omega13', body: 'And so, my fellow Americans, ask not what your country can do…'},
		]);
		assert.deepEqual(said, []);
	});
});

describe('omega13 --headless with --type and --notify', () => {
	const start = async (name: string, flags: string[]): Promise<RecorderProcess> => {
		const dir = await mkdtemp(path.join(root, `${name}-`));
		const env: NodeJS.ProcessEnv = {...process.env, PATH: emptyPath, DISPLAY: ':5', XDG_CONFIG_HOME: path.join(dir, 'config')};
		delete env['WAYLAND_DISPLAY'];
		const args = ['--source', 'demo', '--hotkey', 'off', '--silence-threshold', 'off', '--sessions-dir', path.join(dir, 'sessions'), ...flags];
		return RecorderProcess.start({env, jackName: `${name}${process.pid}`, args});
	};

	it('says at start, once, which tool to install', async (t) => {
		const recorder = await start('missing', ['--type', '--notify']);
		t.after(() => recorder.dispose());
		assert.deepEqual(
			recorder.lines.filter(line => / --(type|notify): /.test(line)).map(line => line.replace(/^[\d:]+ /, '')),
			[
				'--type: transcripts are not typed: xdotool is not installed (Debian package xdotool)',
				'--notify: no desktop notification: notify-send is not installed (Debian package libnotify-bin)',
			],
		);
	});

	it('says there is nothing to deliver when transcription is off', async (t) => {
		const recorder = await start('off', ['--notify', '--no-transcribe']);
		t.after(() => recorder.dispose());
		assert.match(await recorder.waitForLine(/ --notify: /), / --notify: nothing to deliver: transcription is off \(--no-transcribe, or `transcription: false` in the config\)$/);
	});
});
