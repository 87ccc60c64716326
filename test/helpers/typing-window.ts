import {spawn, execFile, type ChildProcess} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';

const run = promisify(execFile);

/**
 * An xterm on an X display whose shell writes every key it gets to a file, unechoed and unbuffered
 * (`stty -icanon`): what a user would see typed into a focused window, read back byte for byte.
 */
export class TypingWindow {
	readonly #child: ChildProcess;
	readonly #exited: Promise<void>;
	readonly #dir: string;
	readonly #file: string;

	private constructor(child: ChildProcess, exited: Promise<void>, dir: string) {
		this.#child = child;
		this.#exited = exited;
		this.#dir = dir;
		this.#file = path.join(dir, 'typed');
	}

	/**
	 * Opens the window and gives it the keyboard focus (there is no window manager to do it). `first`
	 * runs in the terminal before it starts writing keys to the file (which appears then).
	 */
	static async open(display: string, first: readonly string[] = []): Promise<TypingWindow> {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'omega13-typing-'));
		const file = path.join(dir, 'typed');
		const env = {...process.env, DISPLAY: display, LC_ALL: 'C.UTF-8'};
		const script = 'stty -icanon -echo || exit 1; if [ $# -gt 0 ]; then "$@"; fi; exec cat > "$0"';
		const child = spawn('xterm', ['-u8', '-e', 'sh', '-c', script, file, ...first], {env, stdio: 'ignore'});
		const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
		const window = new TypingWindow(child, exited, dir);
		try {
			// xterm names its pid on its window; --sync waits for the window to be mapped.
			const {stdout} = await run('xdotool', ['search', '--sync', '--onlyvisible', '--pid', String(child.pid)], {env, timeout: 60_000});
			const id = stdout.split('\n')[0]!.trim();
			await run('xdotool', ['windowfocus', '--sync', id], {env, timeout: 60_000});
			if (first.length === 0) {
				// The shell sets the terminal up before cat starts: wait for cat's file as the sign.
				await window.#waitFor(() => true);
			}
			return window;
		} catch (error) {
			await window.dispose();
			throw error;
		}
	}

	async #waitFor(check: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const text = await readFile(this.#file, 'utf8').catch(() => undefined);
			if (text !== undefined && check(text)) {
				return text;
			}
			if (Date.now() > deadline) {
				throw new Error(`the window did not get the expected text within ${timeoutMs} ms; it got ${JSON.stringify(text)}`);
			}
			await new Promise(resolve => setTimeout(resolve, 20));
		}
	}

	/** What the window has got, once it is at least `length` characters. */
	async typed(length: number): Promise<string> {
		return this.#waitFor(text => text.length >= length);
	}

	async dispose(): Promise<void> {
		if (this.#child.exitCode === null && this.#child.signalCode === null) {
			this.#child.kill('SIGTERM');
		}
		await this.#exited;
		await rm(this.#dir, {recursive: true, force: true});
	}
}
