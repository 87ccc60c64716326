import {execFile} from 'node:child_process';
import {promisify} from 'node:util';

const run = promisify(execFile);

/**
 * A real terminal: a detached tmux session running one command, read with capture-pane and typed into
 * with send-keys. Each instance has its own tmux server socket so tests never share a server.
 */
export class TmuxTerminal {
	readonly #socket: string;

	private constructor(socket: string) {
		this.#socket = socket;
	}

	static async start(command: string, {columns = 80, rows = 24, env = {}}: {columns?: number; rows?: number; env?: Record<string, string>} = {}): Promise<TmuxTerminal> {
		const socket = `omega13-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
		const exports = Object.entries(env)
			.map(([key, value]) => `export ${key}=${shellQuote(value)};`)
			.join(' ');
		// The shell stays after the app exits so the test can read its exit code and the tty's mode.
		await run('tmux', ['-L', socket, 'new-session', '-d', '-x', String(columns), '-y', String(rows), `${exports} ${command}; echo "EXIT=$?"; stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon'; sleep 600`]);
		return new TmuxTerminal(socket);
	}

	async screen(): Promise<string> {
		const {stdout} = await run('tmux', ['-L', this.#socket, 'capture-pane', '-p']);
		return stdout;
	}

	async keys(...keys: string[]): Promise<void> {
		await run('tmux', ['-L', this.#socket, 'send-keys', ...keys]);
	}

	/** Resizes the terminal, as a user dragging its window would (the app gets SIGWINCH). */
	async resize(columns: number, rows: number): Promise<void> {
		await run('tmux', ['-L', this.#socket, 'resize-window', '-x', String(columns), '-y', String(rows)]);
	}

	/**
	 * Waits until the screen matches `pattern`; the error shows the last screen. The deadline is generous
	 * for a loaded machine: it only stops a test that would hang.
	 */
	async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let last = '';
		while (Date.now() < deadline) {
			last = await this.screen();
			if (pattern.test(last)) {
				return last;
			}
			await new Promise(resolve => setTimeout(resolve, 100));
		}
		throw new Error(`the screen never showed ${pattern}; last screen:\n${last}`);
	}

	async dispose(): Promise<void> {
		await run('tmux', ['-L', this.#socket, 'kill-server']).catch(() => undefined);
	}
}

const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;
