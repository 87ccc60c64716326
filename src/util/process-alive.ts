import {readFileSync} from 'node:fs';

/** What /proc/PID/stat says of a process: its state letter and its start time (clock ticks since boot). */
export type ProcessStat = {readonly state: string; readonly start: string | undefined};

export const processStat = (pid: number): ProcessStat | undefined => {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) may contain spaces and parentheses; fields resume after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return {state: fields[0] ?? '', start: fields[19]};
	} catch {
		return undefined;
	}
};

/**
 * True while process `pid` exists and has not ended: `kill(pid, 0)` succeeds (or fails with EPERM:
 * someone else's process), and it is not a zombie. A process killed with -9 stays a zombie until its
 * parent reaps it, which can take a while after a crash; it holds nothing any more.
 */
export const isProcessAlive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EPERM') {
			return false;
		}
	}
	const state = processStat(pid)?.state;
	return state !== 'Z' && state !== 'X';
};
