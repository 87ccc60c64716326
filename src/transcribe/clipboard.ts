import {findOnPath} from '../util/find-on-path.js';
import {runTool} from '../util/run-tool.js';

export type ClipboardTool = 'wl-copy' | 'xclip';

export type ClipboardResult =
	| {readonly ok: true; readonly tool: ClipboardTool}
	| {readonly ok: false; readonly reason: string};

export type ClipboardOptions = {
	readonly env?: Readonly<Record<string, string | undefined>>;
	/** @default 5000 */
	readonly timeoutMs?: number;
};

/** Which tool would be used, or why none can be. */
export const chooseClipboardTool = (
	env: Readonly<Record<string, string | undefined>> = process.env,
): {tool: ClipboardTool; path: string; args: string[]} | {tool: undefined; reason: string} => {
	const wlCopy = findOnPath('wl-copy', env);
	const xclip = findOnPath('xclip', env);
	const wayland = (env['WAYLAND_DISPLAY'] ?? '').length > 0;
	const x11 = (env['DISPLAY'] ?? '').length > 0;
	if (wayland && wlCopy !== undefined) {
		return {tool: 'wl-copy', path: wlCopy, args: []};
	}
	if (x11 && xclip !== undefined) {
		return {tool: 'xclip', path: xclip, args: ['-selection', 'clipboard']};
	}
	if (!wayland && !x11) {
		return {tool: undefined, reason: 'not copied to the clipboard: there is no graphical session (neither WAYLAND_DISPLAY nor DISPLAY is set)'};
	}
	const wanted = wayland ? 'wl-copy (package wl-clipboard)' : 'xclip';
	return {tool: undefined, reason: `not copied to the clipboard: ${wanted} is not installed`};
};

/**
 * Puts text on the desktop clipboard with wl-copy (Wayland) or xclip (X11), whichever fits the session.
 * Never throws: a result says what happened, for one clear line on the screen. Both tools fork a child
 * that keeps serving the selection, so we wait for the tool's exit, not for its pipes to close.
 */
export const copyToClipboard = async (text: string, options: ClipboardOptions = {}): Promise<ClipboardResult> => {
	if (typeof text !== 'string') {
		throw new TypeError('copyToClipboard: text must be a string');
	}
	const {env = process.env, timeoutMs = 5000} = options;
	const choice = chooseClipboardTool(env);
	if (choice.tool === undefined) {
		return {ok: false, reason: choice.reason};
	}
	const outcome = await runTool({...choice, stdin: text}, {env, timeoutMs, forks: true});
	return outcome.ok ? {ok: true, tool: choice.tool} : {ok: false, reason: `not copied to the clipboard: ${outcome.reason}`};
};
