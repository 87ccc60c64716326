import {spawn, type ChildProcess} from 'node:child_process';

/**
 * A private Xvfb. `-displayfd` makes the server pick a free display number and write it once it accepts
 * connections, so there is no guessing a number and no sleeping until it is up.
 */
export class Xvfb {
	readonly display: string;
	readonly #child: ChildProcess;
	readonly #exited: Promise<void>;

	private constructor(display: string, child: ChildProcess, exited: Promise<void>) {
		this.display = display;
		this.#child = child;
		this.#exited = exited;
	}

	/** `timeoutMs` is a deadline for a loaded machine, not a measurement. */
	static async start(timeoutMs = 60_000): Promise<Xvfb> {
		const child = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'], {
			stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
		});
		const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
		let stderr = '';
		child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const fd3 = child.stdio[3] as NodeJS.ReadableStream;
		try {
			const number = await new Promise<string>((resolve, reject) => {
				let text = '';
				const timer = setTimeout(() => reject(new Error(`Xvfb did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
				fd3.on('data', (chunk: Buffer) => {
					text += chunk.toString();
					const match = /^(\d+)\n/.exec(text);
					if (match) {
						clearTimeout(timer);
						resolve(match[1]!);
					}
				});
				child.once('exit', code => {
					clearTimeout(timer);
					reject(new Error(`Xvfb exited with ${code}: ${stderr}`));
				});
				child.once('error', error => {
					clearTimeout(timer);
					reject(error);
				});
			});
			return new Xvfb(`:${number}`, child, exited);
		} catch (error) {
			child.kill('SIGKILL');
			throw error;
		}
	}

	async dispose(): Promise<void> {
		if (this.#child.exitCode === null && this.#child.signalCode === null) {
			this.#child.kill('SIGTERM');
		}
		await this.#exited;
	}
}

/** A display number nobody listens on (no socket, no lock file), for the "no X display" cases. */
export const deadDisplay = ':1919';
