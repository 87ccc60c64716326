/**
 * Plays a test signal into a JACK server from a separate process (test/fixtures/play-signal.ts).
 *
 *   const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: ['rec:in_1', 'rec:in_2']});
 *   ...
 *   const {underrunFrames} = await player.stop();   // 0: the counter was continuous at the source
 *
 * The counter starts at frame 0 when the player opens and is continuous from then on, as long as
 * `underrunFrames` stays 0 (the player keeps seconds queued, so it does unless its process is starved).
 * The player connects its outputs before it starts the signal, so a receiver given in `to` sees silence
 * (zeros on every channel) and then the counter from frame 0 on every channel in the same frame; a
 * receiver connected later sees it start at whatever frame was playing (verifyCounter finds that).
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import type {Frames} from '../../src/util/units.js';
import {waitUntil} from './wait-until.js';

export type PlayerSignal = 'counter' | 'silence' | `wav:${string}`;

export type SignalPlayerOptions = {
	/** The server to play into (a JackServer, or just its name). */
	readonly server: {readonly name: string};
	readonly signal: PlayerSignal;
	/** Output ports `out_1..N`. */
	readonly channels: number;
	/** Ports to connect `out_1, out_2, ...` to, in order (fewer than `channels` leaves the rest unconnected). */
	readonly to?: readonly string[];
	/** JACK client name. @default a unique `player-<pid>-<n>` */
	readonly name?: string;
	/** A deadline for a loaded machine, not a measurement. @default 60000 */
	readonly readyTimeoutMs?: number;
};

/** The player's counters (its JackClient stats plus what it queued). */
export type PlayerStats = {
	readonly underrunFrames: Frames;
	/** Frames of JACK cycles the player has run (its JackClient's count). */
	readonly framesCaptured: Frames;
	readonly xruns: number;
	readonly framesQueued: Frames;
	readonly shutdownReason?: string;
};

export type SignalPlayer = {
	/** The player's JACK client name. */
	readonly name: string;
	/** Its output ports' full names. */
	readonly ports: readonly string[];
	readonly pid: number;
	/** The counters now. */
	stats(): Promise<PlayerStats>;
	/**
	 * Resolves once the signal has played `seconds` more, in JACK's time: what a test means by "let it
	 * play for a while", however slowly a loaded machine gets there.
	 */
	playFor(seconds: number): Promise<void>;
	/** Stops playing, closes the client and waits for the process to end; resolves to the final counters. */
	stop(): Promise<PlayerStats>;
	/** Kills the process at once (for cleanups that cannot wait). Idempotent. */
	dispose(): void;
};

const fixture = fileURLToPath(new URL('../fixtures/play-signal.js', import.meta.url));
const live = new Set<ChildProcessWithoutNullStreams>();
let counter = 0;

process.on('exit', () => {
	for (const child of live) {
		child.kill('SIGKILL');
	}
});

export const startSignalPlayer = async (options: SignalPlayerOptions): Promise<SignalPlayer> => {
	const name = options.name ?? `player-${process.pid}-${++counter}`;
	const args = [fixture, '--server', options.server.name, '--name', name, '--channels', String(options.channels), '--signal', options.signal];
	if (options.to && options.to.length > 0) {
		args.push('--to', options.to.join(','));
	}
	const child = spawn(process.execPath, args, {stdio: ['pipe', 'pipe', 'pipe']});
	live.add(child);
	let stderr = '';
	let partial = '';
	const waiting: Array<{prefix: string; resolve: (line: string) => void; reject: (error: Error) => void}> = [];
	let ended: Error | undefined;
	const failAll = (error: Error): void => {
		ended = error;
		for (const waiter of waiting.splice(0)) {
			waiter.reject(error);
		}
	};
	// Writing to a player that already died must fail the call, not crash the test process.
	child.stdin.on('error', () => {});
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	child.stdout.on('data', (chunk: Buffer) => {
		partial += chunk.toString();
		const lines = partial.split('\n');
		partial = lines.pop()!;
		for (const line of lines) {
			const index = waiting.findIndex(waiter => line.startsWith(waiter.prefix));
			if (index >= 0) {
				waiting.splice(index, 1)[0]!.resolve(line);
			}
		}
	});
	const exited = new Promise<void>(resolve => {
		child.once('close', (code, signal) => {
			live.delete(child);
			failAll(new Error(`the signal player ${name} exited (${signal ?? code}) ${stderr ? `:\n${stderr}` : ''}`));
			resolve();
		});
	});
	child.once('error', error => {
		failAll(error);
	});
	const nextLine = async (prefix: string, timeoutMs: number): Promise<string> =>
		new Promise((resolve, reject) => {
			if (ended) {
				reject(ended);
				return;
			}
			const timer = setTimeout(() => {
				reject(new Error(`the signal player ${name} printed no ${prefix} line within ${timeoutMs} ms${stderr ? `:\n${stderr}` : ''}`));
			}, timeoutMs);
			waiting.push({
				prefix,
				resolve: line => {
					clearTimeout(timer);
					resolve(line);
				},
				reject: error => {
					clearTimeout(timer);
					reject(error);
				},
			});
		});

	let ready: {name: string; ports: string[]; sampleRate: number};
	try {
		ready = JSON.parse((await nextLine('READY ', options.readyTimeoutMs ?? 60_000)).slice('READY '.length));
	} catch (error) {
		child.kill('SIGKILL');
		throw error;
	}

	const parseStats = (line: string): PlayerStats => JSON.parse(line.slice('STATS '.length)) as PlayerStats;
	const stats = async (): Promise<PlayerStats> => {
		const line = nextLine('STATS ', 30_000);
		child.stdin.write('stats\n');
		return parseStats(await line);
	};
	let stopping: Promise<PlayerStats> | undefined;
	return {
		name: ready.name,
		ports: ready.ports,
		pid: child.pid!,
		stats,
		async playFor(seconds) {
			const until = (await stats()).framesCaptured + seconds * ready.sampleRate;
			await waitUntil(`${name} to play ${seconds} s`, async () => (await stats()).framesCaptured >= until, {timeoutMs: 60_000 + seconds * 1000, intervalMs: 50});
		},
		async stop() {
			stopping ??= (async () => {
				const line = nextLine('STATS ', 30_000);
				child.stdin.end('stop\n');
				const stats = parseStats(await line);
				await exited;
				return stats;
			})();
			return stopping;
		},
		dispose() {
			child.kill('SIGKILL');
		},
	};
};
