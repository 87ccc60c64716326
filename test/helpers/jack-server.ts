/**
 * A real `jackd` on the dummy driver for tests: its own server name (so tests never touch a user's
 * server and can run beside each other), synchronous unless asked (see `sync`), ready when
 * `startJackServer` resolves, and never left behind: `stop()` ends it with SIGTERM and waits, a process
 * 'exit' hook sends SIGTERM to whatever a failed test did not stop, and a watchdog shell ends it if this
 * process dies without running hooks (SIGKILL, a runner timeout). What a killed one leaves in /dev/shm
 * is taken back (jack-shm-registry.ts), so `ls /dev/shm | grep -c jack` is the same after a test run.
 *
 *   const server = await startJackServer();           // 48 kHz, period 256, system:capture_1/2
 *   try { ...JackClient.open({name, inputs: 2, serverName: server.name}) or spawn with server.env... }
 *   finally { await server.stop(); }
 */
import {spawn, type ChildProcess} from 'node:child_process';
import type {Frames, Hertz} from '../../src/util/units.js';
import {reclaimDeadServers, removeServerLeftovers} from './jack-shm-registry.js';

export type JackServerOptions = {
	/** @default 48000 */
	readonly rate?: Hertz;
	/** Frames per period. @default 256 */
	readonly period?: Frames;
	/** Physical capture ports `system:capture_1..N` (sources of silence on the dummy driver). @default 2 */
	readonly capturePorts?: number;
	/** Physical playback ports `system:playback_1..N`. @default 2 */
	readonly playbackPorts?: number;
	/**
	 * Ask for real-time scheduling. jackd falls back to normal scheduling where it is refused (a container
	 * without CAP_SYS_NICE), so the default works everywhere and avoids xruns where it is granted.
	 * @default true
	 */
	readonly realtime?: boolean;
	/**
	 * Run jackd synchronously (`-S`): each cycle waits for every client to finish before the next. An
	 * asynchronous jackd lets a client that is late at an xrun miss a period of another client's output,
	 * which tears a test signal: only a test of what omega13 promises on such a server turns this off.
	 * @default true
	 */
	readonly sync?: boolean;
	/**
	 * How long to wait for the server to accept clients, including for a registry slot while other
	 * people's servers hold all 8. A deadline, not a measurement: generous, for a loaded machine.
	 * @default 60000
	 */
	readonly readyTimeoutMs?: number;
};

export type JackServer = {
	/** The server name (`jackd -n`): pass it as `serverName`, or use `env` for child processes. */
	readonly name: string;
	/** `process.env` plus `JACK_DEFAULT_SERVER=name` (and no audio device reservation). */
	readonly env: NodeJS.ProcessEnv;
	readonly rate: Hertz;
	readonly period: Frames;
	/** The current jackd's pid (changes on `restart`). */
	readonly pid: number;
	/** Everything jackd printed so far (stdout and stderr), for failure messages. */
	output(): string;
	/** Sends `signal` to jackd now and returns (for crash tests; `stop` still cleans up). */
	kill(signal?: NodeJS.Signals): void;
	/** Resolves when the current jackd has exited. */
	exited(): Promise<void>;
	/** Starts a new jackd with the same name and options (after `kill`/`stop`); resolves to this server. */
	restart(): Promise<JackServer>;
	/**
	 * Stops jackd (SIGTERM, waited for; SIGKILL only if it hangs for 10 s) and takes back whatever a killed
	 * one left in /dev/shm (see jack-shm-registry.ts). Idempotent; after `kill('SIGKILL')` it is what
	 * keeps the machine's 8 server slots free.
	 */
	stop(): Promise<void>;
};

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
let counter = 0;

const installExitHook = (): void => {
	if (exitHookInstalled) {
		return;
	}
	exitHookInstalled = true;
	// A test that threw before its cleanup must not leave a server running for the next file. SIGTERM,
	// not SIGKILL: jackd shuts down cleanly on its own (freeing its registry slot) after this process is gone.
	process.on('exit', () => {
		for (const child of live) {
			child.kill('SIGTERM');
		}
	});
};

/**
 * Outlives this process if it is SIGKILLed (a runner timeout): once it is gone, ends jackd as `stop`
 * would (SIGTERM, SIGKILL after 10 s, and then its leftover files). Never touches jackd while this
 * process lives, so it cannot signal a pid that jackd no longer holds.
 */
const watchdogScript = `
while kill -0 "$1" 2>/dev/null; do
	kill -0 "$2" 2>/dev/null || exit 0
	sleep 0.5
done
kill -TERM "$2" 2>/dev/null || exit 0
i=0
while [ $i -lt 20 ] && kill -0 "$2" 2>/dev/null; do sleep 0.5; i=$((i + 1)); done
kill -0 "$2" 2>/dev/null || exit 0
kill -KILL "$2"
rm -rf /dev/shm/jack_"$3"_* /dev/shm/jack_sem."$4"_"$3"_*
`;

/** True once a client can join server `name` (jack_lsp connects as a real client would). */
const accepts = async (name: string): Promise<boolean> =>
	new Promise(resolve => {
		const probe = spawn('jack_lsp', ['-s', name], {env: {...process.env, JACK_NO_START_SERVER: '1'}, stdio: 'ignore', timeout: 5000});
		probe.once('error', () => {
			resolve(false);
		});
		probe.once('exit', code => {
			resolve(code === 0);
		});
	});

/** What jackd says when the machine's 8 registry slots are all held by running servers. */
const registryFull = /Too many servers already active/;

const delay = async (ms: number): Promise<void> =>
	new Promise(resolve => {
		setTimeout(resolve, ms);
	});

class RunningJackServer implements JackServer {
	readonly name: string;
	readonly env: NodeJS.ProcessEnv;
	readonly rate: Hertz;
	readonly period: Frames;
	readonly #options: Required<JackServerOptions>;
	#child: ChildProcess | undefined;
	#watchdog: ChildProcess | undefined;
	#exited: Promise<void> = Promise.resolve();
	#output = '';

	constructor(name: string, options: Required<JackServerOptions>) {
		this.name = name;
		this.#options = options;
		this.rate = options.rate;
		this.period = options.period;
		this.env = {...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_AUDIO_RESERVATION: '1', JACK_NO_START_SERVER: '1'};
	}

	get pid(): number {
		return this.#child?.pid ?? 0;
	}

	output(): string {
		return this.#output;
	}

	kill(signal: NodeJS.Signals = 'SIGTERM'): void {
		this.#child?.kill(signal);
	}

	async exited(): Promise<void> {
		return this.#exited;
	}

	async start(): Promise<void> {
		const deadline = Date.now() + this.#options.readyTimeoutMs;
		for (;;) {
			const outcome = await this.#launch(deadline);
			if (outcome === 'ready') {
				return;
			}
			// Other people's servers hold every registry slot: they come and go, so wait for one to free.
			if (!registryFull.test(this.#output) || Date.now() > deadline) {
				await this.stop();
				throw new Error(`jackd -n ${this.name} ${outcome} before it accepted clients (waited up to ${this.#options.readyTimeoutMs} ms):\n${this.#output}`);
			}
			await this.stop();
			this.#output = '';
			await delay(1000);
		}
	}

	/** Spawns jackd and waits until it accepts clients, exits, or the deadline passes. */
	async #launch(deadline: number): Promise<'ready' | `exited (${string})` | 'timed out'> {
		const {rate, period, capturePorts, playbackPorts, realtime, sync} = this.#options;
		const args = [
			...(realtime ? [] : ['-r']),
			...(sync ? ['-S'] : []),
			'-n',
			this.name,
			'-d',
			'dummy',
			'-r',
			String(rate),
			'-p',
			String(period),
			'-C',
			String(capturePorts),
			'-P',
			String(playbackPorts),
		];
		reclaimDeadServers();
		const child = spawn('jackd', args, {env: this.env, stdio: ['ignore', 'pipe', 'pipe']});
		this.#child = child;
		live.add(child);
		installExitHook();
		let exitCode: string | undefined;
		this.#exited = new Promise(resolve => {
			child.once('exit', (code, signal) => {
				exitCode = signal ?? String(code);
				live.delete(child);
				resolve();
			});
		});
		let spawnError: Error | undefined;
		child.once('error', error => {
			spawnError = error;
		});
		child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
		child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
		if (child.pid !== undefined) {
			const uid = String(process.getuid?.() ?? 0);
			this.#watchdog = spawn('sh', ['-c', watchdogScript, 'watchdog', String(process.pid), String(child.pid), this.name, uid], {stdio: 'ignore', detached: true});
			this.#watchdog.unref();
		}
		for (;;) {
			if (spawnError) {
				throw new Error(`cannot start jackd (is jackd2 installed?): ${spawnError.message}`);
			}
			if (exitCode !== undefined) {
				return `exited (${exitCode})`;
			}
			if (await accepts(this.name)) {
				return 'ready';
			}
			if (Date.now() > deadline) {
				return 'timed out';
			}
			await delay(50);
		}
	}

	async restart(): Promise<JackServer> {
		await this.stop();
		this.#output = '';
		await this.start();
		return this;
	}

	async stop(): Promise<void> {
		// The watchdog first: once jackd has exited it must not signal that pid.
		this.#watchdog?.kill('SIGKILL');
		this.#watchdog = undefined;
		const child = this.#child;
		if (child && child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			// A loaded machine can take a while to shut a server down cleanly; only a hung one is killed.
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await this.#exited;
			clearTimeout(timer);
		}
		// Whatever a kill -9 (the test's or the timer's) left: files, registry slot, memory segments.
		removeServerLeftovers(this.name);
	}
}

/** Starts `jackd -d dummy` under a unique name and resolves once clients can join it. */
export const startJackServer = async (options: JackServerOptions = {}): Promise<JackServer> => {
	const server = new RunningJackServer(`omega13-test-${process.pid}-${++counter}`, {
		rate: options.rate ?? 48_000,
		period: options.period ?? 256,
		capturePorts: options.capturePorts ?? 2,
		playbackPorts: options.playbackPorts ?? 2,
		realtime: options.realtime ?? true,
		sync: options.sync ?? true,
		readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
	});
	await server.start();
	return server;
};
