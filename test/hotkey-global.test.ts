import assert from 'node:assert/strict';
import {spawn, execFile, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {after, before, describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {GlobalHotkey} from '../src/hotkey/global-hotkey.js';
import {HotkeyError} from '../src/hotkey/parse-hotkey.js';
import {deadDisplay, Xvfb} from './helpers/xvfb.js';

const childPath = fileURLToPath(new URL('fixtures/global-hotkey-child.js', import.meta.url));
const run = promisify(execFile);

/** The fixture child, read line by line; uiohook lives only in there. */
class HotkeyChild {
	readonly lines: string[] = [];
	readonly exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
	stderr = '';
	readonly #child: ChildProcessWithoutNullStreams;
	readonly #waiters = new Set<() => void>();

	constructor(spec: string, display: string | undefined) {
		const env = {...process.env};
		if (display === undefined) {
			delete env['DISPLAY'];
		} else {
			env['DISPLAY'] = display;
		}
		this.#child = spawn(process.execPath, [childPath, spec], {env});
		let partial = '';
		this.#child.stdout.on('data', (chunk: Buffer) => {
			const parts = (partial + chunk.toString()).split('\n');
			partial = parts.pop()!;
			this.lines.push(...parts);
			for (const wake of this.#waiters) {
				wake();
			}
		});
		this.#child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
		this.exited = new Promise(resolve => this.#child.once('exit', (code, signal) => resolve({code, signal})));
	}

	async waitFor(predicate: (lines: readonly string[]) => boolean, what: string, timeoutMs = 60_000): Promise<void> {
		if (predicate(this.lines)) {
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#waiters.delete(check);
				reject(new Error(`timed out waiting for ${what}; lines: ${JSON.stringify(this.lines)} stderr: ${this.stderr}`));
			}, timeoutMs);
			const check = (): void => {
				if (predicate(this.lines)) {
					clearTimeout(timer);
					this.#waiters.delete(check);
					resolve();
				}
			};
			this.#waiters.add(check);
		});
	}

	send(line: string): void {
		this.#child.stdin.write(`${line}\n`);
	}

	kill(): void {
		if (this.#child.exitCode === null && this.#child.signalCode === null) {
			this.#child.kill('SIGKILL');
		}
	}
}

const presses = (lines: readonly string[]): number => lines.filter(line => line === 'pressed').length;

describe('GlobalHotkey', () => {
	let xvfb: Xvfb;
	const children: HotkeyChild[] = [];
	const child = (spec: string, display: string | undefined): HotkeyChild => {
		const made = new HotkeyChild(spec, display);
		children.push(made);
		return made;
	};
	before(async () => {
		xvfb = await Xvfb.start();
	});
	after(async () => {
		for (const made of children) {
			made.kill();
		}
		await xvfb?.dispose();
	});

	const xdotool = async (...args: string[]): Promise<void> => {
		await run('xdotool', args, {env: {...process.env, DISPLAY: xvfb.display}});
	};

	test('fires once per press of ctrl+alt+space, not for other keys, and the process ends after dispose', async () => {
		const hotkey = child('ctrl+alt+space', xvfb.display);
		await hotkey.waitFor(lines => lines.includes('ready ctrl+alt+space'), 'ready');
		await xdotool('key', 'ctrl+alt+space');
		await hotkey.waitFor(lines => presses(lines) === 1, 'the first press');
		await xdotool('key', 'space', 'ctrl+space', 'ctrl+alt+shift+space', 'alt+space');
		// The repeat guard (300 ms) would merge two presses closer than that: space them out.
		await new Promise(resolve => setTimeout(resolve, 400));
		await xdotool('key', 'ctrl+alt+space');
		await hotkey.waitFor(lines => presses(lines) === 2, 'the second press');
		hotkey.send('quit');
		const exit = await hotkey.exited;
		assert.deepEqual(exit, {code: 0, signal: null}, hotkey.stderr);
		assert.equal(presses(hotkey.lines), 2, 'the other key combinations did not fire');
	});

	test('a configured F9 fires', async () => {
		const hotkey = child('F9', xvfb.display);
		await hotkey.waitFor(lines => lines.includes('ready f9'), 'ready');
		await xdotool('key', 'F9');
		await hotkey.waitFor(lines => presses(lines) === 1, 'the press');
		hotkey.send('quit');
		assert.deepEqual(await hotkey.exited, {code: 0, signal: null}, hotkey.stderr);
	});

	test('a burst of repeats (a held key) fires once', async () => {
		const hotkey = child('ctrl+shift+r', xvfb.display);
		await hotkey.waitFor(lines => lines.includes('ready ctrl+shift+r'), 'ready');
		// Key repeat while held arrives as a burst of presses: six, about 40 ms apart (X's auto-repeat
		// rate). Not --delay, which spaces the keys of each chord and puts the chords ~4x that apart.
		await xdotool('key', '--repeat', '6', '--delay', '0', '--repeat-delay', '40', 'ctrl+shift+r');
		await hotkey.waitFor(lines => presses(lines) >= 1, 'the press');
		await new Promise(resolve => setTimeout(resolve, 400));
		assert.equal(presses(hotkey.lines), 1);
		hotkey.send('quit');
		assert.deepEqual(await hotkey.exited, {code: 0, signal: null}, hotkey.stderr);
	});

	for (const [name, display] of [
		['a display nobody serves', deadDisplay],
		['no DISPLAY at all', undefined],
	] as const) {
		test(`with ${name} it is off with the Wayland hint, and the process exits 0 (uiohook never loaded)`, async () => {
			const hotkey = child('ctrl+alt+space', display);
			const exit = await hotkey.exited;
			assert.deepEqual(exit, {code: 0, signal: null}, hotkey.stderr);
			assert.equal(hotkey.lines.length, 1, JSON.stringify(hotkey.lines));
			assert.match(
				hotkey.lines[0]!,
				/^off global hotkey off: no X display \(Wayland\? bind `omega13 toggle` in your desktop's shortcuts\) \| /,
			);
		});
	}

	test('a bad hotkey name is an error before any display is touched', async () => {
		await assert.rejects(GlobalHotkey.start('ctrl+alt+spacebar', () => {}), HotkeyError);
	});
});
