import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {after, before, describe, it} from 'node:test';
import {readWav} from '../src/wav/wav-reader.js';
import {planLayout} from '../src/ui/layout.js';
import {isProcessAlive} from '../src/util/process-alive.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {cliPath, runCli} from './helpers/recorder-process.js';
import {startSignalPlayer, type SignalPlayer} from './helpers/signal-player.js';
import {TmuxTerminal} from './helpers/tmux-terminal.js';
import {waitUntil} from './helpers/wait-until.js';
import {Xvfb} from './helpers/xvfb.js';

const run = promisify(execFile);
let server: JackServer;
let root: string;
before(async () => {
	server = await startJackServer();
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-tui-'));
});
after(async () => {
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
});

const appCommand = (jackName: string, sessionsDir: string): string =>
	`${process.execPath} ${cliPath} --jack-name ${jackName} --connect none --buffer-seconds 2 --sessions-dir ${sessionsDir}`;

const baseEnv = (runtime: string): Record<string, string> => ({
	JACK_DEFAULT_SERVER: server.name,
	JACK_NO_AUDIO_RESERVATION: '1',
	XDG_RUNTIME_DIR: runtime,
	TERM: 'xterm-256color',
});

describe('the terminal UI in a real terminal', () => {
	it('captures on the global hotkey under X, lists the capture, and quits on q with the terminal restored', async t => {
		const xvfb = await Xvfb.start();
		t.after(async () => xvfb.dispose());
		const jackName = `tui${process.pid}`;
		const sessionsDir = path.join(root, 'hotkey');
		const runtime = await fs.mkdtemp(path.join(root, 'rt-'));
		const terminal = await TmuxTerminal.start(appCommand(jackName, sessionsDir), {env: {...baseEnv(runtime), DISPLAY: xvfb.display}});
		t.after(async () => terminal.dispose());
		let player: SignalPlayer | undefined;
		t.after(async () => {
			await player?.stop();
		});
		// The hotkey's state stays at the right of the status line whatever messages come and go.
		await terminal.waitFor(/ hotkey ctrl\+alt\+space$/m);
		player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
		await terminal.waitFor(/2\.0 \/ 2 s/);
		const idle = await terminal.screen();
		assert.match(idle, /IDLE/);
		assert.match(idle, /in_1/);

		await run('xdotool', ['key', 'ctrl+alt+space'], {env: {...process.env, DISPLAY: xvfb.display}});
		await terminal.waitFor(/RECORDING/);
		await new Promise(resolve => setTimeout(resolve, 500));
		await run('xdotool', ['key', 'ctrl+alt+space'], {env: {...process.env, DISPLAY: xvfb.display}});
		const listed = await terminal.waitFor(/001 .* complete/);
		assert.doesNotMatch(listed, /RECORDING/);

		await terminal.keys('q');
		// The shell prints the exit code, then the tty's mode: wait for both.
		const after = await terminal.waitFor(/EXIT=\d+\n-?icanon$/m);
		assert.match(after, /EXIT=0/);
		// Ink put the tty in raw mode; quitting must give the shell its line editing back.
		assert.match(after, /^icanon$/m);

		const [session] = await fs.readdir(sessionsDir);
		const wav = await readWav(path.join(sessionsDir, session!, '001.wav'));
		let zeros = 0;
		while (wav.data[zeros * 2] === 0) {
			zeros++;
		}
		verifyCounter(wav.data.subarray(zeros * 2), 2);
	});

	it('starts without an X display, says the hotkey is off, and `omega13 toggle` still captures', async t => {
		const jackName = `tuinox${process.pid}`;
		const sessionsDir = path.join(root, 'nodisplay');
		const runtime = await fs.mkdtemp(path.join(root, 'rt-'));
		const terminal = await TmuxTerminal.start(`unset DISPLAY WAYLAND_DISPLAY; ${appCommand(jackName, sessionsDir)}`, {env: baseEnv(runtime)});
		t.after(async () => terminal.dispose());
		await terminal.waitFor(/global hotkey off: no X display \(Wayland\? bind `omega13 toggle`/);
		const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
		t.after(async () => {
			await player.stop();
		});
		await terminal.waitFor(/2\.0 \/ 2 s/);
		const env = {...process.env, XDG_RUNTIME_DIR: runtime};
		assert.equal((await runCli(['toggle', '--jack-name', jackName], env)).code, 0);
		await terminal.waitFor(/RECORDING/);
		assert.equal((await runCli(['toggle', '--jack-name', jackName], env)).code, 0);
		await terminal.waitFor(/001 .* complete/);
		await terminal.keys('C-c');
		assert.match(await terminal.waitFor(/EXIT=\d+/), /EXIT=0/);
	});

	it('paints the meters in place at the signal level, lets them fall when it stops, and keeps them in place across a resize', async t => {
		const jackName = `tuimeter${process.pid}`;
		const runtime = await fs.mkdtemp(path.join(root, 'rt-'));
		// A 1 kHz sine at half of full scale: its peak reads -6.0 dBFS.
		const tone = path.join(runtime, 'tone.wav');
		await run('sox', ['-n', '-r', '48000', '-c', '1', '-b', '32', '-e', 'floating-point', tone, 'synth', '1', 'sine', '1000', 'vol', '0.5']);
		const terminal = await TmuxTerminal.start(`${appCommand(jackName, path.join(root, 'meters'))} --hotkey off`, {env: baseEnv(runtime)});
		t.after(async () => terminal.dispose());
		await terminal.waitFor(/IDLE/);
		const player = await startSignalPlayer({server, signal: `wav:${tone}`, channels: 1, to: [`${jackName}:in_1`]});
		t.after(async () => {
			await player.stop();
		});
		const meterLines = (screen: string): string[] => screen.split('\n').filter(line => /^ in_\d +\[/.test(line));
		/** The screen is the app's, drawn for this size: banner on top, meters where the layout puts them, keys last. */
		const assertScreen = (screen: string, columns: number, rows: number): void => {
			const layout = planLayout(columns, rows, 2);
			const lines = screen.split('\n');
			assert.match(lines[0]!, /^╭─+╮$/, screen);
			assert.match(lines[layout.prerollRow]!, /^ pre-roll \[[█░]+\] +\d\.\d \/ 2 s$/, screen);
			assert.match(lines[layout.meterTop]!, /^ in_1 +\[/, screen);
			assert.match(lines[layout.meterTop + 1]!, /^ in_2 +\[/, screen);
			assert.equal(meterLines(screen).length, 2, `one row per meter, no stray copies:\n${screen}`);
			assert.match(lines[layout.frameRows - 1]!, /^ space rec/, screen);
			for (const line of lines) {
				assert.ok([...line].length <= columns, `a line wider than ${columns} columns:\n${screen}`);
			}
			for (const meter of meterLines(screen)) {
				assert.equal(/\[([^\]]*)\]/.exec(meter)![1]!.length, layout.meterCells, screen);
			}
		};
		// The gauge is painted in place too: Ink no longer redraws the screen for each tenth of a second.
		await terminal.waitFor(/^ pre-roll \[█+\] +2\.0 \/ 2 s$/m);
		const playing = await terminal.waitFor(/ in_1 +\[.*\] +-6\.0 dB\n in_2 +\[░+\] +-inf dB/);
		assertScreen(playing, 80, 24);

		await player.stop();
		// The peak hold falls at 20 dB/s once its 1.5 s are over: only moving meters get there.
		const fallen = await terminal.waitFor(/ in_1 +\[░+\] +-inf dB/);
		assertScreen(fallen, 80, 24);

		await terminal.resize(60, 20);
		const narrow = await terminal.waitFor(/^ in_1 +\[░{34}\]/m);
		assertScreen(narrow, 60, 20);
		const again = await startSignalPlayer({server, signal: `wav:${tone}`, channels: 1, to: [`${jackName}:in_1`]});
		t.after(async () => {
			await again.stop();
		});
		assertScreen(await terminal.waitFor(/ in_1 +\[.*\] +-6\.0 dB/), 60, 20);
	});

	it('finishes the open capture and exits when its terminal goes away', async () => {
		const jackName = `tuihup${process.pid}`;
		const sessionsDir = path.join(root, 'hangup');
		const runtime = await fs.mkdtemp(path.join(root, 'rt-'));
		const terminal = await TmuxTerminal.start(`${appCommand(jackName, sessionsDir)} --source demo --hotkey off`, {env: baseEnv(runtime)});
		await terminal.waitFor(/DEMO SOURCE/);
		await terminal.keys(' ');
		await terminal.waitFor(/RECORDING/);
		const {stdout} = await run('pgrep', ['-f', `^${process.execPath} ${cliPath} --jack-name ${jackName} `]);
		const pid = Number(stdout.trim());
		await terminal.dispose();
		await waitUntil('omega13 to end after its terminal closed', () => !isProcessAlive(pid), {timeoutMs: 60_000, intervalMs: 100});
		const [session] = await fs.readdir(sessionsDir);
		const manifest = JSON.parse(await fs.readFile(path.join(sessionsDir, session!, 'session.json'), 'utf8'));
		assert.equal(manifest.captures[0].state, 'complete');
	});

	it('says it needs a terminal, and points to --headless, when stdin is not one', async () => {
		const result = await runCli(['--sessions-dir', path.join(root, 'notty')], {...process.env, XDG_RUNTIME_DIR: root});
		assert.equal(result.code, 1);
		assert.match(result.stderr, /needs a terminal.*omega13 --headless/);
	});
});
