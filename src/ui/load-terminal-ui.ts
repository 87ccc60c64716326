import type * as TerminalUi from './render-app.js';

const ciFlags = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/**
 * Imports the terminal UI (and with it Ink) with the CI flags hidden for the moment of the import.
 * Ink asks `is-in-ci` once, when it is first imported, and on a CI log it draws nothing until exit and
 * ignores resizes: right for a build log, wrong for a person at a terminal who has `CI=1` exported, and
 * for the terminal tests that CI runs. The caller has already checked that it has a terminal. The flags
 * come back straight after, so child processes (whisper-cli, encoders) still see them.
 * Only the first import in a process decides, so nothing may import Ink before this.
 */
export const loadTerminalUi = async (env: NodeJS.ProcessEnv = process.env): Promise<typeof TerminalUi> => {
	const hidden = ciFlags.flatMap(flag => {
		const value = env[flag];
		delete env[flag];
		return value === undefined ? [] : [[flag, value] as const];
	});
	try {
		return await import('./render-app.js');
	} finally {
		for (const [flag, value] of hidden) {
			env[flag] = value;
		}
	}
};
