import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {generalFlags} from '../src/cli/general-flags.js';
import {helpText, optionLines, optionsHelp, settingDefault, settingLabel} from '../src/cli/help.js';
import {parseArgsOptions, parseOptions} from '../src/cli/parse-options.js';
import {configComment, configTemplate} from '../src/config/init-config.js';
import type {LoadedSettings} from '../src/config/load-config.js';
import {mergeSettings} from '../src/config/merge-settings.js';
import {defaultSettings, settingKeys, specOf, type SettingKey} from '../src/config/settings-schema.js';
import {runCli} from './helpers/recorder-process.js';

let root: string;
let home: string;
let env: Record<string, string>;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-settings-table-'));
	home = path.join(root, 'home');
	env = {XDG_CONFIG_HOME: path.join(root, 'config'), XDG_DATA_HOME: path.join(home, '.local', 'share')};
});
after(async () => {
	await rm(root, {recursive: true, force: true});
});

const base = (): LoadedSettings => ({
	settings: defaultSettings(env, home),
	origins: Object.fromEntries(settingKeys.map(key => [key, 'default'])) as LoadedSettings['origins'],
	file: path.join(root, 'config', 'omega13', 'config.json'),
	fileFound: false,
});

/** Sets one setting from the command line: parsed as `omega13` parses it, checked as `omega13` checks it. */
const fromFlags = (argv: string[]): LoadedSettings => {
	const line = parseOptions(argv);
	assert.deepEqual(line.problems, [], `${argv.join(' ')} is a good command line`);
	return mergeSettings(base(), line.overrides, {givenAs: line.givenAs, home});
};

/** A value's flags: `--channels 2`, `--connect a:1 --connect a:2`, `--no-clipboard`. */
const flagsFor = (key: SettingKey, value: unknown): string[] | undefined => {
	const spec = specOf(key);
	if (spec.value === undefined) {
		return [value === true ? `--${spec.flag}` : `--no-${spec.flag}`];
	}
	if (Array.isArray(value)) {
		return value.length === 0 ? undefined : value.flatMap(item => [`--${spec.flag}`, String(item)]);
	}
	return value === null ? undefined : [`--${spec.flag}`, String(value)];
};

/** A good value other than the default, so the round trip shows the flag really sets this key. */
const otherValue = (key: SettingKey): unknown => {
	const fallback = defaultSettings(env, home)[key];
	// An enum offers its own values; the rest are tried in turn.
	const options = (specOf(key).schema as {options?: readonly unknown[]}).options ?? [];
	const candidates: unknown[] =
		typeof fallback === 'boolean'
			? [!fallback]
			: [...options, 3, 7, 0.25, -30, 120, '~/elsewhere', 'take_', 'rec', ['system:capture_1'], 'F9', 'tiny.en', 'http://127.0.0.1:8080', 's3://bucket/prefix'];
	const good = candidates.find(candidate => candidate !== fallback && specOf(key).schema.safeParse(candidate).success);
	assert.ok(good !== undefined, `no test value for ${key}: add one to the candidates`);
	return good;
};

describe('the settings table', () => {
	it('gives each setting its own flag, and no flag twice', () => {
		const flags = [...settingKeys.map(key => specOf(key).flag), ...generalFlags.filter(flag => !flag.sharesSettingFlag).map(flag => flag.name)];
		assert.deepEqual(flags.filter((flag, i) => flags.indexOf(flag) !== i), []);
		for (const flag of flags) {
			assert.match(flag, /^[a-z][a-z\d]*(?:-[a-z\d]+)*$/, `${flag} is kebab-case`);
		}
	});

	for (const key of settingKeys) {
		const spec = specOf(key);
		describe(`${key} (--${spec.flag})`, () => {
			it('has a flag the parser accepts, a boolean one with its --no- form, that sets this key', () => {
				const option = parseArgsOptions()[spec.flag];
				const isBoolean = spec.schema.safeParse(true).success && spec.schema.safeParse(false).success;
				assert.equal(option?.type, isBoolean ? 'boolean' : 'string');
				assert.equal(spec.value === undefined, isBoolean, 'a boolean has no value reader, and only a boolean');
				if (isBoolean) {
					assert.equal(fromFlags([`--no-${spec.flag}`]).settings[key], false);
					assert.equal(fromFlags([`--no-${spec.flag}`]).origins[key], `flag --no-${spec.flag}`);
					assert.equal(fromFlags([`--${spec.flag}`]).settings[key], true);
				}
				const value = otherValue(key);
				const merged = fromFlags(flagsFor(key, value)!);
				const expected = spec.path === undefined ? value : path.join(home, String(value).slice(2));
				assert.deepEqual(merged.settings[key], expected);
				assert.match(merged.origins[key], new RegExp(`^flag --(no-)?${spec.flag}$`));
			});

			it('takes its default from the flag, the file and the default alike', () => {
				const fallback = defaultSettings(env, home)[key];
				assert.ok(spec.schema.safeParse(fallback).success, `the default ${JSON.stringify(fallback)} passes the check`);
				const flags = flagsFor(key, fallback);
				if (flags !== undefined) {
					assert.deepEqual(fromFlags(flags).settings[key], fallback);
				}
			});

			it('has a config key with its comment, and a --help line with its flags and default', () => {
				const template = configTemplate(env, home);
				const comment = configComment(key).map(line => `\t// ${line}`).join('\n');
				assert.ok(template.includes(`${comment}\n\t${JSON.stringify(key)}: `), `config init writes ${key} under its comment`);
				for (const flag of spec.value === undefined ? [`--${spec.flag}`, `--no-${spec.flag}`] : [`--${spec.flag}`]) {
					assert.ok(configComment(key).at(-1)!.includes(flag), `the comment names ${flag}`);
				}
				const label = settingLabel(spec);
				assert.ok(label.startsWith(spec.value === undefined ? `--[no-]${spec.flag}` : `--${spec.flag} `));
				assert.ok(helpText().includes(optionLines(label, spec.help, settingDefault(spec)).join('\n')), `--help has the line for ${key}`);
			});
		});
	}

	it('--help\'s options section holds only lines made from the tables', () => {
		let rest = `${optionsHelp()}\n`;
		const chunks = [
			...settingKeys.map(key => {
				const spec = specOf(key);
				return optionLines(settingLabel(spec), spec.help, settingDefault(spec));
			}),
			...generalFlags.map(flag =>
				optionLines(`${flag.short === undefined ? '' : `-${flag.short}, `}--${flag.name}${flag.arg === undefined ? '' : ` ${flag.arg}`}`, flag.help, flag.helpDefault),
			),
		];
		for (const chunk of chunks) {
			const text = `${chunk.join('\n')}\n`;
			assert.ok(rest.includes(text), `the options section has ${chunk[0]}`);
			rest = rest.replace(text, '');
		}
		assert.deepEqual(rest.split('\n').filter(line => line.trim() !== ''), [
			'  Options (each setting may also be set in $XDG_CONFIG_HOME/omega13/config.json; flags win)',
			'  With sessions export',
		]);
	});

	it('accepts every flag that --help and the config file mention', () => {
		const mentioned = new Set<string>();
		for (const text of [helpText(), configTemplate(env, home)]) {
			for (const match of text.matchAll(/--(\[no-\])?([a-z][a-z-]*[a-z])/g)) {
				mentioned.add(`--${match[2]}`);
				if (match[1] !== undefined) {
					mentioned.add(`--no-${match[2]}`);
				}
			}
		}
		const options = parseArgsOptions();
		for (const flag of mentioned) {
			const argv = options[flag.replace(/^--(no-)?/, '')]?.type === 'string' && !flag.startsWith('--no-') ? [flag, 'x'] : [flag];
			assert.ok(
				!parseOptions(argv).problems.some(problem => problem.startsWith('unknown option')),
				`${flag} is mentioned but the parser refuses it`,
			);
		}
		assert.ok(mentioned.has('--no-clipboard') && mentioned.has('--transcribe'));
	});
});

describe('generated text, as the commands print it', () => {
	it('omega13 --help prints the generated help byte for byte', async () => {
		const result = await runCli(['--help'], {...process.env, ...env, HOME: home});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(result.stdout, `${helpText()}\n`);
	});

	it('omega13 config init writes the generated file byte for byte', async () => {
		const result = await runCli(['config', 'init'], {...process.env, ...env, HOME: home});
		assert.equal(result.code, 0, result.stderr);
		assert.equal(await readFile(path.join(root, 'config', 'omega13', 'config.json'), 'utf8'), configTemplate(env, home));
	});
});
