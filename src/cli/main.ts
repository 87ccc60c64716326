import {readFileSync} from 'node:fs';
import {helpText} from './help.js';
import {parseOptions, UsageError, type Options} from './parse-options.js';
import {runControlCommand, type Output} from './control-command.js';

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
	let options: Options;
	try {
		options = parseOptions(argv);
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
	switch (options.command) {
		case 'help': {
			io.out(helpText.trim());
			return 0;
		}
		case 'version': {
			io.out(version());
			return 0;
		}
		case 'toggle':
		case 'start':
		case 'stop':
		case 'status': {
			return runControlCommand(options.command, options, io);
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
		case 'run': {
			// React's development build costs the meters several times the CPU.
			process.env['NODE_ENV'] ??= 'production';
			// Loaded only here: `omega13 toggle` must stay quick and never load the audio addon.
			const {runRecorder} = await import('../app/run-recorder.js');
			return runRecorder(options, io);
		}
	}
};
