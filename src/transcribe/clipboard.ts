import {spawn} from 'node:child_process';
import {accessSync, constants} from 'node:fs';
import path from 'node:path';

export type ClipboardTool = 'wl-copy' | 'xclip';

export type ClipboardResult =
	| {readonly ok: true; readonly tool: ClipboardTool}
	| {readonly ok: false; readonly reason: string};

export type ClipboardOptions = {
	readonly env?: Readonly<Record<string, string | undefined>>;
	/** @default 5000 */
	readonly timeoutMs?: number;
};

const findOnPath = (name: string, env: ClipboardOptions['env'] & object): string | undefined => {
	for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
		if (dir.length === 0) {
			continue;
		}
		const candidate = path.join(dir, name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// Not in this directory.
		}
	}
	return undefined;
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
	const {tool} = choice;
	return new Promise<ClipboardResult>((resolve) => {
		const child = spawn(choice.path, choice.args, {env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'ignore', 'pipe'], detached: true});
		let stderr = '';
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (chunk: string) => {
			stderr += chunk;
		});
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			resolve({ok: false, reason: `not copied to the clipboard: ${tool} did not finish within ${timeoutMs} ms`});
		}, timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			resolve({ok: false, reason: `not copied to the clipboard: ${tool} could not run (${error.message})`});
		});
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			// The forked server keeps the stderr pipe open; stop listening so it does not hold us.
			child.stderr.destroy();
			if (code === 0) {
				resolve({ok: true, tool});
			} else {
				const how = signal === null ? `code ${code}` : `signal ${signal}`;
				resolve({ok: false, reason: `not copied to the clipboard: ${tool} exited with ${how}${stderr.trim().length > 0 ? `: ${stderr.trim()}` : ''}`});
			}
		});
		child.stdin.on('error', () => undefined);
		child.stdin.end(text);
		child.unref();
	});
};
