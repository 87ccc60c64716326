import type {Options} from '../cli/parse-options.js';
import type {Output} from '../cli/control-command.js';
import {ExitPath} from './exit-path.js';
import {startRecorder} from './recorder.js';

const describeStartError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * `omega13 [--headless]`: runs until quit or a signal, then leaves through the exit path, which
 * finalizes an open capture before anything else is released.
 */
export const runRecorder = async (options: Options, io: Output): Promise<number> => {
	const exitPath = new ExitPath({say: io.err}).install();
	const say = (line: string): void => {
		io.out(`${new Date().toISOString().slice(11, 19)} ${line}`);
	};
	try {
		const recorder = await startRecorder(options, say, exitPath);
		const {source} = recorder.engine;
		say(
			`omega13 ready: ${source.kind} client "${source.name}" at ${source.sampleRate} Hz, period ${source.periodFrames}, ` +
				`inputs ${source.portNames.join(', ')}; keeping ${options.bufferSeconds} s`,
		);
		say(`sessions in ${recorder.sessionsRoot}; trigger with \`omega13 toggle\` (control socket ${recorder.socketPath})`);
	} catch (error) {
		io.err(`omega13: ${describeStartError(error)}`);
		await exitPath.exit(1, 'start failed');
		return 1;
	}
	// The exit path ends the process; until then the engine's timer and the socket keep it alive.
	return new Promise<number>(() => {});
};
