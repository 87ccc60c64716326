import {EventEmitter} from 'node:events';
import {render, type Instance} from 'ink';
import type {ReactNode} from 'react';

/** A stdout that says it is a terminal of a given size and keeps what Ink wrote. */
export class FakeTerminalOut extends EventEmitter {
	readonly isTTY = true;
	columns: number;
	rows: number;
	readonly frames: string[] = [];

	constructor(columns: number, rows: number) {
		super();
		this.columns = columns;
		this.rows = rows;
	}

	write = (frame: string): boolean => {
		this.frames.push(frame);
		return true;
	};

	resize(columns: number, rows: number): void {
		this.columns = columns;
		this.rows = rows;
		this.emit('resize');
	}
}

/** A stdin that says it is a terminal; `write` types keys. */
export class FakeTerminalIn extends EventEmitter {
	isTTY: boolean;
	rawMode = false;
	#data: string | null = null;

	constructor(isTTY = true) {
		super();
		this.isTTY = isTTY;
	}

	write(data: string): void {
		this.#data = data;
		this.emit('readable');
		this.emit('data', data);
	}

	read = (): string | null => {
		const data = this.#data;
		this.#data = null;
		return data;
	};

	setRawMode(mode: boolean): this {
		this.rawMode = mode;
		return this;
	}

	setEncoding(): this {
		return this;
	}

	resume(): this {
		return this;
	}

	pause(): this {
		return this;
	}

	ref(): this {
		return this;
	}

	unref(): this {
		return this;
	}
}

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	enter: '\r',
	escape: '\u001B',
	ctrlC: '\u0003',
	space: ' ',
	tab: '\t',
} as const;

export type TerminalRender = {
	readonly stdout: FakeTerminalOut;
	readonly stdin: FakeTerminalIn;
	readonly instance: Instance;
	lastFrame(): string;
	/** Waits until the latest frame satisfies `predicate` (Ink renders asynchronously). */
	waitForFrame(predicate: (frame: string) => boolean, what?: string, timeoutMs?: number): Promise<string>;
	unmount(): void;
};

/**
 * Renders like ink-testing-library (debug mode: every frame written whole), but on a terminal of the
 * size the test chooses, which can be resized.
 */
export const renderInTerminal = (node: ReactNode, columns = 80, rows = 24): TerminalRender => {
	const stdout = new FakeTerminalOut(columns, rows);
	const stdin = new FakeTerminalIn();
	const instance = render(node, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		stderr: new FakeTerminalOut(columns, rows) as unknown as NodeJS.WriteStream,
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	const lastFrame = (): string => stdout.frames.at(-1) ?? '';
	return {
		stdout,
		stdin,
		instance,
		lastFrame,
		waitForFrame: async (predicate, what = 'the frame', timeoutMs?: number) => waitForFrame(lastFrame, predicate, what, timeoutMs),
		unmount: () => {
			instance.unmount();
			instance.cleanup();
		},
	};
};

/** Polls `frame()` on every turn of the event loop until `predicate` holds. */
export const waitForFrame = async (
	frame: () => string | undefined,
	predicate: (frame: string) => boolean,
	what = 'the frame',
	timeoutMs = 20_000,
): Promise<string> => {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const current = frame() ?? '';
		if (predicate(current)) {
			return current;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}; last frame:\n${current}`);
		}
		await new Promise(resolve => setImmediate(resolve));
	}
};

/** Every line of a frame with its display width (characters; the UI uses no wide characters). */
export const frameLines = (frame: string): string[] => frame.split('\n');
