/**
 * The terminal UI with `--trigger voice` in a real terminal (tmux), on a real JACK server with the real
 * Silero VAD: the status line shows the trigger's state and the speech queue, and a voice capture is
 * listed like any other.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {cliPath} from './helpers/recorder-process.js';
import {startSignalPlayer} from './helpers/signal-player.js';
import {TmuxTerminal} from './helpers/tmux-terminal.js';
import {buildTrack} from './helpers/sox-track.js';
import {testModel, testModelsDir} from './helpers/whisper.js';

let server: JackServer;
let root: string;
let trackPath: string;
before(async () => {
	server = await startJackServer({sync: true});
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-tui-voice-'));
	trackPath = await buildTrack(root, [{silence: 3}, {jfk: {seconds: 5.2}}, {silence: 6}]);
});
after(async () => {
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
});

describe('the terminal UI with --trigger voice', () => {
	it('shows the voice state (and the privacy marker) on the banner, the speech queue on the status line, and lists the voice capture', async t => {
		const jackName = `tuivoice${process.pid}`;
		const runtime = await fs.mkdtemp(path.join(root, 'rt-'));
		const command =
			`unset DISPLAY WAYLAND_DISPLAY; ${process.execPath} ${cliPath} --jack-name ${jackName} --connect none --buffer-seconds 2 ` +
			`--sessions-dir ${path.join(root, 'sessions')} --trigger voice --speech-queue 3 --model ${testModel} --keep transcript`;
		const terminal = await TmuxTerminal.start(command, {
			columns: 100,
			env: {
				JACK_DEFAULT_SERVER: server.name,
				JACK_NO_AUDIO_RESERVATION: '1',
				XDG_RUNTIME_DIR: runtime,
				TERM: 'xterm-256color',
				OMEGA13_MODELS_DIR: testModelsDir({silero: true}),
			},
		});
		t.after(async () => terminal.dispose());
		// The voice state at the right of the banner's first line; the speech queue on the status line.
		const idle = await terminal.waitFor(/IDLE .* voice: listening │\n(.*\n)+.*speech queue 0\/3 \(0 of 100 s\)/);
		// --keep transcript's marker stays on the banner beside it.
		assert.match(idle.split('\n')[1]!, /IDLE .* PRIVATE: audio is not kept {2}· {2}voice: listening │/);
		const player = await startSignalPlayer({server, signal: `wav:${trackPath}`, channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
		t.after(async () => {
			await player.stop();
		});
		await terminal.waitFor(/voice: (speech|hangover)/, 60_000);
		assert.match(await terminal.waitFor(/RECORDING/), /RECORDING/);
		await terminal.waitFor(/001 .* complete/, 60_000);
		await player.stop();
		// It joined the queue (1/3) on its way to whisper, and leaves it once transcribed.
		await terminal.waitFor(/voice: listening │\n(.*\n)+.*speech queue 0\/3 \(0 of 100 s\)/, 120_000);
		await terminal.keys('q');
		assert.match(await terminal.waitFor(/EXIT=\d+/), /EXIT=0/);
	});
});
