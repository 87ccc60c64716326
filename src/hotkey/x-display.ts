import {spawn} from 'node:child_process';
import {createRequire} from 'node:module';

/** Whether the global keyboard hook can run here, and if not, why. */
export type XDisplayCheck =
	| {readonly ok: true; readonly display: string}
	| {readonly ok: false; readonly display: string | undefined; readonly reason: string};

export type XDisplayCheckOptions = {
	/** The environment whose DISPLAY is checked (and the probe runs with). @default process.env */
	readonly env?: NodeJS.ProcessEnv;
	/**
	 * How long the probe may take before the display counts as not answering. It is a node start plus an X
	 * connection, well under a second on an idle machine; a busy one can take several, and timing out
	 * turns the hotkey off for the whole run. @default 15000
	 */
	readonly timeoutMs?: number;
};

const okMarker = 'omega13-x-display-ok';

// Runs in a throwaway node: start and stop the hook exactly as GlobalHotkey will.
const probeScript = `
const {uIOhook} = require(process.argv[1]);
uIOhook.start();
uIOhook.stop();
process.stdout.write(${JSON.stringify(okMarker)});
`;

/**
 * Decides whether uiohook-napi would work, without loading it into this process.
 *
 * Why a child process rather than connecting to the X socket ourselves: uiohook aborts the process when
 * XOpenDisplay fails (and even a bare import with a bad DISPLAY makes node exit 1 at shutdown), and
 * XOpenDisplay can fail on a socket that accepts connections (authorization, Xauthority cookies for SSH
 * forwarding, a missing RECORD extension). Re-implementing Xlib's display parsing and cookie lookup would
 * still be a guess; a throwaway node that loads uiohook, starts and stops the hook, and exits 0 is the
 * exact test. It costs one node start (about 0.1 s), once, off the audio path.
 */
export const checkXDisplay = async (options: XDisplayCheckOptions = {}): Promise<XDisplayCheck> => {
	const env = options.env ?? process.env;
	const timeoutMs = options.timeoutMs ?? 15_000;
	if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
		throw new RangeError(`checkXDisplay: timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
	}
	const display = env['DISPLAY'];
	if (display === undefined || display.trim() === '') {
		return {ok: false, display: undefined, reason: 'DISPLAY is not set'};
	}
	let modulePath: string;
	try {
		modulePath = createRequire(import.meta.url).resolve('uiohook-napi');
	} catch {
		return {ok: false, display, reason: 'uiohook-napi is not installed'};
	}
	const outcome = await runProbe(modulePath, env, timeoutMs);
	if (outcome.ok) {
		return {ok: true, display};
	}
	return {ok: false, display, reason: `the X display ${display} ${outcome.failure}`};
};

type ProbeOutcome = {readonly ok: true} | {readonly ok: false; readonly failure: string};

const noAnswer = 'does not answer (no X server there, or it refused the connection)';

const runProbe = async (modulePath: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ProbeOutcome> =>
	new Promise(resolve => {
		const child = spawn(process.execPath, ['-e', probeScript, modulePath], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
			// uiohook usually aborts after this, but one of its threads can fail while another waits for it
			// forever: the answer is known now, so do not wait for the time limit.
			if (/XOpenDisplay/i.test(stderr)) {
				clearTimeout(timer);
				child.kill('SIGKILL');
				resolve({ok: false, failure: noAnswer});
			}
		});
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('error', error => {
			clearTimeout(timer);
			resolve({ok: false, failure: `could not be probed: ${error.message}`});
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (timedOut) {
				resolve({ok: false, failure: `did not answer within ${timeoutMs} ms`});
			} else if (code === 0 && stdout.includes(okMarker)) {
				resolve({ok: true});
			} else if (/XOpenDisplay/i.test(stderr)) {
				resolve({ok: false, failure: noAnswer});
			} else {
				const detail = stderr.trim().split('\n').at(-1) ?? '';
				const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
				resolve({ok: false, failure: `cannot be hooked: the keyboard hook probe ${how}${detail ? ` (${detail})` : ''}`});
			}
		});
	});
