import assert from 'node:assert/strict';
import {after, afterEach, before, describe, it} from 'node:test';
import {JackError, JackErrorCode} from '../src/engine/jack-errors.js';
import {JackSource} from '../src/engine/jack-source.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {startSignalPlayer} from './helpers/signal-player.js';
import {waitUntil} from './helpers/wait-until.js';

const rate = 48_000;
let server: JackServer;
let count = 0;
const sources: JackSource[] = [];

const open = (options: Omit<Parameters<typeof JackSource.open>[0], 'name' | 'serverName'> & {name?: string}): JackSource => {
	const source = JackSource.open({name: `source${process.pid}x${++count}`, serverName: server.name, ...options});
	sources.push(source);
	return source;
};

before(async () => {
	// Three capture ports, so "physical" with four channels leaves one input over.
	server = await startJackServer({rate, period: 256, capturePorts: 3});
});
afterEach(() => {
	for (const source of sources.splice(0)) {
		source.dispose();
	}
});
after(async () => {
	await server?.stop();
});

describe('JackSource.open', () => {
	it('connects the physical capture ports to in_1..N by default', () => {
		const source = open({channels: 2});
		const [in1, in2] = source.portNames;
		assert.deepEqual(source.client.connections(in1!), ['system:capture_1']);
		assert.deepEqual(source.client.connections(in2!), ['system:capture_2']);
		assert.deepEqual(source.connectionReport, {
			connected: [
				{source: 'system:capture_1', destination: in1},
				{source: 'system:capture_2', destination: in2},
			],
			unconnected: [],
			message: undefined,
		});
	});

	it('connects what exists when there are fewer physical ports than channels, and says which input is left', () => {
		const source = open({channels: 4, connect: 'physical'});
		const in4 = source.portNames[3]!;
		assert.deepEqual(source.client.connections(in4), []);
		assert.deepEqual(source.connectionReport.unconnected, [in4]);
		assert.equal(
			source.connectionReport.message,
			`only 3 physical capture ports (system:capture_1, system:capture_2, system:capture_3): ${in4} left unconnected`,
		);
	});

	it('connects a given list of ports in order', () => {
		const source = open({channels: 3, connect: ['system:capture_3', 'system:capture_1']});
		const [in1, in2, in3] = source.portNames;
		assert.deepEqual(source.client.connections(in1!), ['system:capture_3']);
		assert.deepEqual(source.client.connections(in2!), ['system:capture_1']);
		assert.deepEqual(source.client.connections(in3!), []);
		assert.deepEqual(source.connectionReport.unconnected, []);
	});

	it('connects nothing with "none"', () => {
		const source = open({channels: 2, connect: 'none'});
		for (const port of source.portNames) {
			assert.deepEqual(source.client.connections(port), []);
		}
	});

	it('fails on a missing port, names it, suggests jack_lsp, and leaves no client behind', () => {
		const name = `source${process.pid}missing`;
		assert.throws(
			() => JackSource.open({name, channels: 2, serverName: server.name, connect: ['system:capture_1', 'nosuch:port']}),
			(error: unknown) => {
				assert.ok(error instanceof JackError);
				assert.equal(error.code, JackErrorCode.portNotFound);
				assert.equal(error.message, `cannot connect "nosuch:port" to ${name}:in_2: there is no such JACK port (list the ports with jack_lsp)`);
				return true;
			},
		);
		// The name is free: the half-connected client was closed.
		open({name, channels: 1, connect: 'none'});
	});

	it('validates channels and the connect list', () => {
		assert.throws(() => JackSource.open({name: 'x', channels: 0}), {
			name: 'RangeError',
			message: 'options.channels must be a whole number from 1 to 256, got 0',
		});
		assert.throws(() => JackSource.open({name: 'x', channels: 1, connect: ['a:b', 'c:d']}), {
			name: 'RangeError',
			message: 'options.connect lists 2 ports but there are only 1 channels',
		});
		assert.throws(() => JackSource.open({name: 'x', channels: 1, connect: 'all' as never}), {
			name: 'TypeError',
			message: 'Expected options.connect to be "physical", "none" or an array of port names',
		});
	});
});

describe('JackSource as an AudioSource', () => {
	it('reads the counter signal through read(), with the client rate, period and port names', async () => {
		const source = open({channels: 2, connect: 'none'});
		assert.equal(source.kind, 'jack');
		assert.equal(source.sampleRate, rate);
		assert.equal(source.periodFrames, 256);
		assert.equal(source.channels, 2);
		assert.deepEqual(source.portNames, [`${source.name}:in_1`, `${source.name}:in_2`]);
		const player = await startSignalPlayer({server, signal: 'counter', channels: 2, to: source.portNames});
		try {
			// Room for whatever silence came before the player connected, however long it took to start.
			const data = new Float32Array(rate * 2 * 30);
			let filled = 0;
			let at = 0;
			// Read as the engine does until half a second of the counter has come.
			await waitUntil('half a second of the counter', () => {
				filled += source.read(data.subarray(filled)) * 2;
				while (at < filled && data[at] === 0) {
					at++;
				}
				return filled - at >= rate;
			});
			assert.ok(verifyCounter(data.subarray(at - (at % 2), filled), 2).frames >= 0.5 * rate);
			// Xruns are the loaded machine's; nothing may be dropped or lost.
			assert.deepEqual({...source.stats(), xruns: 0}, {xruns: 0, droppedFrames: 0, shutdownReason: undefined});
			assert.equal((await player.stop()).underrunFrames, 0);
		} finally {
			player.dispose();
		}
	});

	it('after dispose (twice) reads nothing and keeps its last stats', () => {
		const source = open({channels: 1, connect: 'none'});
		source.dispose();
		source.dispose();
		assert.equal(source.read(new Float32Array(16)), 0);
		assert.equal(source.periodFrames, 256);
		assert.deepEqual(source.stats(), {xruns: 0, droppedFrames: 0, shutdownReason: undefined});
		assert.equal(source.client.disposed, true);
	});

	it('reports the server going away in stats().shutdownReason', async () => {
		for (const source of sources.splice(0)) {
			source.dispose();
		}
		const doomed = await startJackServer({rate});
		try {
			const source = JackSource.open({name: 'doomed', channels: 1, serverName: doomed.name});
			sources.push(source);
			doomed.kill('SIGKILL');
			await waitUntil('the shutdown to be reported', () => source.stats().shutdownReason !== undefined);
			assert.match(source.stats().shutdownReason ?? 'none', /JACK server has been closed/);
			source.dispose();
			assert.match(source.stats().shutdownReason ?? 'none', /JACK server has been closed/);
		} finally {
			await doomed.stop();
		}
	});
});
