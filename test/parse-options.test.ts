import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {parseOptions, UsageError} from '../src/cli/parse-options.js';
import {runCli} from './helpers/recorder-process.js';

const problems = (argv: string[]): readonly string[] => {
	try {
		parseOptions(argv);
	} catch (error) {
		assert.ok(error instanceof UsageError);
		return error.problems;
	}
	assert.fail(`expected ${argv.join(' ')} to be refused`);
};

describe('parseOptions', () => {
	it('has the documented defaults', () => {
		const options = parseOptions([]);
		assert.equal(options.command, 'run');
		assert.equal(options.jackName, 'omega13');
		assert.equal(options.channels, 2);
		assert.equal(options.bufferSeconds, 13);
		assert.equal(options.connect, 'physical');
		assert.equal(options.silenceThresholdDb, -60);
		assert.equal(options.silenceWindowSeconds, 0.5);
		assert.equal(options.sampleFormat, 'float32');
	});

	it('reads every flag, negative numbers included', () => {
		const options = parseOptions([
			'--headless', '--jack-name', 'rec', '--channels', '4', '--buffer-seconds', '30.5', '--sessions-dir', '/x',
			'--connect', 'a:b', '--connect', 'c:d', '--silence-threshold', '-45', '--silence-window', '1', '--sample-format', 'int16',
		]);
		assert.deepEqual(
			{...options},
			{
				command: 'run', args: [], headless: true, json: false, jackName: 'rec', channels: 4, bufferSeconds: 30.5, sessionsDir: '/x',
				connect: ['a:b', 'c:d'], silenceThresholdDb: -45, silenceWindowSeconds: 1, sampleFormat: 'int16',
				source: {kind: 'auto'}, hotkey: 'ctrl+alt+space', transcribe: true, model: 'base.en', engineUrl: undefined, clipboard: false,
				configFile: undefined, exportTo: undefined, exportFormat: 'md', format: 'wav', fileNaming: 'sequential', filePrefix: 'omega13_',
				given: {
					jackName: 'rec', channels: 4, bufferSeconds: 30.5, sessionsDir: '/x', silenceThresholdDb: -45, silenceWindowSeconds: 1,
					sampleFormat: 'int16', inputs: ['a:b', 'c:d'],
				},
			},
		);
		// Only what was typed overrides the config file.
		assert.deepEqual(parseOptions([]).given, {});
		assert.deepEqual(parseOptions(['--no-transcribe', '--connect', 'none', '--silence-threshold', 'off']).given, {
			transcription: false, autoConnect: false, inputs: [], silenceThresholdDb: 'off',
		});
		assert.deepEqual(parseOptions(['--source', 'file:/a.wav']).source, {kind: 'file', path: '/a.wav'});
		assert.equal(parseOptions(['--no-transcribe']).transcribe, false);
		assert.deepEqual(parseOptions(['transcribe', 'last', '2']).args, ['last', '2']);
		assert.deepEqual(parseOptions(['models', 'download', 'tiny.en']).args, ['download', 'tiny.en']);
		assert.equal(parseOptions(['--silence-threshold', 'off']).silenceThresholdDb, Number.NEGATIVE_INFINITY);
		assert.equal(parseOptions(['--connect', 'none']).connect, 'none');
		assert.equal(parseOptions(['status', '--json']).json, true);
	});

	it('lists every problem at once, each naming the flag and the accepted values', () => {
		assert.deepEqual(problems(['--channels', '0', '--buffer-seconds', 'abc', '--sample-format', 'mp3', '--jack-name', 'a:b']), [
			'--jack-name must be 1 to 64 characters without ":", got "a:b"',
			'--channels must be a whole number from 1 to 8, got "0"',
			'--buffer-seconds must be a number from 1 to 1800, got "abc"',
			'--sample-format must be one of float32, int24, int16, got "mp3"',
		]);
		assert.deepEqual(problems(['--silence-threshold', '5']), ['--silence-threshold must be a number from -120 to 0, got "5"']);
		assert.deepEqual(problems(['--channels', '2.5']), ['--channels must be a whole number from 1 to 8, got "2.5"']);
		assert.deepEqual(problems(['--connect', 'capture_1']), [
			'--connect takes a full JACK port name like "system:capture_1", got "capture_1" (list ports with jack_lsp)',
		]);
		assert.deepEqual(problems(['--channels', '1', '--connect', 'a:1', '--connect', 'a:2']), [
			'--connect was given 2 ports but there are only 1 inputs: raise --channels or drop a port',
		]);
	});

	it('names unknown options, commands and missing values', () => {
		assert.deepEqual(problems(['--bufer-seconds', '3']), ['unknown option --bufer-seconds (see --help for the options)']);
		assert.deepEqual(problems(['record']), [
			'unknown command "record": the commands are toggle, start, stop, status, setup, transcribe, models, save-last, config, sessions, doctor, inputs (see --help)',
		]);
		assert.deepEqual(problems(['toggle', 'now']), ['usage: omega13 toggle']);
		assert.deepEqual(problems(['save-last', 'lots']), ['save-last SECONDS must be a number from 0.1 to 1800, got "lots"']);
		assert.deepEqual(problems(['sessions', 'export', 'last']), ['sessions export needs --to DIR: the directory to copy the audio and transcripts into']);
		assert.deepEqual(problems(['sessions', 'export', 'last', '--to', '/x', '--format', 'pdf']), ['--format must be md, json or srt, got "pdf"']);
		assert.deepEqual(problems(['config', 'edit']), ['usage: omega13 config [init]']);
		assert.deepEqual(problems(['transcribe']), ['usage: omega13 transcribe SESSION [CAPTURE]']);
		assert.deepEqual(problems(['models', 'fetch', 'x']), ['usage: omega13 models [download NAME]']);
		assert.deepEqual(problems(['--source', 'mic']), ['--source must be auto, jack, demo or file:PATH (a WAV file), got "mic"']);
		assert.match(problems(['--hotkey', 'ctrl+banana'])[0]!, /^--hotkey: bad hotkey "ctrl\+banana"/);
		assert.deepEqual(problems(['--engine-url', 'localhost:8080']), ['--engine-url must be an http:// or https:// URL, got "localhost:8080"']);
		assert.deepEqual(problems(['--jack-name']), ['option --jack-name needs a value']);
	});
});

describe('omega13 command line', () => {
	it('exits 2 with every problem and a pointer to --help on bad flags', async () => {
		const result = await runCli(['--channels', '9', '--silence-window', '0']);
		assert.equal(result.code, 2);
		assert.equal(
			result.stderr,
			'omega13: --channels must be a whole number from 1 to 8, got "9"\n' +
				'omega13: --silence-window must be a number from 0.05 to 10, got "0"\n' +
				'Run `omega13 --help` for the options.\n',
		);
	});

	it('prints the help text, which documents every flag', async () => {
		const result = await runCli(['--help']);
		assert.equal(result.code, 0);
		for (const flag of ['--source', '--hotkey', '--no-transcribe', '--model', '--engine-url', '--clipboard', '--headless', '--jack-name', '--channels', '--buffer-seconds', '--sessions-dir', '--connect', '--silence-threshold', '--silence-window', '--sample-format']) {
			assert.ok(result.stdout.includes(flag), `help lacks ${flag}`);
		}
	});
});
