import {render} from 'ink';
import {App, type AppProps} from './app.js';
import {MeterPainter} from './meter-painter.js';
import {noTerminalMessage} from './no-terminal-message.js';
import {observedStream} from './observed-stream.js';
import {fallbackSize} from './use-terminal-size.js';

export type RenderAppOptions = AppProps & {
	/** @default process.stdin */
	readonly stdin?: NodeJS.ReadStream;
	/** @default process.stdout */
	readonly stdout?: NodeJS.WriteStream;
	/** @default process.stderr */
	readonly stderr?: NodeJS.WriteStream;
	/**
	 * Draw the pre-roll gauge and the meter rows directly (MeterPainter) instead of redrawing the screen for each update.
	 * @default true, but for Ink's screen-reader mode (`INK_SCREEN_READER=true`), which draws plain text
	 */
	readonly paintMeters?: boolean;
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
	const {stdin = process.stdin, stdout = process.stdout, stderr = process.stderr, paintMeters = process.env['INK_SCREEN_READER'] !== 'true', ...props} = options;
	if (!stdin.isTTY) {
		return {ok: false, error: noTerminalMessage('stdin')};
	}
	if (!stdout.isTTY) {
		return {ok: false, error: noTerminalMessage('stdout')};
	}
	const painter = paintMeters
		? new MeterPainter({
				engine: props.engine,
				write: text => stdout.write(text),
				size: () => ({columns: stdout.columns || fallbackSize.columns, rows: stdout.rows || fallbackSize.rows}),
				clock: props.clock,
			})
		: undefined;
	const instance = render(<App {...props} paintedMeters={painter !== undefined} />, {
		stdin,
		stdout: painter ? observedStream(stdout, text => painter.inkWrote(text)) : stdout,
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
			painter?.dispose();
			instance.unmount();
			instance.cleanup();
		},
	};
};
