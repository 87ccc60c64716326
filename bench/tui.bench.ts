/**
 * CPU of the terminal UI with the meters running, against the same recorder headless (printed, never
 * asserted). Target: under 2 % of a core above headless. Both run on the demo source so the meters move;
 * the window starts while the pre-roll still fills, so its gauge moves too. Then the same while
 * recording, for information: the elapsed time redraws the screen once a second.
 *
 * Also the private memory (Private_Clean + Private_Dirty) of both, idle and after a capture. Target for
 * the TUI: at most 80 MiB.
 *
 *   npm run build && node dist/bench/tui.bench.js [seconds]
 */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {cliPath, RecorderProcess} from '../test/helpers/recorder-process.js';
import {TmuxTerminal} from '../test/helpers/tmux-terminal.js';
import {formatMiB, privateMiB} from '../test/helpers/process-memory.js';

const seconds = Number(process.argv[2] ?? 20);
const cpuSeconds = (pid: number): number => {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
};
/** CPU over `seconds`, and the least private memory seen meanwhile (right after a GC: steadier than one sample). */
const measure = async (pid: number): Promise<{cpu: number; memory: number}> => {
	const cpu0 = cpuSeconds(pid);
	const t0 = performance.now();
	let memory = Number.POSITIVE_INFINITY;
	while (performance.now() - t0 < seconds * 1000) {
		memory = Math.min(memory, privateMiB(pid));
		await new Promise(resolve => setTimeout(resolve, 250));
	}
	return {cpu: ((cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100, memory};
};

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-tui-bench-'));
try {
	const headless = await RecorderProcess.start({env: process.env, jackName: 'benchheadless', args: ['--source', 'demo', '--sessions-dir', root, '--hotkey', 'off']});
	await new Promise(resolve => setTimeout(resolve, 2000));
	const {cpu: headlessCpu, memory: headlessMemory} = await measure(headless.child.pid!);
	await headless.dispose();

	const terminal = await TmuxTerminal.start(
		`${process.execPath} ${cliPath} --source demo --jack-name benchtui --sessions-dir ${root} --hotkey off`,
		{env: {XDG_RUNTIME_DIR: root, TERM: 'xterm-256color'}},
	);
	try {
		await terminal.waitFor(/DEMO SOURCE/);
		const pid = Number(execFileSync('pgrep', ['-f', `^${process.execPath} ${cliPath} --source demo --jack-name benchtui`]).toString().trim().split('\n')[0]);
		// Past start-up (module loading) before measuring.
		await new Promise(resolve => setTimeout(resolve, 3000));
		const {cpu: tuiCpu, memory: idleMemory} = await measure(pid);
		console.log(`demo source, ${seconds} s: headless ${headlessCpu.toFixed(2)} % of a core, TUI ${tuiCpu.toFixed(2)} % (${(tuiCpu - headlessCpu).toFixed(2)} % above headless; target < 2 %)`);
		console.log(`private memory idle: headless ${formatMiB(headlessMemory)}, TUI ${formatMiB(idleMemory)} (target <= 80 MiB)`);
		await terminal.keys('Space');
		await terminal.waitFor(/RECORDING/);
		const {cpu: recordingCpu} = await measure(pid);
		console.log(`while recording: TUI ${recordingCpu.toFixed(2)} % (${(recordingCpu - headlessCpu).toFixed(2)} % above headless idle)`);
		await terminal.keys('Space');
		await terminal.waitFor(/001 .*complete/);
		console.log(`private memory after a capture: TUI ${formatMiB((await measure(pid)).memory)}`);
	} finally {
		await terminal.dispose();
	}
} finally {
	await fs.rm(root, {recursive: true, force: true});
}
