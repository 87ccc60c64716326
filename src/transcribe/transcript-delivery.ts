import {execFile, type ChildProcess} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import {findOnPath} from '../util/find-on-path.js';
import {plainText} from '../util/plain-text.js';
import {runTool, type ToolCommand} from '../util/run-tool.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The command for a text, or why there is none (missing tool, no graphical session). */
export type DeliveryChoice = ToolCommand | {readonly tool: undefined; readonly reason: string};

/** Dictation-like text: control characters (a newline is Return, an escape a key chord) become spaces. */
const typable = (text: string): string => plainText(text).replaceAll(/ {2,}/g, ' ').trim();

/**
 * The tool that types `text` into the focused window. The text goes on standard input, never in the
 * arguments, where every user of the machine could read it in `ps`. On Wayland, wtype or ydotool reach
 * every window (xdotool only the XWayland ones, so it comes last there).
 */
export const typingCommand = (text: string, env: Env = process.env): DeliveryChoice => {
	const wayland = (env['WAYLAND_DISPLAY'] ?? '').length > 0;
	const x11 = (env['DISPLAY'] ?? '').length > 0;
	if (!wayland && !x11) {
		return {tool: undefined, reason: 'there is no graphical session (neither WAYLAND_DISPLAY nor DISPLAY is set)'};
	}
	// A space after each transcript, as dictation does, so the next one does not run into it.
	const stdin = `${typable(text)} `;
	const tools = [
		...(wayland ? [{tool: 'wtype', args: ['-']}] : []),
		{tool: 'ydotool', args: ['type', '--file', '-']},
		...(x11 ? [{tool: 'xdotool', args: ['type', '--clearmodifiers', '--delay', '0', '--file', '-']}] : []),
	];
	if (x11 && !wayland) {
		// On X11 xdotool is the usual tool and needs no uinput access: try it first.
		tools.reverse();
	}
	for (const {tool, args} of tools) {
		const found = findOnPath(tool, env);
		if (found !== undefined) {
			return {tool, path: found, args, stdin};
		}
	}
	const wanted = wayland ? 'wtype is not installed (Debian package wtype, or ydotool)' : 'xdotool is not installed (Debian package xdotool)';
	return {tool: undefined, reason: wanted};
};

/** How many words of a transcript a notification shows. */
export const notifyWords = 12;
const notifyChars = 100;

/** The start of a transcript, cut at a word, with "…" when there is more. */
export const firstWords = (text: string, words = notifyWords, chars = notifyChars): string => {
	const all = typable(text).split(' ');
	let shown = all.slice(0, words).join(' ');
	if (shown.length > chars) {
		const cut = shown.lastIndexOf(' ', chars);
		shown = shown.slice(0, cut > 0 ? cut : chars);
	}
	return shown.length < all.join(' ').length ? `${shown}…` : shown;
};

/** Notification servers may read the body as markup: a literal "<" or "&" must not be taken for a tag. */
const escapeMarkup = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** `notify-send omega13 "FIRST WORDS…"` (the body is short: it is the only text in the arguments). */
export const notifyCommand = (text: string, env: Env = process.env): DeliveryChoice => {
	const found = findOnPath('notify-send', env);
	if (found === undefined) {
		return {tool: undefined, reason: 'notify-send is not installed (Debian package libnotify-bin)'};
	}
	return {tool: 'notify-send', path: found, args: ['--app-name=omega13', '--', 'omega13', escapeMarkup(firstWords(text))]};
};

/** This process and its parents up to init, from /proc (each stat line ends "...) STATE PPID ..."). */
const ourLine = async (): Promise<Set<number>> => {
	const line = new Set<number>();
	for (let pid = process.pid; pid > 1 && !line.has(pid); ) {
		line.add(pid);
		const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
		pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
	}
	return line;
};

/** The process that owns the focused X window (its _NET_WM_PID), when xdotool can tell. */
const focusedWindowPid = async (xdotool: string, env: Env, timeoutMs: number): Promise<number | undefined> =>
	new Promise(resolve => {
		execFile(xdotool, ['getwindowfocus', 'getwindowpid'], {env: env as NodeJS.ProcessEnv, timeout: timeoutMs}, (error, stdout) => {
			const pid = Number(stdout.trim());
			resolve(error === null && Number.isInteger(pid) && pid > 0 ? pid : undefined);
		});
	});

/**
 * Whether the focused window is the terminal we run in: its keys are the TUI's (a space starts a
 * capture, q quits), so typing a transcript there would steer omega13 instead of writing text.
 */
const ownTerminalFocused = async (xdotool: string, env: Env, timeoutMs: number): Promise<boolean> => {
	const pid = await focusedWindowPid(xdotool, env, timeoutMs);
	return pid !== undefined && (await ourLine()).has(pid);
};

const ownTerminal = 'the focused window is the terminal omega13 runs in, whose keys would take the text as commands: focus another window';

export type TranscriptDeliveryOptions = {
	/** `--type`: type the text into the focused window. */
	readonly type: boolean;
	/** `--notify`: a desktop notification with the first words. */
	readonly notify: boolean;
	/** Told why a delivery does not work: once, and again only after it has worked in between. */
	readonly say: (line: string) => void;
	readonly env?: Env;
	/** @default 10000 */
	readonly timeoutMs?: number;
};

const channels = [
	{key: 'type', flag: '--type', command: typingCommand, failed: 'transcripts are not typed'},
	{key: 'notify', flag: '--notify', command: notifyCommand, failed: 'no desktop notification'},
] as const;

/**
 * Hands each finished transcript to the desktop, as dictation tools do: typed into the focused window
 * (`--type`) and shown in a notification (`--notify`). One at a time, in order, so two transcripts are
 * never typed into each other. A missing tool or a failing one is said once, not at every capture, and
 * never stops anything.
 */
export class TranscriptDelivery {
	readonly #options: TranscriptDeliveryOptions;
	readonly #children = new Set<ChildProcess>();
	readonly #told = new Set<string>();
	#chain: Promise<void> = Promise.resolve();
	#disposed = false;

	/** A tool that is missing is said at once, so it can be installed before the first dictation. */
	constructor(options: TranscriptDeliveryOptions) {
		this.#options = options;
		for (const channel of channels) {
			const command = channel.command('', options.env ?? process.env);
			if (options[channel.key] && command.tool === undefined) {
				this.#tell(channel, command.reason);
			}
		}
	}

	#tell(channel: (typeof channels)[number], reason: string): void {
		if (!this.#told.has(channel.key) && !this.#disposed) {
			this.#told.add(channel.key);
			this.#options.say(`${channel.flag}: ${channel.failed}: ${reason}`);
		}
	}

	/** Queues a transcript; resolves when it (and every one before it) has been delivered or given up. */
	deliver(text: string): Promise<void> {
		if (typable(text).length > 0 && !this.#disposed) {
			this.#chain = this.#chain.then(async () => this.#deliverNow(text));
		}
		return this.#chain;
	}

	async #deliverNow(text: string): Promise<void> {
		const {env = process.env, timeoutMs = 10_000} = this.#options;
		for (const channel of channels) {
			if (!this.#options[channel.key] || this.#disposed) {
				continue;
			}
			const command = channel.command(text, env);
			const result =
				command.tool === undefined
					? {ok: false as const, reason: command.reason}
					: command.tool === 'xdotool' && (await ownTerminalFocused(command.path, env, timeoutMs))
						? {ok: false as const, reason: ownTerminal}
						: await runTool(command, {env, timeoutMs, running: this.#children});
			if (result.ok) {
				this.#told.delete(channel.key);
			} else {
				this.#tell(channel, result.reason);
			}
		}
	}

	/** Stops a tool still running (a half-typed text is better than one typed after we quit). */
	async dispose(): Promise<void> {
		this.#disposed = true;
		for (const child of this.#children) {
			child.kill('SIGKILL');
		}
		await this.#chain;
	}
}
