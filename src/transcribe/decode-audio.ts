import {execFile} from 'node:child_process';
import path from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);

/** The programs that turn a kept FLAC or Opus capture back into WAV, with their Debian packages. */
const decoders: Readonly<Record<string, {program: string; args: (from: string, to: string) => string[]; pkg: string}>> = {
	'.flac': {program: 'flac', args: (from, to) => ['--silent', '--decode', '--force', '-o', to, from], pkg: 'flac'},
	'.opus': {program: 'opusdec', args: (from, to) => ['--quiet', '--float', from, to], pkg: 'opus-tools'},
};

/** True when whisper can read the file as it is. */
export const isWav = (file: string): boolean => path.extname(file).toLowerCase() === '.wav';

/**
 * Decodes a FLAC or Opus capture to a WAV at `target`, for transcribing a capture whose WAV was replaced
 * by its encoding.
 */
export const decodeToWav = async (source: string, target: string): Promise<void> => {
	const extension = path.extname(source).toLowerCase();
	const decoder = decoders[extension];
	if (!decoder) {
		throw new Error(`cannot read ${path.basename(source)}: only WAV, FLAC and Opus captures can be transcribed`);
	}
	try {
		await run(decoder.program, decoder.args(source, target));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new Error(`${decoder.program} is needed to read ${path.basename(source)}: install it (Debian package ${decoder.pkg})`);
		}
		throw new Error(`${decoder.program} could not decode ${path.basename(source)}: ${(error as Error).message.split('\n')[0]}`);
	}
};
