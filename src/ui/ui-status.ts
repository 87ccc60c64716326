import type {Store} from '../util/store.js';

/** Lines the app wants on screen that are not engine state. */
export type UiStatus = {
	/** `global hotkey: ctrl+alt+space`, or why it is off. */
	readonly hotkey?: string;
	/** The latest event worth a line (a saved capture, a failure). */
	readonly message?: string;
};

export type UiStatusStore = Store<UiStatus>;
