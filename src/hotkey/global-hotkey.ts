import type {UiohookKeyboardEvent} from 'uiohook-napi';
import {matchesHotkey, parseHotkey, type Hotkey} from './parse-hotkey.js';
import {checkXDisplay, type XDisplayCheckOptions} from './x-display.js';

/** Why the global hotkey is not running, as the screen shows it. */
export type HotkeyOff = {
	/** The line for the screen. */
	readonly off: string;
	/** What the check found, for logs. */
	readonly reason: string;
};

export type GlobalHotkeyOptions = XDisplayCheckOptions & {
	/** Presses closer together than this count as one (key repeat while held). @default 300 */
	readonly repeatGuardMs?: number;
};

export const hotkeyOffNoDisplay = "global hotkey off: no X display (Wayland? bind `omega13 toggle` in your desktop's shortcuts)";

type Hook = {
	on(event: 'keydown', listener: (event: UiohookKeyboardEvent) => void): unknown;
	off(event: 'keydown', listener: (event: UiohookKeyboardEvent) => void): unknown;
	start(): void;
	stop(): void;
};

// uiohook is one hook per process: started with the first GlobalHotkey, stopped with the last.
let hook: Hook | undefined;
let users = 0;

/**
 * A system-wide hotkey through uiohook-napi (X11 only). uiohook is imported only after `checkXDisplay`
 * found a display it can open: loading it without one aborts node.
 */
export class GlobalHotkey {
	readonly hotkey: Hotkey;
	readonly #hook: Hook;
	readonly #onPress: () => void;
	readonly #repeatGuardMs: number;
	#lastMatchAt = Number.NEGATIVE_INFINITY;
	#disposed = false;

	readonly #onKeyDown = (event: UiohookKeyboardEvent): void => {
		if (!matchesHotkey(this.hotkey, event)) {
			return;
		}
		// The X server's time of the press (ms), not when this thread got to it: a busy event loop handles
		// queued repeats late and far apart, and would split one held key into two presses (a capture
		// started and stopped at once). The server's clock wraps after 49 days: a step back is a new press.
		const now = event.time > 0 ? event.time : Date.now();
		const since = now - this.#lastMatchAt;
		const repeat = since >= 0 && since < this.#repeatGuardMs;
		this.#lastMatchAt = now;
		if (!repeat) {
			this.#onPress();
		}
	};

	private constructor(hotkey: Hotkey, hookInstance: Hook, onPress: () => void, repeatGuardMs: number) {
		this.hotkey = hotkey;
		this.#hook = hookInstance;
		this.#onPress = onPress;
		this.#repeatGuardMs = repeatGuardMs;
		hookInstance.on('keydown', this.#onKeyDown);
	}

	/**
	 * Starts listening for `spec` (a name like `ctrl+alt+space`, or a parsed Hotkey). Throws HotkeyError for
	 * a bad name; resolves to `{off}` when no X display can be hooked.
	 */
	static async start(spec: string | Hotkey, onPress: () => void, options: GlobalHotkeyOptions = {}): Promise<GlobalHotkey | HotkeyOff> {
		const hotkey = typeof spec === 'string' ? parseHotkey(spec) : spec;
		if (typeof onPress !== 'function') {
			throw new TypeError('GlobalHotkey.start: onPress must be a function');
		}
		const repeatGuardMs = options.repeatGuardMs ?? 300;
		if (!Number.isFinite(repeatGuardMs) || repeatGuardMs < 0) {
			throw new RangeError(`GlobalHotkey.start: repeatGuardMs must be a number of milliseconds >= 0, got ${repeatGuardMs}`);
		}
		if (!hook) {
			const check = await checkXDisplay(options);
			if (!check.ok) {
				return {off: hotkeyOffNoDisplay, reason: check.reason};
			}
			if (!hook) {
				const module = await import('uiohook-napi');
				hook = (module.uIOhook ?? (module as unknown as {default: typeof module}).default.uIOhook) as Hook;
			}
		}
		if (users === 0) {
			try {
				hook.start();
			} catch (error) {
				return {off: `global hotkey off: ${error instanceof Error ? error.message : String(error)}`, reason: 'uiohook failed to start'};
			}
		}
		users++;
		return new GlobalHotkey(hotkey, hook, onPress, repeatGuardMs);
	}

	/** Stops listening; the last one stops the hook (its thread would keep node alive). Idempotent. */
	dispose(): void {
		if (this.#disposed) {
			return;
		}
		this.#disposed = true;
		this.#hook.off('keydown', this.#onKeyDown);
		users--;
		if (users === 0) {
			this.#hook.stop();
		}
	}
}

/** Narrows `GlobalHotkey.start`'s result. */
export const isHotkeyOff = (value: GlobalHotkey | HotkeyOff): value is HotkeyOff => !(value instanceof GlobalHotkey);
