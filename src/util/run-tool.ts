import {spawn, type ChildProcess} from 'node:child_process';
import {plainText} from './plain-text.js';

/** A desktop tool to run (xclip, xdotool, notify-send), with the text it reads on its standard input. */
export type ToolCommand = {
	readonly tool: string;
	readonly path: string;
	readonly args: readonly string[];
	readonly stdin?: string;
};

export type ToolOutcome = {readonly ok: true} | {readonly ok: false; readonly reason: string};

export type RunToolOptions = {
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly timeoutMs: number;
	/**
	 * The tool forks a child that lives on holding its pipes (a clipboard server): it is done when it
	 * exits, not when its pipes close, and it is not tied to us.
	 */
	readonly forks?: boolean;
	/** Holds the child while it runs, for a dispose that stops it. */
	readonly running?: Set<ChildProcess>;
};

/** Runs a tool to its end and never throws: a failure is a reason in one line, the tool's words cleaned. */
export const runTool = (command: ToolCommand, options: RunToolOptions): Promise<ToolOutcome> =>
	new Promise(resolve => {
		const {env, timeoutMs, forks = false, running} = options;
		const child = spawn(command.path, command.args, {env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'ignore', 'pipe'], detached: forks});
		running?.add(child);
		let stderr = '';
		let timedOut = false;
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (chunk: string) => {
			stderr += chunk;
		});
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, timeoutMs);
		const done = (outcome: ToolOutcome): void => {
			clearTimeout(timer);
			running?.delete(child);
			resolve(outcome);
		};
		child.once('error', error => {
			done({ok: false, reason: `${command.tool} could not run (${error.message})`});
		});
		child.once(forks ? 'exit' : 'close', (code: number | null, signal: NodeJS.Signals | null) => {
			if (forks) {
				// The forked server keeps the stderr pipe open; stop listening so it does not hold us.
				child.stderr.destroy();
			}
			if (code === 0) {
				done({ok: true});
				return;
			}
			const how = timedOut ? `did not finish within ${timeoutMs} ms` : `exited with ${signal === null ? `code ${code}` : `signal ${signal}`}`;
			const said = plainText(stderr).replaceAll(/ {2,}/g, ' ').trim().slice(0, 300);
			done({ok: false, reason: `${command.tool} ${how}${said.length > 0 ? `: ${said}` : ''}`});
		});
		child.stdin.on('error', () => undefined);
		child.stdin.end(command.stdin ?? '');
		if (forks) {
			child.unref();
		}
	});
