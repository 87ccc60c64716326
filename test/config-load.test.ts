import assert from 'node:assert/strict';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {ConfigError} from '../src/config/config-error.js';
import {loadConfig} from '../src/config/load-config.js';
import {defaultSettings, settingKeys} from '../src/config/settings-schema.js';

let root: string;
let home: string;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-config-load-'));
	home = path.join(root, 'home');
	await mkdir(home);
});
after(async () => {
	await rm(root, {recursive: true, force: true});
});

const env = (): Record<string, string> => ({XDG_CONFIG_HOME: path.join(root, 'xdg-config'), XDG_DATA_HOME: path.join(root, 'xdg-data')});

let fileNumber = 0;
/** Writes `text` to a new config file and loads it with --config. */
const load = async (text: string): Promise<{file: string; result: Awaited<ReturnType<typeof loadConfig>> | ConfigError}> => {
	const file = path.join(root, `config-${++fileNumber}.json`);
	await writeFile(file, text);
	try {
		return {file, result: await loadConfig({file, env: env(), home})};
	} catch (error) {
		if (error instanceof ConfigError) {
			return {file, result: error};
		}
		throw error;
	}
};

const allKeys = settingKeys.join(', ');

/** Bad files and the exact lines they give; `F` stands for the file's path. */
const badFiles: ReadonlyArray<{readonly name: string; readonly text: string; readonly problems: readonly string[]}> = [
	{
		name: 'a string where a number goes',
		text: '{"bufferSeconds": "abc"}',
		problems: ['F:1:19: bufferSeconds: expected a number from 1 to 1800, got "abc"'],
	},
	{
		name: 'a buffer longer than 30 minutes',
		text: '{"bufferSeconds": 1801}',
		problems: ['F:1:19: bufferSeconds: expected a number from 1 to 1800, got 1801'],
	},
	{
		name: 'a buffer under a second',
		text: '{"bufferSeconds": 0.5}',
		problems: ['F:1:19: bufferSeconds: expected a number from 1 to 1800, got 0.5'],
	},
	{
		name: 'nine channels',
		text: '{"channels": 9}',
		problems: ['F:1:14: channels: expected a whole number from 1 to 8, got 9'],
	},
	{
		name: 'a fractional channel count',
		text: '{"channels": 1.5}',
		problems: ['F:1:14: channels: expected a whole number from 1 to 8, got 1.5'],
	},
	{
		name: 'a boolean given as a string',
		text: '{"transcription": "yes"}',
		problems: ['F:1:19: transcription: expected true or false, got "yes"'],
	},
	{
		name: 'an unknown format',
		text: '{"format": "mp3"}',
		problems: ['F:1:12: format: expected "wav", "flac" or "opus", got "mp3"'],
	},
	{
		name: 'a positive silence threshold',
		text: '{"silenceThresholdDb": 6}',
		problems: ['F:1:24: silenceThresholdDb: expected a number from -120 to 0 (dBFS) or "off", got 6'],
	},
	{
		name: 'a relative sessions directory',
		text: '{"sessionsDir": "recordings"}',
		problems: ['F:1:17: sessionsDir: expected an absolute path or one starting with "~/", got "recordings"'],
	},
	{
		name: 'a port name without a client',
		text: '{"channels": 2, "inputs": ["system:capture_1", "capture_2"]}',
		problems: ['F:1:48: inputs[1]: expected a JACK port name like "system:capture_1", got "capture_2"'],
	},
	{
		name: 'a hotkey that would fire while typing',
		text: '{"hotkey": "r"}',
		problems: [
			'F:1:12: hotkey: expected a hotkey like "ctrl+alt+space" or "F9", or "off", got "r" ("r" alone or with shift would fire whenever you type it in any window; add ctrl, alt or meta (e.g. ctrl+alt+r), or use a key that types nothing (f1-f24, printscreen, scrolllock, pause, insert))',
		],
	},
	{
		name: 'an engine URL that is not http',
		text: '{"engineUrl": "ftp://example.org"}',
		problems: ['F:1:15: engineUrl: expected an http:// or https:// URL, or null, got "ftp://example.org"'],
	},
	{
		name: 'a misspelt key',
		text: '{"bufferSecs": 13}',
		problems: ['F:1:2: unknown key "bufferSecs" (did you mean "bufferSeconds"?)'],
	},
	{
		name: 'a key in snake_case',
		text: '{"jack_name": "rec"}',
		problems: ['F:1:2: unknown key "jack_name" (did you mean "jackName"?)'],
	},
	{
		name: 'a key that is nothing like a setting',
		text: '{"colour": "red"}',
		problems: [`F:1:2: unknown key "colour" (the keys are ${allKeys})`],
	},
	{
		name: 'every problem of a file at once, in file order',
		text: ['{', '\t"sampleRate": 44100,', '\t"channels": "two",', '\t"format": "flac",', '\t"clipbord": true,', '\t"silenceWindowSeconds": 20', '}'].join('\n'),
		problems: [
			`F:2:2: unknown key "sampleRate" (the keys are ${allKeys})`,
			'F:3:14: channels: expected a whole number from 1 to 8, got "two"',
			'F:5:2: unknown key "clipbord" (did you mean "clipboard"?)',
			'F:6:26: silenceWindowSeconds: expected a number from 0.05 to 10, got 20',
		],
	},
	{
		name: 'a missing comma',
		text: '{\n\t"channels": 2\n\t"format": "wav"\n}',
		problems: ['F:3:2: not valid JSON: expected "," or "}" after the value of "channels", got "format"'],
	},
	{
		name: 'an unclosed object',
		text: '{\n\t"channels": 2,\n',
		problems: ['F:3:1: not valid JSON: the end of the file came before the "}" that closes the "{" at 1:1'],
	},
	{
		name: 'text without quotes',
		text: '{"format": flac}',
		problems: ['F:1:12: not valid JSON: expected a value, got flac (put text in double quotes)'],
	},
	{
		name: 'single quotes',
		text: "{'channels': 2}",
		problems: ['F:1:2: not valid JSON: keys and strings need double quotes, not single quotes'],
	},
	{
		name: 'a key given twice',
		text: '{\n\t"channels": 2,\n\t"channels": 4\n}',
		problems: ['F:3:2: not valid JSON: "channels" is given twice (also at 2:2)'],
	},
	{
		name: 'an empty file',
		text: '',
		problems: ['F:1:1: not valid JSON: the file is empty: expected a JSON object'],
	},
	{
		name: 'an unclosed string',
		text: '{"model": "base.en',
		problems: ['F:1:11: not valid JSON: a string is not closed with "'],
	},
	{
		name: 'a string broken by a line end',
		text: '{"model": "base\n.en"}',
		problems: ['F:1:16: not valid JSON: a string is not closed with " before the end of the line'],
	},
	{
		name: 'a tab typed into a string',
		text: '{"hotkey": "ctrl\talt"}',
		problems: ['F:1:17: not valid JSON: a control character in a string must be escaped'],
	},
	{
		name: 'a bad escape (a Windows path)',
		text: '{"sessionsDir": "C:\\dir"}',
		problems: ['F:1:20: not valid JSON: a bad escape in a string (use \\\\, \\", \\n, \\t or \\uXXXX)'],
	},
	{
		name: 'an unclosed comment',
		text: '{"channels": 2 /* note',
		problems: ['F:1:16: not valid JSON: a /* comment is not closed with */'],
	},
	{
		name: 'a number with a leading zero',
		text: '{"channels": 02}',
		problems: ['F:1:14: not valid JSON: expected a value, got 02 (not a JSON number)'],
	},
	{
		name: 'text after the object',
		text: '{"channels": 2} x',
		problems: ['F:1:17: not valid JSON: expected the end of the file after the value, got x'],
	},
	{
		name: 'a missing colon',
		text: '{"channels" 2}',
		problems: ['F:1:13: not valid JSON: expected ":" after the key "channels", got 2'],
	},
	{
		name: 'a list with a missing comma',
		text: '{"inputs": ["a:b" "c:d"]}',
		problems: ['F:1:19: not valid JSON: expected "," or "]" after a list item, got "c:d"'],
	},
	{
		name: 'an unclosed list',
		text: '{"inputs": ["a:b",',
		problems: ['F:1:19: not valid JSON: the end of the file came before the "]" that closes the "[" at 1:12'],
	},
	{
		name: 'values nested too deep',
		text: `{"inputs": ${'['.repeat(70)}${']'.repeat(70)}}`,
		problems: ['F:1:76: not valid JSON: values are nested more than 64 deep'],
	},
	{
		name: 'a list instead of an object',
		text: '[13]',
		problems: ['F: expected a JSON object of settings like {"bufferSeconds": 13}, got [13]'],
	},
];

describe('loadConfig', () => {
	for (const bad of badFiles) {
		it(`refuses ${bad.name}, with exit code 2 and the exact message`, async () => {
			const {file, result} = await load(bad.text);
			assert.ok(result instanceof ConfigError, `expected a ConfigError for ${bad.name}`);
			assert.equal(result.exitCode, 2);
			assert.deepEqual(
				result.problems,
				bad.problems.map((problem) => problem.replace(/^F/, file)),
			);
			assert.equal(result.message, result.problems.join('\n'));
		});
	}

	it('gives every default when the default file is not there', async () => {
		const loaded = await loadConfig({env: env(), home});
		assert.equal(loaded.fileFound, false);
		assert.equal(loaded.file, path.join(root, 'xdg-config', 'omega13', 'config.json'));
		assert.deepEqual(loaded.settings, defaultSettings(env(), home));
		assert.equal(loaded.settings.sessionsDir, path.join(root, 'xdg-data', 'omega13', 'sessions'));
		assert.ok(settingKeys.every((key) => loaded.origins[key] === 'default'));
	});

	it('reads the default file from $XDG_CONFIG_HOME/omega13/config.json', async () => {
		const configHome = path.join(root, 'other-config');
		await mkdir(path.join(configHome, 'omega13'), {recursive: true});
		const file = path.join(configHome, 'omega13', 'config.json');
		await writeFile(file, '{"channels": 1}');
		const loaded = await loadConfig({env: {...env(), XDG_CONFIG_HOME: configHome}, home});
		assert.equal(loaded.fileFound, true);
		assert.equal(loaded.settings.channels, 1);
		assert.equal(loaded.origins.channels, `config file ${file}`);
	});

	it('refuses a --config file that is not there', async () => {
		const file = path.join(root, 'nope.json');
		await assert.rejects(
			loadConfig({file, env: env(), home}),
			(error: unknown) =>
				error instanceof ConfigError &&
				error.problems.length === 1 &&
				error.problems[0] === `${file}: no such file (make one with \`omega13 config init --config ${file}\`)`,
		);
	});

	it('accepts // and /* */ comments and trailing commas, and keeps // inside strings', async () => {
		const text = [
			'// my settings',
			'{',
			'\t/* a longer',
			'\t   note */ "engineUrl": "http://127.0.0.1:8080/x//y", // the // in the URL is text',
			'\t"inputs": ["system:capture_1",], // trailing commas are fine',
			'\t"silenceThresholdDb": "off",',
			'}',
			'// end',
		].join('\n');
		const {file, result} = await load(text);
		assert.ok(!(result instanceof ConfigError), String(result));
		assert.equal(result.settings.engineUrl, 'http://127.0.0.1:8080/x//y');
		assert.deepEqual(result.settings.inputs, ['system:capture_1']);
		assert.equal(result.settings.silenceThresholdDb, 'off');
		assert.equal(result.origins.engineUrl, `config file ${file}`);
		assert.equal(result.origins.channels, 'default');
	});

	it('reads a file that starts with a byte-order mark, keeping its columns', async () => {
		const {result} = await load('\ufeff{"channels": 1}');
		assert.ok(!(result instanceof ConfigError), String(result));
		assert.equal(result.settings.channels, 1);
		const {file, result: bad} = await load('\ufeff{"channels": 9}');
		assert.ok(bad instanceof ConfigError);
		assert.deepEqual(bad.problems, [`${file}:1:15: channels: expected a whole number from 1 to 8, got 9`]);
	});

	it('expands ~/ in sessionsDir to the home directory', async () => {
		const {result} = await load('{"sessionsDir": "~/recordings/omega13"}');
		assert.ok(!(result instanceof ConfigError), String(result));
		assert.equal(result.settings.sessionsDir, path.join(home, 'recordings', 'omega13'));
	});

	it('takes a "__proto__" key as an unknown key, not as a prototype', async () => {
		const {file, result} = await load('{"__proto__": {"channels": 8}}');
		assert.ok(result instanceof ConfigError);
		assert.equal(result.problems.length, 1);
		assert.match(result.problems[0]!, new RegExp(`^${file.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:2: unknown key "__proto__"`));
	});
});
