/**
 * A real `jackd` on the dummy driver for tests: its own server name (so tests never touch a user's
 * server and can run beside each other), ready when `startJackServer` resolves, and never left behind:
 * `stop()` ends it, a process 'exit' hook kills whatever a failed test did not stop, and a watchdog shell
 * kills it if this process dies without running hooks (SIGKILL, a runner timeout).
 *
 *   const server = await startJackServer();           // 48 kHz, period 256, system:capture_1/2
 *   try { ...JackClient.open({name, inputs: 2, serverName: server.name}) or spawn with server.env... }
 *   finally { await server.stop(); }
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {openSync, closeSync, readSync, readdirSync, rmSync, writeSync} from 'node:fs';
import type {Frames, Hertz} from '../../src/engine/units.js';

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
	/** How long to wait for the server to accept clients. @default 10000 */
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
	 * Stops jackd (SIGTERM, SIGKILL after 3 s) and removes what a killed one left in /dev/shm (its socket,
	 * semaphores and slot in jackd's server registry; its memory segments go when the next jackd starts).
	 * Idempotent.
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
	// A test that threw before its cleanup must not leave a server running for the next file.
	process.on('exit', () => {
		for (const child of live) {
			child.kill('SIGKILL');
		}
	});
};

/** Removes the socket and semaphores a killed jackd of this name left (a clean exit removes its own). */
const removeLeftovers = (name: string): void => {
	const uid = process.getuid?.() ?? 0;
	let entries: string[];
	try {
		entries = readdirSync('/dev/shm');
	} catch {
		return;
	}
	for (const entry of entries) {
		if (entry.startsWith(`jack_${name}_`) || entry.startsWith(`jack_sem.${uid}_${name}_`)) {
			rmSync(`/dev/shm/${entry}`, {force: true, recursive: true});
		}
	}
};

// jackd2's registry of running servers (/dev/shm/jack-shm-registry) has 8 slots. A server frees its slot
// when it exits cleanly; one that was killed keeps it until a server *of the same name* starts, which
// with our unique names never happens, so crash tests would fill it ("Too many servers already
// active"). Layout (jackd2 1.9, shm.h): header {u32 magic 'JACK', u16 protocol, pad, i32 type,
// u32 size, u32 hdr_len, u32 entry_len}, then 8 x {i32 pid; char name[257]} padded to 264 bytes.
const registryPath = '/dev/shm/jack-shm-registry';
const registryMagic = 0x4a_41_43_4b;
const serverSlots = 8;
const slotBytes = 264;
const slotsOffset = 24;

const isAlive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
};

/** Frees the registry slots of servers whose process is gone (what jackd does only for its own name). */
const reclaimDeadServerSlots = (): void => {
	let fd: number;
	try {
		fd = openSync(registryPath, 'r+');
	} catch {
		return;
	}
	try {
		const header = Buffer.alloc(slotsOffset + serverSlots * slotBytes);
		if (readSync(fd, header, 0, header.length, 0) < header.length) {
			return;
		}
		// Only a layout we know: anything else is left alone.
		if (header.readUInt32LE(0) !== registryMagic || header.readUInt32LE(16) !== header.length) {
			return;
		}
		for (let slot = 0; slot < serverSlots; slot++) {
			const at = slotsOffset + slot * slotBytes;
			const pid = header.readInt32LE(at);
			if (pid > 0 && !isAlive(pid)) {
				writeSync(fd, Buffer.alloc(slotBytes), 0, slotBytes, at);
			}
		}
	} finally {
		closeSync(fd);
	}
};

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
		const {rate, period, capturePorts, playbackPorts, realtime, sync, readyTimeoutMs} = this.#options;
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
		reclaimDeadServerSlots();
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
			// Outlives a SIGKILLed test process: kills jackd once its parent (this process) is gone.
			this.#watchdog = spawn(
				'sh',
				['-c', 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 0.5; done; kill -KILL "$2" 2>/dev/null', 'watchdog', String(process.pid), String(child.pid)],
				{stdio: 'ignore', detached: true},
			);
			this.#watchdog.unref();
		}

		const deadline = Date.now() + readyTimeoutMs;
		for (;;) {
			if (spawnError) {
				throw new Error(`cannot start jackd (is jackd2 installed?): ${spawnError.message}`);
			}
			if (exitCode !== undefined) {
				throw new Error(`jackd -n ${this.name} exited (${exitCode}) before it accepted clients:\n${this.#output}`);
			}
			if (await accepts(this.name)) {
				return;
			}
			if (Date.now() > deadline) {
				await this.stop();
				throw new Error(`jackd -n ${this.name} did not accept clients within ${readyTimeoutMs} ms:\n${this.#output}`);
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
		const child = this.#child;
		if (child && child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
			await this.#exited;
			clearTimeout(timer);
		}
		this.#watchdog?.kill('SIGKILL');
		this.#watchdog = undefined;
		removeLeftovers(this.name);
		reclaimDeadServerSlots();
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
		readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
	});
	await server.start();
	return server;
};
