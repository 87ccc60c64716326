import {accessSync, constants} from 'node:fs';

export type CommandLine = {readonly file: string; readonly args: readonly string[]};

const setprivPaths = ['/usr/bin/setpriv', '/bin/setpriv'];
let setpriv: string | null | undefined;

/** Whether `file` is there and this process may run it. */
export const isExecutable = (file: string): boolean => {
	try {
		accessSync(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
};

/**
 * The command line that runs `file` so that it dies with omega13, even with omega13 killed by SIGKILL
 * where no exit path runs: util-linux's `setpriv --pdeathsig KILL` sets Linux's parent-death signal and
 * then execs the program in its own place (same pid, so signals and exit codes stay the program's).
 * Otherwise a whisper server would outlive omega13 with its model in memory and its port open.
 * Without setpriv (not Linux, a trimmed system) the command runs as it is; so does a `file` that cannot
 * be run, so that spawning it fails with its own ENOENT or EACCES rather than with setpriv's exit code.
 */
export const tiedToUs = (file: string, args: readonly string[]): CommandLine => {
	setpriv ??= process.platform === 'linux' ? (setprivPaths.find(isExecutable) ?? null) : null;
	return setpriv === null || !isExecutable(file) ? {file, args} : {file: setpriv, args: ['--pdeathsig', 'KILL', '--', file, ...args]};
};
