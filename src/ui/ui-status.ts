import type {Store} from '../util/store.js';

/** Lines the app wants on screen that are not engine state. */
export type UiStatus = {
	/** `global hotkey: ctrl+alt+space`, or why it is off. */
	readonly hotkey?: string;
	/** The latest event worth a line (a saved capture, a failure). */
	readonly message?: string;
	/** `persisting: 3 h 12 min on disk, 41 MB`, when persistence is on. */
	readonly services?: string | undefined;
	/** Something a person must act on (persistence paused for want of space): shown until it clears. */
	readonly warning?: string | undefined;
};

export type UiStatusStore = Store<UiStatus>;
