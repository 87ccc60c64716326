import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, afterEach, before, describe, it} from 'node:test';
import {Worker} from 'node:worker_threads';
import {JackError, JackErrorCode} from '../src/engine/jack-errors.js';
import {JackClient, loadJackAddon} from '../src/engine/jack-native.js';
import {counterSample, fillCounter, verifyCounter} from './helpers/counter-signal.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {startSignalPlayer, type SignalPlayer} from './helpers/signal-player.js';
import {waitUntil} from './helpers/wait-until.js';

const rate = 48_000;
const period = 256;
let server: JackServer;
let clientCount = 0;
const clients: JackClient[] = [];
const players: SignalPlayer[] = [];

/** A client on the shared server with a fresh name; disposed after its test whatever happens. */
const openClient = (inputs = 2, outputs = 0): JackClient => {
	const client = JackClient.open({name: `native${process.pid}x${++clientCount}`, inputs, outputs, serverName: server.name});
	clients.push(client);
	return client;
};

/** Polls until `check` is true (JACK's notifications arrive on their own thread, a moment later). */
const waitFor = async (what: string, check: () => boolean): Promise<void> => waitUntil(what, check, {intervalMs: 10});

/** True once the client has captured `seconds` more of audio (JACK's time, not the wall clock's). */
const capturedFor = (client: JackClient, seconds: number): (() => boolean) => {
	const from = client.stats().framesCaptured;
	return () => client.stats().framesCaptured >= from + seconds * rate;
};

/** Reads everything every 20 ms (as the engine does) until `done()` holds, then what is left. */
const drain = async (client: JackClient, done: () => boolean): Promise<Float32Array> => {
	const channels = client.inputPorts.length;
	const chunk = new Float32Array(rate * channels);
	const parts: Float32Array[] = [];
	const readAll = (): void => {
		for (;;) {
			const frames = client.read(chunk);
			if (frames > 0) {
				parts.push(chunk.slice(0, frames * channels));
			}
			if (frames < chunk.length / channels) {
				return;
			}
		}
	};
	await waitFor('the audio to arrive', () => {
		readAll();
		return done();
	});
	readAll();
	const all = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
	let at = 0;
	for (const part of parts) {
		all.set(part, at);
		at += part.length;
	}
	return all;
};

/** The counter with the silence from before the player started cut off (the counter is never 0). */
const afterLeadingSilence = (data: Float32Array, channels: number): Float32Array => {
	let at = 0;
	while (at < data.length && data[at] === 0) {
		at++;
	}
	return data.subarray(at - (at % channels));
};

const expectJackError = (code: JackErrorCode, message?: RegExp) => (error: unknown) => {
	assert.ok(error instanceof JackError, `expected a JackError, got ${String(error)}`);
	assert.equal(error.code, code, error.message);
	if (message) {
		assert.match(error.message, message);
	}
	return true;
};

before(async () => {
	server = await startJackServer({rate, period});
});
// libjack joins one server per process, so the tests that start their own server need every client of
// the shared one closed: each test's clients go when it ends.
afterEach(() => {
	for (const player of players.splice(0)) {
		player.dispose();
	}
	for (const client of clients.splice(0)) {
		client.dispose();
	}
});
after(async () => {
	await server?.stop();
});

describe('JackClient.open', () => {
	it('says how to start a server when none is running', () => {
		assert.throws(
			() => JackClient.open({name: 'lonely', inputs: 1, serverName: `omega13-test-nosuch-${process.pid}`}),
			expectJackError(JackErrorCode.noServer, /cannot connect to the JACK server "omega13-test-nosuch-\d+": start one \(jackd .*PipeWire's JACK/),
		);
	});

	it('refuses a name another client has, and says to choose another with --jack-name', () => {
		const first = openClient(1);
		assert.throws(
			() => JackClient.open({name: first.name, inputs: 1, serverName: server.name}),
			expectJackError(JackErrorCode.nameTaken, new RegExp(`another JACK client is already called "${first.name}".*choose another name with --jack-name`)),
		);
	});

	it('uses the server of JACK_DEFAULT_SERVER when no serverName is given', () => {
		const saved = process.env.JACK_DEFAULT_SERVER;
		process.env.JACK_DEFAULT_SERVER = server.name;
		try {
			const client = JackClient.open({name: `native${process.pid}env`, inputs: 1});
			clients.push(client);
			assert.deepEqual(client.inputPorts, [`native${process.pid}env:in_1`]);
		} finally {
			if (saved === undefined) {
				delete process.env.JACK_DEFAULT_SERVER;
			} else {
				process.env.JACK_DEFAULT_SERVER = saved;
			}
		}
	});

	it('has the server rate and period, and named ports in_1..N and out_1..M', () => {
		const client = openClient(3, 2);
		assert.equal(client.sampleRate, rate);
		assert.equal(client.periodFrames, period);
		assert.deepEqual(client.inputPorts, [1, 2, 3].map(n => `${client.name}:in_${n}`));
		assert.deepEqual(client.outputPorts, [1, 2].map(n => `${client.name}:out_${n}`));
		assert.ok(client.ringFrames >= 8 * rate, `the ring holds ${client.ringFrames} frames, less than 8 s`);
	});

	it('follows a server with another rate and period', async () => {
		const other = await startJackServer({rate: 44_100, period: 512});
		try {
			const client = JackClient.open({name: 'ratecheck', inputs: 1, serverName: other.name});
			try {
				assert.equal(client.sampleRate, 44_100);
				assert.equal(client.periodFrames, 512);
			} finally {
				client.dispose();
			}
		} finally {
			await other.stop();
		}
	});

	it('refuses to join a second server while a client of another is open (libjack allows one)', async () => {
		const other = await startJackServer({rate, period});
		try {
			const client = openClient(1);
			assert.throws(
				() => JackClient.open({name: 'second', inputs: 1, serverName: other.name}),
				expectJackError(
					JackErrorCode.openFailed,
					new RegExp(`one JACK server per process: client "${client.name}" is open on server "${server.name}"; dispose it before joining "${other.name}"`),
				),
			);
			client.dispose();
			const second = JackClient.open({name: 'second', inputs: 1, serverName: other.name});
			second.dispose();
		} finally {
			await other.stop();
		}
	});

	it('validates its options with exact messages', () => {
		assert.throws(() => JackClient.open(undefined as never), {name: 'TypeError', message: 'Expected options to be an object'});
		assert.throws(() => JackClient.open({name: 3 as never, inputs: 1}), {name: 'TypeError', message: 'Expected options.name to be a string'});
		assert.throws(() => JackClient.open({name: 'a:b', inputs: 1}), {
			name: 'RangeError',
			message: 'options.name must be 1 to 64 characters without ":", got "a:b"',
		});
		assert.throws(() => JackClient.open({name: 'x'.repeat(65), inputs: 1}), {name: 'RangeError', message: /^options.name must be 1 to 64 characters/});
		assert.throws(() => JackClient.open({name: 'x', inputs: 1.5}), {
			name: 'RangeError',
			message: 'options.inputs must be a whole number from 0 to 256, got 1.5',
		});
		assert.throws(() => JackClient.open({name: 'x', inputs: 0}), {
			name: 'RangeError',
			message: 'a JACK client needs at least one port: options.inputs and options.outputs are both 0',
		});
		assert.throws(() => JackClient.open({name: 'x', inputs: 1, ringSeconds: 0}), {
			name: 'RangeError',
			message: 'options.ringSeconds must be more than 0 and at most 600, got 0',
		});
		assert.throws(() => JackClient.open({name: 'x', inputs: 1, serverName: ''}), {
			name: 'TypeError',
			message: 'Expected options.serverName to be a non-empty string',
		});
	});

	it('says to run npm install when the addon is not built', async () => {
		const root = await mkdtemp(path.join(os.tmpdir(), 'omega13-noaddon-'));
		try {
			assert.throws(() => loadJackAddon(root), expectJackError(JackErrorCode.addonMissing, /not built .*run `npm install`.*libjack-jackd2-dev/));
		} finally {
			await rm(root, {recursive: true, force: true});
		}
	});
});

describe('JackClient ports and connections', () => {
	it('lists the server ports with type, direction, physical flag and connections', () => {
		const client = openClient(2);
		const capture = client.ports({direction: 'output', type: 'audio', physical: true});
		assert.deepEqual(
			capture.map(port => port.name),
			['system:capture_1', 'system:capture_2'],
		);
		assert.deepEqual(capture[0], {
			name: 'system:capture_1',
			client: 'system',
			shortName: 'capture_1',
			type: 'audio',
			direction: 'output',
			physical: true,
			terminal: true,
			connections: [],
		});
		const ours = client.ports({namePattern: `^${client.name}:`});
		assert.deepEqual(
			ours.map(port => [port.name, port.direction, port.physical]),
			[
				[`${client.name}:in_1`, 'input', false],
				[`${client.name}:in_2`, 'input', false],
			],
		);
		assert.deepEqual(
			client.ports({direction: 'input', physical: true}).map(port => port.name),
			['system:playback_1', 'system:playback_2'],
		);
		assert.throws(() => client.ports({direction: 'sideways' as never}), {
			name: 'RangeError',
			message: 'filter.direction must be "output" or "input", got sideways',
		});
	});

	it('connects and disconnects (both idempotent) and bumps graphVersion each time', async () => {
		const client = openClient(2);
		const [in1] = client.inputPorts;
		await waitFor('our own port registrations to be seen', () => client.stats().graphVersion > 0);
		let version = client.stats().graphVersion;

		client.connect('system:capture_1', in1!);
		client.connect('system:capture_1', in1!);
		assert.deepEqual(client.connections(in1!), ['system:capture_1']);
		assert.deepEqual(client.connections('system:capture_1'), [in1]);
		assert.deepEqual(client.ports({namePattern: /capture_1$/})[0]!.connections, [in1]);
		await waitFor('graphVersion to change after connect', () => client.stats().graphVersion > version);
		version = client.stats().graphVersion;

		client.disconnect('system:capture_1', in1!);
		client.disconnect('system:capture_1', in1!);
		assert.deepEqual(client.connections(in1!), []);
		await waitFor('graphVersion to change after disconnect', () => client.stats().graphVersion > version);
		version = client.stats().graphVersion;

		const other = openClient(1);
		await waitFor('graphVersion to change when another client registers ports', () => client.stats().graphVersion > version);
		other.dispose();
	});

	it('names a missing port, and refuses to connect two inputs', () => {
		const client = openClient(1);
		assert.throws(
			() => client.connect('nosuch:port', client.inputPorts[0]!),
			expectJackError(JackErrorCode.portNotFound, /no JACK port called "nosuch:port" \(jack_lsp lists them\)/),
		);
		assert.throws(() => client.connections('nosuch:port'), expectJackError(JackErrorCode.portNotFound, /nosuch:port/));
		assert.throws(
			() => client.connect('system:playback_1', client.inputPorts[0]!),
			expectJackError(JackErrorCode.connectFailed, /"system:playback_1" is not an output port/),
		);
		assert.throws(() => client.connect('capture_1', client.inputPorts[0]!), {
			name: 'RangeError',
			message: 'source must be a full JACK port name like "system:capture_1", got "capture_1"',
		});
	});
});

describe('JackClient audio', () => {
	it('delivers a player counter signal contiguous, sample by sample, over several seconds', async () => {
		const client = openClient(2);
		const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: client.inputPorts});
		players.push(player);
		const data = await drain(client, capturedFor(client, 3));
		const {frames} = verifyCounter(afterLeadingSilence(data, 2), 2);
		assert.ok(frames >= 2.5 * rate, `only ${frames} frames of counter in 3 s of audio`);
		const stats = client.stats();
		assert.equal(stats.droppedFrames, 0);
		assert.equal(stats.framesCaptured, data.length / 2 + stats.readableFrames);
		const playerStats = await player.stop();
		assert.equal(playerStats.underrunFrames, 0, 'the player ran dry, so its counter has gaps at the source');
	});

	it('loses no frame while the reader stalls for 5 s', async () => {
		const client = openClient(2);
		const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: client.inputPorts});
		players.push(player);
		const before = await drain(client, capturedFor(client, 0.3));
		// The reader stalls while 5 s of audio arrive.
		await waitFor('5 s of audio to wait in the ring', () => client.stats().readableFrames >= 5 * rate);
		const rest = await drain(client, () => true);
		const all = new Float32Array(before.length + rest.length);
		all.set(before);
		all.set(rest, before.length);
		const {frames} = verifyCounter(afterLeadingSilence(all, 2), 2);
		assert.ok(frames >= 5 * rate, `only ${frames} frames`);
		assert.equal(client.stats().droppedFrames, 0);
		assert.equal((await player.stop()).underrunFrames, 0);
	});

	it('drops whole periods and counts them when the reader falls more than the ring behind', async () => {
		const client = JackClient.open({name: `native${process.pid}small`, inputs: 1, serverName: server.name, ringSeconds: 0.05});
		clients.push(client);
		await waitFor('the ring to overflow', () => client.stats().droppedFrames > 0);
		const {droppedFrames, framesCaptured, readableFrames} = client.stats();
		assert.equal(droppedFrames % period, 0);
		assert.ok(readableFrames <= client.ringFrames);
		assert.ok(framesCaptured >= droppedFrames + readableFrames);
	});

	it('plays what write queues on its outputs, and counts underruns once playing', async () => {
		const player = openClient(0, 2);
		const recorder = openClient(2);
		player.connect(player.outputPorts[0]!, recorder.inputPorts[0]!);
		player.connect(player.outputPorts[1]!, recorder.inputPorts[1]!);
		assert.equal(player.read(new Float32Array(8)), 0);
		const block = new Float32Array(rate * 2);
		for (let i = 0; i < block.length; i++) {
			block[i] = i % 2 === 0 ? 0.25 : -0.25;
		}
		assert.throws(() => player.write(block, rate + 1), {
			name: 'RangeError',
			message: `frames must be a whole number from 0 to ${rate} (the frames in from), got ${rate + 1}`,
		});
		const writable = player.writableFrames();
		assert.equal(player.write(block, rate / 10), rate / 10);
		assert.equal(player.writableFrames(), writable - rate / 10);
		assert.equal(player.stats().underrunFrames, 0);
		await waitFor('the queued audio to run out', () => player.stats().underrunFrames > 0);
		const data = await drain(recorder, () => true);
		const left = data.filter((_, i) => i % 2 === 0 && data[i] !== 0);
		const right = data.filter((_, i) => i % 2 === 1 && data[i] !== 0);
		assert.equal(left.length, rate / 10);
		assert.ok(left.every(sample => sample === 0.25));
		assert.ok(right.every(sample => sample === -0.25));
	});

	it('gives each frame the wall-clock time it was captured', async () => {
		const opened = Date.now();
		const client = openClient(1);
		const data = await drain(client, capturedFor(client, 0.5));
		const readAt = Date.now();
		const frames = data.length;
		// Bracketed by the wall clock around the open and the last read, so a loaded machine only widens the
		// bracket: frame 0 is from when the client opened, and the last frame read was captured before it was
		// read. The slack is for JACK's smoothed cycle times, which the anchor follows.
		const slackMs = 100;
		const firstAt = client.frameTime(0);
		const lastAt = client.frameTime(frames - 1);
		assert.ok(firstAt >= opened - slackMs && firstAt <= readAt, `frame 0 at ${firstAt}, opened at ${opened}, read at ${readAt}`);
		assert.ok(lastAt <= readAt + slackMs, `frame ${frames - 1} at ${lastAt}, read at ${readAt}`);
		assert.ok(Math.abs(client.frameTime(rate) - client.frameTime(0) - 1000) < 1e-6);
	});
});

describe('JackClient lifetime', () => {
	it('can be disposed twice, then every method throws JACK_CLIENT_CLOSED', () => {
		const client = openClient(1, 1);
		client.dispose();
		client.dispose();
		const closed = expectJackError(JackErrorCode.clientClosed, /was disposed/);
		assert.throws(() => client.read(new Float32Array(4)), closed);
		assert.throws(() => client.write(new Float32Array(4)), closed);
		assert.throws(() => client.writableFrames(), closed);
		assert.throws(() => client.stats(), closed);
		assert.throws(() => client.frameTime(0), closed);
		assert.throws(() => client.ports(), closed);
		assert.throws(() => client.connections('system:capture_1'), closed);
		assert.throws(() => client.connect('system:capture_1', 'system:playback_1'), closed);
		assert.throws(() => client.disconnect('system:capture_1', 'system:playback_1'), closed);
		assert.throws(() => client.periodFrames, closed);
		// Its name is free again.
		clients.push(JackClient.open({name: client.name, inputs: 1, serverName: server.name}));
	});

	it('rejoins a restarted server while the client of the dead one is still open', async () => {
		const server2 = await startJackServer({rate, period});
		try {
			const old = JackClient.open({name: 'phoenix', inputs: 1, serverName: server2.name});
			clients.push(old);
			server2.kill('SIGKILL');
			await waitFor('the shutdown to be reported', () => old.stats().shutdownReason !== undefined);
			await server2.restart();
			// The same name: the dead server's client is gone with it.
			const fresh = JackClient.open({name: 'phoenix', inputs: 1, serverName: server2.name});
			clients.push(fresh);
			await waitFor('audio from the new server', () => fresh.stats().readableFrames > period);
			assert.equal(fresh.sampleRate, rate);
			assert.deepEqual(fresh.inputPorts, ['phoenix:in_1']);
			old.dispose();
			assert.equal(fresh.stats().shutdownReason, undefined);
			fresh.dispose();
		} finally {
			await server2.stop();
		}
	});

	it('reports the server dying, keeps what arrived readable, and does not crash', async () => {
		const doomed = await startJackServer({rate, period});
		try {
			const client = JackClient.open({name: 'survivor', inputs: 2, serverName: doomed.name});
			clients.push(client);
			await waitFor('audio to arrive', () => client.stats().readableFrames > period);
			assert.equal(client.stats().shutdownReason, undefined);
			doomed.kill('SIGKILL');
			await waitFor('the shutdown to be reported', () => client.stats().shutdownReason !== undefined);
			assert.match(client.stats().shutdownReason!, /JACK server has been closed/);
			assert.ok(client.read(new Float32Array(rate * 2)) > 0, 'the frames captured before the shutdown are gone');
			assert.throws(() => client.ports(), expectJackError(JackErrorCode.clientClosed, /server shut down \(JACK server has been closed\)/));
			client.dispose();
			client.dispose();
		} finally {
			await doomed.stop();
		}
	});

	for (const ending of ['the event loop empties', 'process.exit() is called']) {
		it(`lets a process end cleanly with a client still open and running when ${ending}`, () => {
			const nativeModule = new URL('../src/engine/jack-native.js', import.meta.url).href;
			const script = `
				import {JackClient} from ${JSON.stringify(nativeModule)};
				const client = JackClient.open({name: 'leaver${process.pid}', inputs: 2, outputs: 2, serverName: ${JSON.stringify(server.name)}});
				client.connect(client.outputPorts[0], client.inputPorts[0]);
				client.write(new Float32Array(48000 * 2).fill(0.5));
				setTimeout(() => { ${ending.startsWith('process.exit') ? 'process.exit(0);' : ''} }, 300);`;
			const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8', timeout: 10_000});
			assert.equal(result.signal, null, `the process died of ${result.signal}: ${result.stderr}`);
			assert.equal(result.status, 0, result.stderr);
			assert.equal(result.stderr, '', 'libjack must not print to stderr');
		});
	}

	it('closes a client left open when its environment ends (a worker thread exits)', async t => {
		const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
		const name = `native${process.pid}worker`;
		const worker = new Worker(
			`const {createRequire} = require('node:module');
			const addon = createRequire(${JSON.stringify(path.join(root, 'package.json'))})('./build/Release/omega13_jack.node');
			// Held globally: an unreferenced client may be collected, and its finalizer would close it first.
			globalThis.client = new addon.JackClient(${JSON.stringify(name)}, 1, 0, ${JSON.stringify(server.name)}, 1);
			const {parentPort} = require('node:worker_threads');
			parentPort.once('message', () => parentPort.close());
			parentPort.postMessage('open');`,
			{eval: true},
		);
		const exited = new Promise(resolve => worker.once('exit', resolve));
		// A failed assertion below must not leave the worker (and its client) keeping the runner alive.
		t.after(async () => {
			await worker.terminate();
		});
		const watcher = openClient(1);
		await new Promise<void>((resolve, reject) => {
			worker.once('message', () => {
				resolve();
			});
			worker.once('error', reject);
		});
		await waitFor('the worker client to appear', () => watcher.ports({namePattern: `^${name}:`}).length === 1);
		// The worker ends without disposing its client: only the env cleanup hook can close it.
		worker.postMessage('end');
		await exited;
		await waitFor('the worker client to be closed', () => watcher.ports({namePattern: `^${name}:`}).length === 0);
	});
});

// The verifier every capture test relies on: it must catch what it claims to.
describe('the counter signal verifier', () => {
	const counter = (start: number, frames: number, channels: number): Float32Array => {
		const data = new Float32Array(frames * channels);
		fillCounter(data, start, frames, channels);
		return data;
	};

	it('accepts an unbroken stretch, across the 2^21 wrap, and finds where it starts', () => {
		assert.deepEqual(verifyCounter(counter(2 ** 21 - 10, 100, 3), 3), {startFrame: 2 ** 21 - 10, frames: 100});
		assert.equal(counterSample(0, 0), 2 ** -22);
		assert.equal(counterSample(2 ** 21 - 1, 0), 0.5);
		assert.equal(Math.fround(counterSample(12_345, 1)), counterSample(12_345, 1));
	});

	it('names the first bad frame of a gap, a repeat and a channel swap', () => {
		const gap = counter(1000, 100, 2);
		gap.copyWithin(20, 22);
		assert.throws(() => verifyCounter(gap, 2), {
			name: 'AssertionError',
			message: `counter signal: frame 10 (absolute 1010), channel 0: expected ${counterSample(1010, 0)}, got ${counterSample(1011, 0)}, the value of frame 1011: 1 frames ahead (frames missing)`,
		});
		const repeat = counter(1000, 100, 2);
		repeat.set(repeat.subarray(20, 40), 40);
		assert.throws(() => verifyCounter(repeat, 2), {message: /frame 20 \(absolute 1020\), channel 0: .*10 frames behind \(frames repeated\)/});
		const swap = counter(1000, 100, 2);
		[swap[50], swap[51]] = [swap[51]!, swap[50]!];
		assert.throws(() => verifyCounter(swap, 2), {message: /frame 25 .*channel 0: .*channel 1's value for this frame \(channels swapped or shifted\)/});
		assert.throws(() => verifyCounter(new Float32Array(4), 2), {message: 'counter signal: the first sample, 0, is not a counter value (silence: trim it first)'});
	});
});
