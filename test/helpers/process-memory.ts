import {readFileSync} from 'node:fs';

/**
 * A process's private memory in MiB: Private_Clean + Private_Dirty of /proc/PID/smaps_rollup. Not RSS:
 * a JACK client maps the server's shared memory, which RSS counts but the process does not own.
 */
export const privateMiB = (pid: number | 'self'): number => {
	const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
	const kib = ['Private_Clean', 'Private_Dirty'].reduce((sum, key) => sum + Number(new RegExp(`${key}:\\s+(\\d+)`).exec(rollup)?.[1] ?? 0), 0);
	return kib / 1024;
};

export const formatMiB = (mib: number): string => `${mib.toFixed(1)} MiB`;
