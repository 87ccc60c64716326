import {readFileSync} from 'node:fs';
import {ConfigError} from '../config/config-error.js';
import type {LoadedSettings} from '../config/load-config.js';
import {resolveSettings} from '../config/merge-settings.js';
import {applySettings} from './apply-settings.js';
import {runControlCommand, type Output} from './control-command.js';
import {helpText} from './help.js';
import {parseOptions, UsageError, type Options} from './parse-options.js';

const stdio: Output = {
	out: line => process.stdout.write(`${line}\n`),
	err: line => process.stderr.write(`${line}\n`),
};

const version = (): string => {
	const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {version: string};
	return manifest.version;
};

/** Runs one command line; resolves to the exit code (the recorder itself leaves through its exit path). */
export const main = async (argv: readonly string[], io: Output = stdio): Promise<number> => {
	let parsed: Options;
	try {
		parsed = parseOptions(argv);
	} catch (error) {
		if (error instanceof UsageError) {
			for (const problem of error.problems) {
				io.err(`omega13: ${problem}`);
			}
			io.err('Run `omega13 --help` for the options.');
			return 2;
		}
		throw error;
	}
	if (parsed.command === 'help') {
		io.out(helpText.trim());
		return 0;
	}
	if (parsed.command === 'version') {
		io.out(version());
		return 0;
	}
	if (parsed.command === 'config' && parsed.args[0] === 'init') {
		const {runConfigInit} = await import('./settings-commands.js');
		return runConfigInit(parsed, io);
	}
	let loaded: LoadedSettings;
	try {
		loaded = await resolveSettings({...(parsed.configFile === undefined ? {} : {configFile: parsed.configFile}), overrides: parsed.given});
	} catch (error) {
		if (error instanceof ConfigError) {
			for (const problem of error.problems) {
				io.err(`omega13: ${problem}`);
			}
			io.err('Nothing was started. Fix the file, or see `omega13 config init` for a commented example.');
			return error.exitCode;
		}
		throw error;
	}
	const options = applySettings(parsed, loaded);
	switch (options.command) {
		case 'toggle':
		case 'start':
		case 'stop':
		case 'status': {
			return runControlCommand(options.command, options, io);
		}
		case 'inputs': {
			return runControlCommand('inputs-save', options, io);
		}
		case 'save-last': {
			return runControlCommand('save-last', options, io, Number(options.args[0]));
		}
		case 'setup': {
			const {runSetupCommand} = await import('./whisper-commands.js');
			return runSetupCommand(io);
		}
		case 'transcribe': {
			const {runTranscribeCommand} = await import('./whisper-commands.js');
			return runTranscribeCommand(options, io);
		}
		case 'models': {
			const {runModelsCommand} = await import('./whisper-commands.js');
			return runModelsCommand(options, io);
		}
		case 'config': {
			const {runConfigShow} = await import('./settings-commands.js');
			return runConfigShow(options, loaded, io);
		}
		case 'sessions': {
			const {runSessionsCommand} = await import('./settings-commands.js');
			return runSessionsCommand(options, loaded, io);
		}
		case 'doctor': {
			const {runDoctorCommand} = await import('./settings-commands.js');
			return runDoctorCommand(loaded, io);
		}
		default: {
			// React's development build costs the meters several times the CPU.
			process.env['NODE_ENV'] ??= 'production';
			// Loaded only here: `omega13 toggle` must stay quick and never load the audio addon.
			const {runRecorder} = await import('../app/run-recorder.js');
			return runRecorder(options, io);
		}
	}
};
