import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {parseOptions} from '../src/cli/parse-options.js';
import {ConfigError} from '../src/config/config-error.js';
import {mergeSettings} from '../src/config/merge-settings.js';
import {defaultSettings, settingKeys} from '../src/config/settings-schema.js';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {runCli} from './helpers/recorder-process.js';

const problems = (argv: string[]): readonly string[] => {
	const line = parseOptions(argv);
	assert.ok(line.problems.length > 0, `expected ${argv.join(' ')} to be refused`);
	return line.problems;
};

/** What `mergeSettings` says of the settings a command line gives (on top of the defaults). */
const settingProblems = (argv: string[]): readonly string[] => {
	const line = parseOptions(argv);
	assert.deepEqual(line.problems, []);
	const defaults = {
		settings: defaultSettings({}, '/home/test'),
		origins: Object.fromEntries(settingKeys.map(key => [key, 'default'])) as never,
		file: '/nowhere/config.json',
		fileFound: false,
	};
	try {
		mergeSettings(defaults, line.overrides, {givenAs: line.givenAs, cwd: '/work', home: '/home/test'});
	} catch (error) {
		assert.ok(error instanceof ConfigError);
		return error.problems;
	}
	assert.fail(`expected the settings of ${argv.join(' ')} to be refused`);
};

describe('parseOptions', () => {
	it('runs the recorder with no settings given when there are no flags', () => {
		const line = parseOptions([]);
		assert.equal(line.command, 'run');
		assert.deepEqual(line.problems, []);
		assert.deepEqual(line.overrides, {});
		assert.deepEqual(line.run, {headless: false, source: {kind: 'auto'}});
		assert.equal(line.configFile, undefined);
	});

	it('reads every setting flag into an override, negative numbers included', () => {
		const line = parseOptions([
			'--headless', '--jack-name', 'rec', '--channels', '4', '--buffer-seconds', '30.5', '--sessions-dir', '/x',
			'--connect', 'a:b', '--connect', 'c:d', '--silence-threshold', '-45', '--silence-window', '1', '--sample-format', 'int16',
			'--no-transcribe', '--clipboard', '--model', 'tiny.en', '--engine-url', 'http://h:1', '--format', 'flac',
			'--file-naming', 'timestamp', '--file-prefix', 'take_', '--hotkey', 'F9', '--no-auto-connect',
		]);
		assert.deepEqual(line.problems, []);
		assert.equal(line.run.headless, true);
		assert.deepEqual(line.overrides, {
			jackName: 'rec', channels: 4, bufferSeconds: 30.5, sessionsDir: '/x', inputs: ['a:b', 'c:d'], silenceThresholdDb: -45,
			silenceWindowSeconds: 1, sampleFormat: 'int16', transcription: false, clipboard: true, model: 'tiny.en',
			engineUrl: 'http://h:1', format: 'flac', fileNaming: 'timestamp', filePrefix: 'take_', hotkey: 'F9', autoConnect: false,
		});
	});

	it('takes --no-X and --X for every boolean setting (--no-clipboard and --transcribe were refused once)', () => {
		assert.deepEqual(parseOptions(['--no-clipboard', '--transcribe']).overrides, {clipboard: false, transcription: true});
		assert.deepEqual(parseOptions(['--no-clipboard', 'config']).problems, []);
	});

	it('reads the words that stand for settings: --connect none and --silence-threshold off', () => {
		const line = parseOptions(['--connect', 'none', '--silence-threshold', 'OFF']);
		assert.deepEqual(line.overrides, {autoConnect: false, inputs: [], silenceThresholdDb: 'off'});
		assert.deepEqual(line.givenAs, {autoConnect: '--connect none', inputs: '--connect none'});
	});

	it('reads the general flags and the commands\' arguments', () => {
		assert.deepEqual(parseOptions(['--source', 'file:/a.wav']).run.source, {kind: 'file', path: '/a.wav'});
		assert.deepEqual(parseOptions(['transcribe', 'last', '2']).args, ['last', '2']);
		assert.deepEqual(parseOptions(['models', 'download', 'tiny.en']).args, ['download', 'tiny.en']);
		assert.equal(parseOptions(['status', '--json']).json, true);
		assert.equal(parseOptions(['--config', 'x.json']).configFile, `${process.cwd()}/x.json`);
		// With sessions, --format is the export's format, not the captures' audio format.
		const exporting = parseOptions(['sessions', 'export', 'last', '--to', '/x', '--format', 'srt']);
		assert.equal(exporting.exportFormat, 'srt');
		assert.deepEqual(exporting.overrides, {});
		assert.deepEqual(parseOptions(['--format', 'opus']).overrides, {format: 'opus'});
	});

	it('names unknown options, commands, arguments and missing values', () => {
		assert.deepEqual(problems(['--bufer-seconds', '3']), ['unknown option --bufer-seconds (see --help for the options)']);
		assert.deepEqual(problems(['--no-model']), ['unknown option --no-model (see --help for the options)']);
		// The engine's key is never a flag (it would show in `ps`): only the file holding it is.
		assert.deepEqual(problems(['--engine-key', 'sk-1']), ['unknown option --engine-key (see --help for the options)']);
		assert.deepEqual(problems(['record']), [
			'unknown command "record": the commands are toggle, start, stop, status, setup, transcribe, models, save-last, config, sessions, doctor, inputs, serve (see --help)',
		]);
		assert.deepEqual(problems(['toggle', 'now']), ['usage: omega13 toggle']);
		assert.deepEqual(problems(['save-last', 'lots']), ['save-last SECONDS must be a number from 0.1 to 1800, got "lots"']);
		assert.deepEqual(problems(['sessions', 'export', 'last']), ['sessions export needs --to DIR: the directory to copy the audio and transcripts into']);
		assert.deepEqual(problems(['sessions', 'export', 'last', '--to', '/x', '--format', 'pdf']), ['--format must be md, json or srt, got "pdf"']);
		assert.deepEqual(problems(['config', 'edit']), ['usage: omega13 config [init]']);
		assert.deepEqual(problems(['transcribe']), ['usage: omega13 transcribe SESSION [CAPTURE]']);
		assert.deepEqual(problems(['models', 'fetch', 'x']), ['usage: omega13 models [download NAME]']);
		assert.deepEqual(problems(['--source', 'mic']), ['--source must be auto, jack, demo or file:PATH (a WAV file), got "mic"']);
		assert.deepEqual(problems(['--jack-name']), ['option --jack-name needs a value']);
		assert.deepEqual(problems(['--config', '']), ['--config must name a file, got an empty string']);
	});

	it('reads everything after `--` as arguments, and takes save-last seconds as plain decimals from 0.1', () => {
		assert.deepEqual(problems(['save-last', '--', '-3']), ['save-last SECONDS must be a number from 0.1 to 1800, got "-3"']);
		assert.deepEqual(problems(['save-last', '0x10']), ['save-last SECONDS must be a number from 0.1 to 1800, got "0x10"']);
		assert.deepEqual(problems(['save-last', '0.05']), ['save-last SECONDS must be a number from 0.1 to 1800, got "0.05"']);
		assert.deepEqual(parseOptions(['save-last', '--', '2.5']).problems, []);
		assert.deepEqual(parseOptions(['--silence-threshold', '-50']).overrides, {silenceThresholdDb: -50});
	});

	it('still reads the rest of the line after an unknown option, for its problems too', () => {
		const line = parseOptions(['--bogus', '--config', '/x.jsonc', '--channels', '9']);
		assert.deepEqual(line.problems, ['unknown option --bogus (see --help for the options)']);
		assert.equal(line.configFile, '/x.jsonc');
		assert.deepEqual(line.overrides, {channels: 9});
	});
});

describe('setting flags, checked by mergeSettings', () => {
	it('lists every bad value at once, each naming the flag and what it takes', () => {
		assert.deepEqual(settingProblems(['--channels', '0', '--buffer-seconds', 'abc', '--sample-format', 'mp3', '--jack-name', 'a:b']), [
			'--buffer-seconds: expected a number from 1 to 1800, got "abc"',
			'--channels: expected a whole number from 1 to 8, got 0',
			'--sample-format: expected "float32", "int24" or "int16", got "mp3"',
			'--jack-name: expected 1 to 64 characters without ":", got "a:b"',
		]);
		assert.deepEqual(settingProblems(['--silence-threshold', '5']), ['--silence-threshold: expected a number from -120 to 0 (dBFS) or "off", got 5']);
		assert.deepEqual(settingProblems(['--channels', '2.5']), ['--channels: expected a whole number from 1 to 8, got 2.5']);
		assert.deepEqual(settingProblems(['--connect', 'capture_1']), ['--connect: expected a JACK port name like "system:capture_1", got "capture_1"']);
		assert.deepEqual(settingProblems(['--channels', '1', '--connect', 'a:1', '--connect', 'a:2']), [
			'inputs: 2 ports are set (flag --connect) but channels is 1 (flag --channels): raise channels or connect fewer ports',
		]);
		assert.deepEqual(settingProblems(['--engine-url', 'localhost:8080']), ['--engine-url: expected an http:// or https:// URL, or null, got "localhost:8080"']);
		assert.deepEqual(settingProblems(['--sessions-dir', ' ']), ['--sessions-dir: expected a directory, got ""']);
		assert.deepEqual(settingProblems(['--buffer-seconds', '0x10']), ['--buffer-seconds: expected a number from 1 to 1800, got "0x10"']);
		assert.deepEqual(settingProblems(['--buffer-seconds', ' 13']), ['--buffer-seconds: expected a number from 1 to 1800, got " 13"']);
		assert.deepEqual(settingProblems(['--buffer-seconds', '1e3']), ['--buffer-seconds: expected a number from 1 to 1800, got "1e3"']);
		assert.deepEqual(settingProblems(['--silence-threshold', ' off']), ['--silence-threshold: expected a number from -120 to 0 (dBFS) or "off", got " off"']);
		assert.match(settingProblems(['--hotkey', 'ctrl+banana'])[0]!, /^--hotkey: expected a hotkey like .*, got "ctrl\+banana" \(unknown key "banana"/);
	});
});

/** No config file: the user's own must not change what these tests see. */
const noConfigEnv = {...process.env, XDG_CONFIG_HOME: '/nonexistent/omega13-test-config'};

/** Command lines refused before anything starts, and exactly what `omega13` prints for each (exit code 2). */
const refused: ReadonlyArray<{readonly name: string; readonly argv: string[]; readonly stderr: readonly string[]}> = [
	{
		name: 'every bad setting flag, and a pointer to --help',
		argv: ['--channels', '9', '--silence-window', '0'],
		stderr: ['omega13: --channels: expected a whole number from 1 to 8, got 9', 'omega13: --silence-window: expected a number from 0.05 to 10, got 0'],
	},
	{
		name: 'a bad command and a bad setting flag together',
		argv: ['record', '--channels', '9'],
		stderr: [
			'omega13: unknown command "record": the commands are toggle, start, stop, status, setup, transcribe, models, save-last, config, sessions, doctor, inputs, serve (see --help)',
			'omega13: --channels: expected a whole number from 1 to 8, got 9',
		],
	},
];

describe('omega13 command line', () => {
	it('lists the flags\' problems and the config file\'s in the same run', async t => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'omega13-flags-'));
		t.after(async () => rm(dir, {recursive: true, force: true}));
		const config = path.join(dir, 'bad.jsonc');
		await writeFile(config, '{"channels": 99}\n');
		const result = await runCli(['--config', config, '--bogus', '--buffer-seconds', '0'], noConfigEnv);
		assert.equal(result.code, 2);
		assert.equal(
			result.stderr,
			[
				'omega13: unknown option --bogus (see --help for the options)',
				`omega13: ${config}:1:14: channels: expected a whole number from 1 to 8, got 99`,
				'omega13: --buffer-seconds: expected a number from 1 to 1800, got 0',
				'Run `omega13 --help` for the options.',
				'',
			].join('\n'),
		);
		await writeFile(config, '{"channels": 99,,}\n');
		const unreadable = await runCli(['--config', config, '--channels', '9'], noConfigEnv);
		assert.match(unreadable.stderr, /not valid JSON.*\nomega13: --channels: expected a whole number from 1 to 8, got 9\n/);
	});

	for (const {name, argv, stderr} of refused) {
		it(`exits 2 on ${name}`, async () => {
			const result = await runCli(argv, noConfigEnv);
			assert.equal(result.code, 2);
			assert.equal(result.stderr, [...stderr, 'Run `omega13 --help` for the options.', ''].join('\n'));
		});
	}
});
