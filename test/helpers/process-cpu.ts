import {readFileSync, readdirSync} from 'node:fs';

const clockTicks = 100; // USER_HZ on Linux

/** CPU ticks (user + system) of `pid`, with those of its children it has reaped; 0 for a process that is gone. */
export const processTicks = (pid: number, withReaped = true): number => {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return Number(fields[11]) + Number(fields[12]) + (withReaped ? Number(fields[13]) + Number(fields[14]) : 0);
	} catch {
		return 0;
	}
};

/** The live children of `pid` (encoders, the speech detector). */
export const liveChildren = (pid: number): number[] =>
	readdirSync(`/proc/${pid}/task`).flatMap(task =>
		readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
	);

/** % of a core that `pid` and its live children used over `forSeconds`, apart. */
export const cpuPercent = async (pid: number, forSeconds: number): Promise<{own: number; children: number}> => {
	const sample = () => ({own: processTicks(pid), children: liveChildren(pid).reduce((sum, child) => sum + processTicks(child, false), 0)});
	const before = sample();
	const started = performance.now();
	await new Promise(resolve => setTimeout(resolve, forSeconds * 1000));
	const elapsed = (performance.now() - started) / 1000;
	const after = sample();
	const percent = (ticks: number): number => (ticks / clockTicks / elapsed) * 100;
	return {own: percent(after.own - before.own), children: percent(after.children - before.children)};
};
