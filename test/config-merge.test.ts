import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {captureFileBase} from '../src/session/capture-file-name.js';
import {ConfigError} from '../src/config/config-error.js';
import {formatSettings, settingsReport} from '../src/config/format-settings.js';
import {parseOptions} from '../src/cli/parse-options.js';
import {mergeSettings, resolveSettings} from '../src/config/merge-settings.js';
import {bufferBytes, connectPlan, silenceThreshold} from '../src/config/settings-schema.js';

let root: string;
let file: string;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-config-merge-'));
	file = path.join(root, 'config.json');
	await writeFile(file, '{\n\t// from the file\n\t"channels": 4,\n\t"bufferSeconds": 60,\n\t"format": "flac",\n\t"transcription": true\n}\n');
});
after(async () => {
	await rm(root, {recursive: true, force: true});
});

const env = (): Record<string, string> => ({XDG_CONFIG_HOME: path.join(root, 'cfg'), XDG_DATA_HOME: path.join(root, 'data')});

describe('resolveSettings', () => {
	it('lets flags override the file, and says where each setting came from', async () => {
		const loaded = await resolveSettings({
			configFile: file,
			env: env(),
			home: root,
			overrides: {bufferSeconds: 30, transcription: false, hotkey: 'F9'},
		});
		assert.equal(loaded.settings.channels, 4);
		assert.equal(loaded.origins.channels, `config file ${file}`);
		assert.equal(loaded.settings.bufferSeconds, 30);
		assert.equal(loaded.origins.bufferSeconds, 'flag --buffer-seconds');
		assert.equal(loaded.settings.transcription, false);
		assert.equal(loaded.origins.transcription, 'flag --no-transcribe');
		assert.equal(loaded.settings.hotkey, 'F9');
		assert.equal(loaded.origins.hotkey, 'flag --hotkey');
		assert.equal(loaded.settings.format, 'flac');
		assert.equal(loaded.origins.jackName, 'default');
	});

	it('checks flag values like file values and names the flag', async () => {
		await assert.rejects(
			resolveSettings({configFile: file, env: env(), home: root, overrides: {channels: 12, format: 'mp3' as never, sessionsDir: ''}}),
			(error: unknown) => {
				assert.ok(error instanceof ConfigError);
				assert.deepEqual(error.problems, [
					'--channels: expected a whole number from 1 to 8, got 12',
					'--format: expected "wav", "flac" or "opus", got "mp3"',
					'--sessions-dir: expected a directory, got ""',
				]);
				return true;
			},
		);
	});

	it('takes a relative --sessions-dir from the working directory and ~/ from home', async () => {
		const relative = await resolveSettings({env: env(), home: root, cwd: '/srv/audio', overrides: {sessionsDir: 'takes'}});
		assert.equal(relative.settings.sessionsDir, '/srv/audio/takes');
		const tilde = await resolveSettings({env: env(), home: root, overrides: {sessionsDir: '~/takes'}});
		assert.equal(tilde.settings.sessionsDir, path.join(root, 'takes'));
	});

	it('checks settings against each other after the flags are in', async () => {
		const withPorts = path.join(root, 'ports.json');
		await writeFile(withPorts, '{"inputs": ["system:capture_1", "system:capture_2", "system:capture_3"], "channels": 4}');
		const loaded = await resolveSettings({configFile: withPorts, env: env(), home: root});
		assert.equal(loaded.settings.inputs.length, 3);
		await assert.rejects(
			resolveSettings({configFile: withPorts, env: env(), home: root, overrides: {channels: 2}}),
			(error: unknown) =>
				error instanceof ConfigError &&
				error.problems.join('\n') ===
					`inputs: 3 ports are set (config file ${withPorts}) but channels is 2 (flag --channels): raise channels or connect fewer ports`,
		);
	});

	it('maps --connect to autoConnect and inputs, and back', async () => {
		const base = await resolveSettings({env: env(), home: root});
		const flags = (...argv: string[]) => {
			const line = parseOptions(argv);
			return mergeSettings(base, line.overrides, {givenAs: line.givenAs});
		};
		const none = flags('--connect', 'none');
		assert.equal(connectPlan(none.settings), 'none');
		assert.equal(none.origins.autoConnect, 'flag --connect none');
		assert.equal(connectPlan(flags('--no-auto-connect').settings), 'none');
		const ports = flags('--connect', 'a:out_1');
		assert.deepEqual(connectPlan(ports.settings), ['a:out_1']);
		assert.equal(connectPlan(base.settings), 'physical');
		assert.equal(silenceThreshold(mergeSettings(base, {silenceThresholdDb: 'off'}).settings), Number.NEGATIVE_INFINITY);
	});

	it('refuses an override key that is not a setting', async () => {
		const base = await resolveSettings({env: env(), home: root});
		assert.throws(() => mergeSettings(base, {bogus: 1} as never), /mergeSettings: "bogus" is not a setting/);
	});
});

describe('formatSettings', () => {
	it('prints every setting with its value and origin, and the memory the buffer takes', async () => {
		const loaded = await resolveSettings({configFile: file, env: env(), home: root, overrides: {bufferSeconds: 1800, channels: 8}});
		const text = formatSettings(loaded);
		const lines = text.split('\n');
		assert.equal(lines[0], `Config file: ${file}`);
		assert.match(text, /^bufferSeconds +1800 +flag --buffer-seconds$/m);
		assert.match(text, /^channels +8 +flag --channels$/m);
		assert.match(text, new RegExp(`^format +"flac" +config file ${file.replaceAll('.', '\\.')}$`, 'm'));
		assert.match(text, /^jackName +"omega13" +default$/m);
		// 1800 s x 48000 Hz x 8 channels x 4 bytes = 2,764,800,000 bytes.
		assert.equal(bufferBytes(1800, 8), 2_764_800_000);
		assert.ok(text.includes('The 1800 s buffer takes 2.6 GiB of memory (1800 s x 48000 Hz x 8 channels x 4 bytes'), text);
		assert.ok(text.includes('FLAC holds no floats: float32 captures are kept as 24-bit FLAC.'));
		assert.equal(settingsReport(loaded).bufferBytes, 2_764_800_000);
	});

	it('says when the file is not there', async () => {
		const loaded = await resolveSettings({env: env(), home: root});
		assert.match(formatSettings(loaded).split('\n')[0]!, /\(not there, .*`omega13 config init` writes a starting file\)$/);
		assert.ok(formatSettings(loaded).includes('The 13 s buffer takes 4.8 MiB of memory'));
	});
});

describe('captureFileBase', () => {
	it('names captures 001 in sequence, or {prefix}YYYYMMDD_HHMMSS by their first sample', () => {
		assert.equal(captureFileBase('sequential', 'omega13_', 7, new Date()), '007');
		assert.equal(captureFileBase('timestamp', 'take_', 7, new Date(2025, 10, 23, 9, 5, 7)), 'take_20251123_090507');
		assert.throws(() => captureFileBase('sequential', '', 0, new Date()), new RangeError('captureFileBase: index must be a whole number from 1, got 0'));
	});
});
