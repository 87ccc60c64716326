import assert from 'node:assert/strict';
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {doctorExitCode, formatDoctor, runDoctor, type DoctorLine} from '../src/app/doctor.js';
import {defaultSettings, type Settings} from '../src/config/settings-schema.js';
import {testModel} from './helpers/fixtures.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {freeLoopbackPort} from './helpers/free-port.js';
import {RecorderProcess} from './helpers/recorder-process.js';
import {once} from 'node:events';
import http from 'node:http';
import type {AddressInfo} from 'node:net';

let root: string;
let env: NodeJS.ProcessEnv;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-doctor-'));
	// A server name of our own: whatever JACK server the machine runs, this one is not running.
	const {DISPLAY: _display, ...rest} = process.env;
	env = {
		...rest,
		JACK_DEFAULT_SERVER: `omega13-doctor-${process.pid}`,
		XDG_DATA_HOME: path.join(root, 'data'),
		XDG_CONFIG_HOME: path.join(root, 'config'),
	};
});
after(async () => {
	await rm(root, {recursive: true, force: true});
});

const settingsWith = (changes: Partial<Settings>): Settings => ({...defaultSettings(env), model: testModel, ...changes});

const line = (lines: readonly DoctorLine[], start: string): DoctorLine => {
	const found = lines.find((candidate) => candidate.what.startsWith(start));
	assert.ok(found !== undefined, `no line starting "${start}" in:\n${formatDoctor(lines)}`);
	return found;
};

describe('runDoctor', () => {
	it('says the JACK server is not running and how to start one', async () => {
		const lines = await runDoctor({settings: settingsWith({}), env});
		const jack = line(lines, 'JACK server');
		assert.equal(jack.ok, false);
		assert.equal(jack.what, `JACK server "omega13-doctor-${process.pid}": not running`);
		assert.match(jack.fix ?? '', /^start JACK: `jackd -d alsa`/);
		assert.deepEqual(line(lines, 'JACK ports'), {ok: false, what: 'JACK ports: not checked (no JACK server to ask)', fix: 'start the JACK server first'});
		assert.equal(doctorExitCode(lines), 1);
		// Every line that is not ok says what to do.
		assert.ok(lines.every((candidate) => candidate.ok || (candidate.fix ?? '') !== ''), formatDoctor(lines));
		assert.match(formatDoctor(lines), /^FIX  JACK server "omega13-doctor-\d+": not running\n {7}-> start JACK/);
	});

	it('checks the X display for the hotkey, and skips it when the hotkey is off', async () => {
		const withHotkey = await runDoctor({settings: settingsWith({}), env});
		assert.deepEqual(line(withHotkey, 'Hotkey'), {
			ok: false,
			what: 'Hotkey ctrl+alt+space: DISPLAY is not set',
			fix: 'run omega13 inside an X session (or with DISPLAY set), or on Wayland bind `omega13 toggle` to a key in your desktop\'s settings and set "hotkey": "off"',
		});
		const off = await runDoctor({settings: settingsWith({hotkey: 'off'}), env});
		assert.equal(line(off, 'Hotkey').ok, true);
	});

	it('checks that whisper.cpp loads, the Silero VAD and the model file', async () => {
		const lines = await runDoctor({settings: settingsWith({}), env});
		assert.deepEqual(line(lines, 'whisper.cpp'), {ok: true, what: 'whisper.cpp 1.9.3 (prebuilt, cpu): loads'});
		assert.deepEqual(line(lines, 'Silero VAD'), {ok: false, what: 'Silero VAD: no model, so silence is transcribed too', fix: 'run `omega13 models download silero` (0.9 MB)'});
		const own = await runDoctor({settings: settingsWith({whisperBin: path.join(root, 'no-whisper-cli')}), env});
		assert.equal(line(own, 'whisper.cpp').ok, false);
		assert.match(line(own, 'whisper.cpp').what, /no-whisper-cli is not an executable file$/);
		assert.deepEqual(line(lines, 'Whisper model'), {ok: true, what: `Whisper model for-tests-ggml-tiny.en: ${testModel}`});

		const missing = await runDoctor({settings: settingsWith({model: 'tiny.en'}), env: {...env, OMEGA13_MODELS_DIR: path.join(root, 'models')}});
		assert.deepEqual(line(missing, 'Whisper model'), {
			ok: false,
			what: `Whisper model tiny.en: ${path.join(root, 'models', 'ggml-tiny.en.bin')} is not there`,
			fix: 'run `omega13 models download tiny.en`, or set "model" to a ggml .bin file you have',
		});
		const off = await runDoctor({settings: settingsWith({transcription: false}), env});
		assert.deepEqual(line(off, 'Transcription'), {ok: true, what: 'Transcription: off'});
	});

	it('checks that the sessions directory is private and reports the free space', async () => {
		const dir = path.join(root, 'open-sessions');
		await mkdir(dir);
		await chmod(dir, 0o755);
		const lines = await runDoctor({settings: settingsWith({sessionsDir: dir}), env});
		assert.deepEqual(line(lines, 'Sessions directory'), {
			ok: true,
			what: `Sessions directory ${dir}: mode 0755, open to others, but each session in it is private (0700, files 0600)`,
			fix: `chmod 700 ${dir} to hide even the sessions' names`,
		});
		assert.match(line(lines, 'Disk').what, new RegExp(`^Disk: [\\d.]+ [KMGT]iB free for ${dir} \\(about \\d+ (hours|minutes) of 2-channel float32 WAV at 48 kHz\\)$`));
		await chmod(dir, 0o700);
		assert.deepEqual(line(await runDoctor({settings: settingsWith({sessionsDir: dir}), env}), 'Sessions directory'), {
			ok: true,
			what: `Sessions directory ${dir}: private (0700)`,
		});
	});

	it('needs the encoder only for the chosen format', async () => {
		const emptyBin = path.join(root, 'empty-bin');
		await mkdir(emptyBin, {recursive: true});
		const noEncoders = {...env, PATH: emptyBin};
		const wav = await runDoctor({settings: settingsWith({format: 'wav'}), env: noEncoders});
		assert.deepEqual(line(wav, 'FLAC'), {ok: true, what: 'FLAC: flac and metaflac not installed (only needed for "format": "flac")', fix: 'apt-get install flac'});
		const flac = await runDoctor({settings: settingsWith({format: 'flac'}), env: noEncoders});
		assert.deepEqual(line(flac, 'FLAC'), {
			ok: false,
			what: 'FLAC: flac and metaflac not installed, but "format" is "flac"',
			fix: 'install them (Debian/Ubuntu: apt-get install flac), or set "format": "wav"',
		});
		assert.equal(line(flac, 'JACK server').what, 'JACK server: cannot be checked, jack_lsp is not installed');
		const present = await runDoctor({settings: settingsWith({format: 'opus'}), env});
		assert.deepEqual(line(present, 'Opus'), {ok: true, what: 'Opus: opusenc and opusinfo found'});
	});
});

describe('runDoctor with a JACK server', () => {
	let server: JackServer | undefined;
	const jackEnv = (): NodeJS.ProcessEnv => ({...env, JACK_DEFAULT_SERVER: server!.name});

	before(async () => {
		server = await startJackServer();
	});
	after(async () => {
		await server?.stop();
	});

	it('finds the server and its physical capture ports', async () => {
		const lines = await runDoctor({settings: settingsWith({}), env: jackEnv()});
		assert.deepEqual(line(lines, 'JACK server'), {ok: true, what: `JACK server "${server!.name}": running, 4 ports`});
		assert.deepEqual(line(lines, 'JACK ports'), {ok: true, what: 'JACK ports: 2 physical capture ports (system:capture_1, system:capture_2) for 2 inputs'});
	});

	it('says which remembered inputs are not there', async () => {
		const lines = await runDoctor({settings: settingsWith({inputs: ['system:capture_1', 'mic:out']}), env: jackEnv()});
		assert.deepEqual(line(lines, 'JACK ports'), {
			ok: false,
			what: 'JACK ports: mic:out is not there',
			fix: 'list the ports with `jack_lsp -p` (outputs: system:capture_1, system:capture_2) and fix "inputs" or --connect',
		});
	});

	it('shows a running omega13 as info, not as something to fix, and exits 0 for it', async () => {
		const recorder = await RecorderProcess.start({env: jackEnv(), jackName: 'doctor-running', args: ['--connect', 'none', '--hotkey', 'off', '--no-transcribe', '--sessions-dir', path.join(root, 'running')]});
		try {
			const lines = await runDoctor({settings: settingsWith({jackName: 'doctor-running', hotkey: 'off', transcription: false}), env: {...jackEnv(), XDG_RUNTIME_DIR: recorder.runtimeDir}});
			const running = line(lines, 'omega13 is running');
			assert.match(running.what, /^omega13 is running as "doctor-running" \(pid \d+\)$/);
			assert.equal(running.ok, true);
			assert.equal(running.info, true);
			assert.match(formatDoctor(lines), /^info omega13 is running as "doctor-running" \(pid \d+\)\n {7}\(a second omega13 at the same time needs another --jack-name\)$/m);
			assert.ok(!lines.some((candidate) => candidate.what.includes('is taken')), formatDoctor(lines));
		} finally {
			await recorder.dispose();
		}
	});
});

describe('runDoctor: the transcription engine and model', () => {
	it('contacts the server: one that answers is ok, one that is not there is reported with what to do', async () => {
		const server = http.createServer((_request, response) => response.writeHead(404).end('not here'));
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
			assert.deepEqual(line(await runDoctor({settings: settingsWith({engineUrl: url}), env}), 'Transcription'), {
				ok: true,
				what: `Transcription: by the server at ${url} (it answers, HTTP 404)`,
			});
		} finally {
			server.close();
		}
		const gone = `http://127.0.0.1:${await freeLoopbackPort()}/inference`;
		const lines = await runDoctor({settings: settingsWith({engineUrl: gone}), env});
		assert.deepEqual(line(lines, 'Transcription'), {
			ok: false,
			what: `Transcription: the server at ${gone} cannot be reached (ECONNREFUSED)`,
			fix: 'start the server, or correct --engine-url ("engineUrl"), or set it to null to transcribe here with whisper.cpp',
		});
		assert.equal(doctorExitCode(lines), 1);
	});

	it('does not suggest downloading a model by the name of a file that is not one', async () => {
		const bad = path.join(root, 'bad1.bin');
		await writeFile(bad, Buffer.alloc(100));
		const lines = await runDoctor({settings: settingsWith({model: bad}), env});
		assert.deepEqual(line(lines, 'Whisper model'), {
			ok: false,
			what: `Whisper model bad1: ${bad} is not a valid whisper model`,
			fix: 'set "model" to a ggml .bin file, or to a model name like "base.en" and download it with `omega13 models download base.en`',
		});
	});
});
