import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {sendControl} from '../../src/control/control-client.js';
import {controlSocketPath, type ControlCommand, type ControlResponse} from '../../src/control/control-protocol.js';

/** The compiled CLI, as a user runs it. */
export const cliPath = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export type RunResult = {readonly code: number | null; readonly stdout: string; readonly stderr: string};

/** Runs `omega13 ARGS` to completion. */
export const runCli = async (args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> =>
	new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cliPath, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.once('error', reject);
		child.once('close', code => {
			resolve({code, stdout, stderr});
		});
	});

/**
 * A running `omega13 --headless` child with its own private runtime dir, read line by line.
 * `dispose()` kills it if it is still running.
 */
export class RecorderProcess {
	readonly child: ChildProcessWithoutNullStreams;
	readonly lines: string[] = [];
	readonly runtimeDir: string;
	readonly jackName: string;
	readonly exited: Promise<number | null>;
	stderr = '';
	readonly #waiters = new Set<() => void>();

	private constructor(child: ChildProcessWithoutNullStreams, runtimeDir: string, jackName: string) {
		this.child = child;
		this.runtimeDir = runtimeDir;
		this.jackName = jackName;
		let partial = '';
		child.stdout.on('data', (chunk: Buffer) => {
			partial += chunk.toString();
			const parts = partial.split('\n');
			partial = parts.pop()!;
			this.lines.push(...parts);
			for (const wake of this.#waiters) {
				wake();
			}
		});
		child.stderr.on('data', (chunk: Buffer) => {
			this.stderr += chunk.toString();
			for (const wake of this.#waiters) {
				wake();
			}
		});
		this.exited = new Promise(resolve => {
			child.once('exit', code => {
				resolve(code);
				for (const wake of this.#waiters) {
					wake();
				}
			});
		});
	}

	/** Starts the recorder and waits for its "ready" line (or its failure). */
	static async start(options: {
		env: NodeJS.ProcessEnv;
		args: readonly string[];
		jackName: string;
		runtimeDir?: string;
		waitReady?: boolean;
		/** A command that runs node, e.g. `['prlimit', '--fsize=3000000']`. */
		launcher?: readonly string[];
	}): Promise<RecorderProcess> {
		const runtimeDir = options.runtimeDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-run-')));
		const [command, ...launcherArgs] = [...(options.launcher ?? []), process.execPath];
		const child = spawn(
			command!,
			[...launcherArgs, cliPath, '--headless', '--jack-name', options.jackName, ...options.args],
			{env: {...options.env, XDG_RUNTIME_DIR: runtimeDir}, stdio: ['pipe', 'pipe', 'pipe']},
		);
		const recorder = new RecorderProcess(child, runtimeDir, options.jackName);
		if (options.waitReady ?? true) {
			await recorder.waitForLine(/omega13 ready/);
		}
		return recorder;
	}

	/**
	 * Resolves with the first line (old or new) matching `pattern`; rejects on exit, or at a deadline that
	 * is generous for a loaded machine (it only stops a test that would hang).
	 */
	async waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const line = this.lines.find(candidate => pattern.test(candidate));
			if (line !== undefined) {
				return line;
			}
			if (this.child.exitCode !== null || this.child.signalCode !== null) {
				throw new Error(`recorder exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}:\n${this.transcript()}`);
			}
			if (Date.now() > deadline) {
				throw new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${this.transcript()}`);
			}
			await new Promise<void>(resolve => {
				const wake = (): void => {
					this.#waiters.delete(wake);
					clearTimeout(timer);
					resolve();
				};
				const timer = setTimeout(wake, 100);
				this.#waiters.add(wake);
			});
		}
	}

	async control(command: ControlCommand): Promise<ControlResponse> {
		return sendControl(controlSocketPath(path.join(this.runtimeDir, 'omega13'), this.jackName), {command});
	}

	/** Once `filled` seconds are buffered, one capture: toggled on and straight off again (the pre-roll and a moment). */
	async captureOnce(filled: number): Promise<void> {
		await this.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= filled);
		for (const step of ['start', 'stop']) {
			const response = await this.control('toggle');
			if (!response.ok) {
				throw new Error(`the toggle to ${step} the capture failed: ${response.message}`);
			}
		}
	}

	/** Polls `status` until `ready(status)` holds (a generous deadline, as for `waitForLine`). */
	async waitForStatus(ready: (response: ControlResponse) => boolean, timeoutMs = 60_000): Promise<ControlResponse> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const response = await this.control('status');
			if (ready(response)) {
				return response;
			}
			if (Date.now() > deadline) {
				throw new Error(`status never became ready: ${JSON.stringify(response)}`);
			}
			await new Promise(resolve => setTimeout(resolve, 100));
		}
	}

	/**
	 * Resolves once the open capture holds `seconds` of live audio after its pre-roll, by the engine's
	 * frame count: a capture "of about a second" however slow the machine is.
	 */
	async recordedLive(seconds: number): Promise<ControlResponse> {
		return this.waitForStatus(({status}) => status?.capture.kind === 'recording' && status.capture.frames - status.capture.prerollFrames >= seconds * status.source.sampleRate);
	}

	transcript(): string {
		return `stdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`;
	}

	/** Stops the recorder the way a service manager would (SIGTERM), or kills it after 30 s. */
	async dispose(): Promise<void> {
		if (this.child.exitCode === null && this.child.signalCode === null) {
			this.child.kill('SIGTERM');
			const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
			await this.exited;
			clearTimeout(timer);
		}
		await fs.rm(this.runtimeDir, {recursive: true, force: true});
	}
}
