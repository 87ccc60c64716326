import type {EngineCommands} from './engine-store.js';
import {useKeys} from './use-keys.js';

export type UseAppKeysOptions = {
	readonly commands: EngineCommands;
	/** q, i and n belong to the main screen; a pane (picker, transcript) uses its own keys. */
	readonly mainKeys: boolean;
	readonly onOpenInputs: () => void;
	/** The capture number `t` (transcribe again) applies to: the selected or open one. */
	readonly selectedCapture?: number | undefined;
	/** Hides the newest notice (x); absent while there is none. */
	readonly onDismiss?: (() => void) | undefined;
};

/**
 * Keys that work everywhere: space toggles the capture (the one thing that must never be out of reach),
 * Ctrl+C quits. On the main screen also q (quit), i (inputs), n (new session), x (hide the newest notice);
 * t transcribes the selected (or open) capture again. Ink delivers Ctrl+C here
 * because the app renders with `exitOnCtrlC: false`: quitting goes through the app's one exit path, which
 * finalizes an open capture first.
 */
export const useAppKeys = ({commands, mainKeys, onOpenInputs, selectedCapture, onDismiss}: UseAppKeysOptions): void => {
	useKeys((input, key) => {
		if (key.ctrl && input === 'c') {
			commands.quit();
			return;
		}
		if (input === ' ' && !key.ctrl && !key.meta) {
			commands.toggle();
			return;
		}
		if (key.ctrl || key.meta) {
			return;
		}
		if (input === 't' && selectedCapture !== undefined) {
			commands.transcribe?.(selectedCapture);
			return;
		}
		if (!mainKeys) {
			return;
		}
		if (input === 'q') {
			commands.quit();
		} else if (input === 'i') {
			onOpenInputs();
		} else if (input === 'n') {
			commands.newSession();
		} else if (input === 'x') {
			onDismiss?.();
		}
	});
};
