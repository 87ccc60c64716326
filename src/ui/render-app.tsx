import {render} from 'ink';
import {App, type AppProps} from './app.js';
import {noTerminalMessage} from './no-terminal-message.js';

export type RenderAppOptions = AppProps & {
	/** @default process.stdin */
	readonly stdin?: NodeJS.ReadStream;
	/** @default process.stdout */
	readonly stdout?: NodeJS.WriteStream;
	/** @default process.stderr */
	readonly stderr?: NodeJS.WriteStream;
};

export type RenderedApp = {
	readonly ok: true;
	/** Resolves once the screen is gone (after `dispose`). */
	waitUntilExit(): Promise<void>;
	/** Takes the screen down and gives the terminal back (raw mode off, cursor on). Idempotent. */
	dispose(): void;
};

export type RenderAppResult = RenderedApp | {readonly ok: false; readonly error: string};

/**
 * Puts the TUI on the terminal. Without a terminal it renders nothing and returns the error for the CLI
 * to print: Ink would otherwise crash on raw mode (stdin) or fill a pipe with redraws (stdout).
 * Ctrl+C is a key here (`exitOnCtrlC: false`) that calls `commands.quit`, so quitting takes the app's exit
 * path; the app calls `dispose` when it is done.
 */
export const renderApp = (options: RenderAppOptions): RenderAppResult => {
	const {stdin = process.stdin, stdout = process.stdout, stderr = process.stderr, ...props} = options;
	if (!stdin.isTTY) {
		return {ok: false, error: noTerminalMessage('stdin')};
	}
	if (!stdout.isTTY) {
		return {ok: false, error: noTerminalMessage('stdout')};
	}
	const instance = render(<App {...props} />, {
		stdin,
		stdout,
		stderr,
		exitOnCtrlC: false,
		// Ink 6.8's incremental mode left stale copies of lines in tmux when the frame's height changed
		// (seen at startup); the standard redraw is clean and, where the terminal supports synchronized
		// output, Ink wraps each redraw in it so it does not flicker.
		incrementalRendering: false,
		maxFps: 30,
	});
	let disposed = false;
	return {
		ok: true,
		waitUntilExit: async () => {
			await instance.waitUntilExit();
		},
		dispose: () => {
			if (disposed) {
				return;
			}
			disposed = true;
			instance.unmount();
			instance.cleanup();
		},
	};
};
