import type {Output} from '../app/output.js';
import {ConfigError} from '../config/config-error.js';
import type {LoadedSettings} from '../config/load-config.js';
import {resolveSettings} from '../config/merge-settings.js';
import {runControlCommand} from './control-command.js';
import {helpText} from './help.js';
import {parseOptions} from './parse-options.js';
import {packageVersion} from '../util/package-version.js';
import {plainLines} from '../util/plain-text.js';
import {parseDecimal} from '../util/decimal.js';

/**
 * Every line a command prints may carry text from outside (a transcript, a server's error, a file or
 * port name), so none reaches the terminal or a log with control characters in it.
 */
const stdio: Output = {
	out: line => process.stdout.write(`${plainLines(line)}\n`),
	err: line => process.stderr.write(`${plainLines(line)}\n`),
};

const helpHint = 'Run `omega13 --help` for the options.';
const fileHint = 'Nothing was started. Fix the file, or see `omega13 config init` for a commented example.';

/** Runs one command line; resolves to the exit code (the recorder itself leaves through its exit path). */
export const main = async (argv: readonly string[], io: Output = stdio): Promise<number> => {
	const line = parseOptions(argv);
	if (line.problems.length === 0 && line.command === 'help') {
		io.out(helpText());
		return 0;
	}
	if (line.problems.length === 0 && line.command === 'version') {
		io.out(packageVersion());
		return 0;
	}
	if (line.problems.length === 0 && line.command === 'serve') {
		// Read or made before the config file is: the token lives in the config directory itself.
		const {ensureAppDir} = await import('../util/app-dirs.js');
		const {loadOrCreateToken} = await import('../server/api-token.js');
		io.out(await loadOrCreateToken(await ensureAppDir('config')));
		return 0;
	}
	if (line.problems.length === 0 && line.command === 'config' && line.args[0] === 'init') {
		const {runConfigInit} = await import('./settings-commands.js');
		return runConfigInit(line.configFile, io);
	}
	// Every problem at once: the command line's, then the settings' (flags are checked with the file's).
	let loaded: LoadedSettings | undefined;
	let settingProblems: ConfigError | undefined;
	try {
		loaded = await resolveSettings({
			...(line.configFile === undefined ? {} : {configFile: line.configFile}),
			overrides: line.overrides,
			givenAs: line.givenAs,
		});
	} catch (error) {
		if (!(error instanceof ConfigError)) {
			throw error;
		}
		settingProblems = error;
	}
	if (line.problems.length > 0 || loaded === undefined) {
		for (const problem of [...line.problems, ...(settingProblems?.problems ?? [])]) {
			io.err(`omega13: ${problem}`);
		}
		io.err(line.problems.length > 0 || settingProblems?.source === 'flags' ? helpHint : fileHint);
		return 2;
	}
	const {settings} = loaded;
	// A name from a flag or the config file picks the instance; without one, commands find the one running.
	const control = {jackName: loaded.origins.jackName === 'default' ? undefined : settings.jackName, json: line.json};
	switch (line.command) {
		case 'toggle':
		case 'start':
		case 'stop':
		case 'status': {
			return runControlCommand(line.command, control, io);
		}
		case 'inputs': {
			return runControlCommand('inputs-save', control, io);
		}
		case 'save-last': {
			// Checked by parseOptions: a number in range.
			return runControlCommand('save-last', control, io, parseDecimal(line.args[0]!));
		}
		case 'setup': {
			const {runSetupCommand} = await import('./whisper-commands.js');
			return runSetupCommand(io);
		}
		case 'transcribe': {
			const {runTranscribeCommand} = await import('./whisper-commands.js');
			return runTranscribeCommand(line.args, settings, io);
		}
		case 'models': {
			const {runModelsCommand} = await import('./whisper-commands.js');
			return runModelsCommand(line.args, io);
		}
		case 'config': {
			const {runConfigShow} = await import('./settings-commands.js');
			return runConfigShow(line.json, loaded, io);
		}
		case 'sessions': {
			const {runSessionsCommand} = await import('./settings-commands.js');
			return runSessionsCommand(line, settings, io);
		}
		case 'doctor': {
			const {runDoctorCommand} = await import('./settings-commands.js');
			return runDoctorCommand(settings, io);
		}
		default: {
			// React's development build costs the meters several times the CPU.
			process.env['NODE_ENV'] ??= 'production';
			// Loaded only here: `omega13 toggle` must stay quick and never load the audio addon.
			const {runRecorder} = await import('../app/run-recorder.js');
			return runRecorder(settings, {...line.run, serveHostFromFlag: loaded.origins.serveHost.startsWith('flag')}, io);
		}
	}
};
