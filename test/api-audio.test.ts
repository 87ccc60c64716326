import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {after, before, describe, it} from 'node:test';
import {PNG} from 'pngjs';
import {readWav} from '../src/wav/wav-reader.js';
import {startApiRecorder, requestWithHost, waitForApiStatus, type ApiRecorder} from './helpers/api-recorder.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {runCli} from './helpers/recorder-process.js';

const run = promisify(execFile);
const rate = 48_000;
let server: JackServer;
let api: ApiRecorder;
let scratch: string;
/** When the player started: the ring holds only counter audio from 13 s after this. */
let playingSince = 0;

before(async () => {
	server = await startJackServer({rate, period: 256, sync: true});
	scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-api-test-'));
	api = await startApiRecorder({server});
	playingSince = Date.now();
});
after(async () => {
	await api?.dispose();
	await server?.stop();
	await fs.rm(scratch, {recursive: true, force: true});
});

const waitPlayed = async (seconds: number): Promise<void> => {
	const wait = playingSince + seconds * 1000 + 500 - Date.now();
	if (wait > 0) {
		await new Promise(resolve => setTimeout(resolve, wait));
	}
};

const body = async (response: Response): Promise<Buffer> => Buffer.from(await response.arrayBuffer());

/** The response saved to a file, for the decoders and sox. */
const saved = async (name: string, response: Response): Promise<string> => {
	const file = path.join(scratch, name);
	await fs.writeFile(file, await body(response));
	return file;
};

describe('the HTTP API of a running recorder (jackd -d dummy, counter signal)', () => {
	it('refuses requests without the token, with a wrong one, or addressed to another host', async () => {
		const none = await fetch(`${api.url}/status`);
		assert.equal(none.status, 401);
		assert.match((await none.json()).error, /omega13 serve token/);
		assert.equal(none.headers.get('access-control-allow-origin'), null);
		const wrong = await fetch(`${api.url}/status`, {headers: {authorization: `Bearer ${'x'.repeat(43)}`}});
		assert.equal(wrong.status, 401);
		const rebinding = await requestWithHost(`${api.url}/status`, 'evil.example:80', api.token);
		assert.equal(rebinding.status, 403);
		assert.match(rebinding.body, /not this machine/);
		const loopback = await requestWithHost(`${api.url}/status`, 'localhost', api.token);
		assert.equal(loopback.status, 200);
		const mode = (await fs.stat(path.join(api.home, 'config', 'omega13', 'api-token'))).mode & 0o777;
		assert.equal(mode, 0o600);
		const printed = await runCli(['serve', 'token'], {...process.env, XDG_CONFIG_HOME: path.join(api.home, 'config')});
		assert.equal(printed.stdout, `${api.token}\n`);
	});

	it('refuses to listen beyond loopback unless --serve-host is given on the command line', async () => {
		const config = path.join(scratch, 'exposed.json');
		await fs.writeFile(config, JSON.stringify({serveHost: '0.0.0.0'}));
		const refused = await runCli(
			['--headless', '--serve', '--serve-port', '0', '--config', config, '--source', 'demo', '--hotkey', 'off', '--no-transcribe', '--jack-name', `exposed${process.pid}`, '--sessions-dir', path.join(scratch, 's')],
			{...server.env, XDG_CONFIG_HOME: path.join(scratch, 'config'), XDG_RUNTIME_DIR: scratch},
		);
		assert.equal(refused.code, 1, refused.stdout + refused.stderr);
		assert.match(refused.stderr, /refusing to serve the API on 0\.0\.0\.0.*--serve-host 0\.0\.0\.0/);
	});

	it('answers bad parameters with 400 and ranges it does not hold with 416, and keeps running', async () => {
		const cases: Array<[string, number, RegExp]> = [
			['/audio?seconds=-1', 400, /seconds must be at least/],
			['/audio?seconds=abc', 400, /seconds must be a number from/],
			['/audio?seconds=1e9', 400, /seconds must be at most 600/],
			['/audio?format=mp7', 400, /format must be one of wav, flac, opus, pcm/],
			['/audio?from=2026-01-01T00:00:10Z&to=2026-01-01T00:00:00Z', 400, /must be before/],
			['/audio?from=yesterday', 400, /ISO 8601/],
			['/audio?seconds=5&from=2026-01-01T00:00:00Z', 400, /not both/],
			['/audio?secs=5', 400, /unknown query parameter secs/],
			['/audio?seconds=60', 416, /the ring holds the last .* persistence is off/],
			['/audio?from=2020-01-01T00:00:00Z&to=2020-01-01T00:00:05Z', 416, /is not held in full; held: /],
			['/waveform.png?width=5', 400, /width must be at least 16/],
			['/nothing-here', 404, /openapi\.json/],
		];
		for (const [route, status, message] of cases) {
			const response = await api.get(route);
			const text = await response.text();
			assert.equal(response.status, status, `${route}: ${text}`);
			assert.match(JSON.parse(text).error, message, route);
		}
		const posted = await api.get('/status', {method: 'POST'});
		assert.equal(posted.status, 405);
		const status = await waitForApiStatus(api, s => s.bufferFilledSeconds > 1);
		assert.equal(status.source.status, 'running');
	});

	it('serves /audio?seconds=5 as a float WAV of exactly 5 s of contiguous counter, read by sox too', async () => {
		await waitPlayed(5);
		const response = await api.get('/audio?seconds=5&format=wav');
		assert.equal(response.status, 200);
		assert.equal(response.headers.get('content-type'), 'audio/wav');
		assert.ok(!Number.isNaN(Date.parse(response.headers.get('x-audio-start')!)));
		const file = await saved('five.wav', response);
		const wav = await readWav(file);
		assert.equal(wav.frames, 5 * rate);
		assert.equal(wav.channels, 2);
		assert.equal(verifyCounter(wav.data, 2).frames, 5 * rate);
		const {stdout} = await run('soxi', ['-s', file]);
		assert.equal(Number(stdout.trim()), 5 * rate);
	});

	it('serves FLAC (24-bit: the counter survives) and Opus that decode to 5 s', async () => {
		await waitPlayed(5);
		const flac = await saved('five.flac', await api.get('/audio?seconds=5&format=flac'));
		const flacWav = path.join(scratch, 'five-flac.wav');
		await run('flac', ['--silent', '--decode', '--force', '-o', flacWav, flac]);
		const decoded = await readWav(flacWav);
		assert.equal(decoded.frames, 5 * rate);
		verifyCounter(decoded.data, 2);
		const opus = await saved('five.opus', await api.get('/audio?seconds=5&format=opus'));
		const opusWav = path.join(scratch, 'five-opus.wav');
		await run('opusdec', ['--quiet', '--rate', String(rate), opus, opusWav]);
		assert.equal((await readWav(opusWav)).frames, 5 * rate);
	});

	it('serves raw little-endian float32 PCM with the rate and channels in headers', async () => {
		await waitPlayed(2);
		const response = await api.get('/audio?seconds=2&format=pcm');
		assert.equal(response.headers.get('x-audio-sample-rate'), String(rate));
		assert.equal(response.headers.get('x-audio-channels'), '2');
		assert.equal(response.headers.get('x-audio-sample-format'), 'f32le');
		const bytes = await body(response);
		assert.equal(bytes.length, 2 * rate * 2 * 4);
		const samples = new Float32Array(bytes.length / 4);
		for (let i = 0; i < samples.length; i++) {
			samples[i] = bytes.readFloatLE(i * 4);
		}
		verifyCounter(samples, 2);
	});

	it('streams /live as contiguous counter audio while it arrives', async () => {
		const response = await api.get('/live?format=pcm');
		assert.equal(response.status, 200);
		const reader = response.body!.getReader();
		const parts: Uint8Array[] = [];
		let bytes = 0;
		while (bytes < rate * 8) {
			const {value, done} = await reader.read();
			if (done) {
				break;
			}
			parts.push(value);
			bytes += value.length;
		}
		await reader.cancel();
		const all = Buffer.concat(parts);
		const samples = new Float32Array(all.buffer, all.byteOffset, Math.floor(all.length / 8) * 2);
		assert.ok(verifyCounter(new Float32Array(samples), 2).frames >= rate);
	});

	it('draws /waveform.png at the size asked for', async () => {
		const response = await api.get('/waveform.png?seconds=3&width=640&height=160');
		assert.equal(response.headers.get('content-type'), 'image/png');
		const png = PNG.sync.read(await body(response));
		assert.equal(png.width, 640);
		assert.equal(png.height, 160);
	});

	it('lists every route in /openapi.json, generated from the route schemas', async () => {
		const document = await (await api.get('/openapi.json')).json();
		assert.equal(document.openapi, '3.1.0');
		for (const route of ['/status', '/audio', '/waveform.png', '/live', '/capture/toggle', '/capture/start', '/capture/stop', '/save-last', '/sessions', '/sessions/{id}/captures/{n}/audio', '/sessions/{id}/captures/{n}/transcript', '/openapi.json']) {
			assert.ok(document.paths[route], `${route} is missing`);
		}
		const seconds = document.paths['/audio'].get.parameters.find((p: {name: string}) => p.name === 'seconds');
		assert.equal(seconds.schema.maximum, 600);
	});

	it('keeps a capture sample-exact while 50 clients ask for /audio?seconds=13 at once, and each gets it all', async () => {
		await waitPlayed(14);
		const started = await api.get('/capture/start', {method: 'POST'});
		assert.equal(started.status, 200, await started.clone().text());
		const responses = await Promise.all(
			Array.from({length: 50}, async () => {
				const response = await api.get('/audio?seconds=13&format=wav');
				return {status: response.status, length: Number(response.headers.get('content-length')), bytes: await body(response)};
			}),
		);
		for (const response of responses) {
			assert.equal(response.status, 200);
			assert.equal(response.bytes.length, response.length);
			const data = new Float32Array(13 * rate * 2);
			const offset = response.bytes.length - data.length * 4;
			for (let i = 0; i < data.length; i++) {
				data[i] = response.bytes.readFloatLE(offset + i * 4);
			}
			verifyCounter(data, 2);
		}
		const stopped = await (await api.get('/capture/stop', {method: 'POST'})).json();
		assert.equal(stopped.ok, true, stopped.message);
		const capture = stopped.status.lastCapture;
		assert.equal(capture.droppedFrames, 0);
		const wav = await readWav(capture.path);
		assert.equal(verifyCounter(wav.data, 2).frames, wav.frames);

		const sessions = await (await api.get('/sessions')).json();
		assert.equal(sessions.sessions.length, 1);
		const audio = await api.get('/sessions/last/captures/1/audio');
		assert.equal(audio.status, 200);
		assert.deepEqual(await body(audio), await fs.readFile(capture.path));
		const transcript = await api.get('/sessions/last/captures/1/transcript');
		assert.equal(transcript.status, 404);
		assert.match((await transcript.json()).error, /no transcript \(transcription was off\)/);
		assert.equal((await api.get('/sessions/last/captures/9/audio')).status, 404);
		assert.equal((await api.get('/sessions/..%2F..%2Fetc/captures/1/audio')).status, 400);
	});

	it('reports the same status object as `omega13 status --json`', async () => {
		const fromApi = await (await api.get('/status')).json();
		const fromCli = JSON.parse((await runCli(['status', '--json', '--jack-name', api.recorder.jackName], {...process.env, XDG_RUNTIME_DIR: api.recorder.runtimeDir})).stdout);
		assert.deepEqual(Object.keys(fromApi).sort(), Object.keys(fromCli).sort());
		assert.equal(fromApi.pid, fromCli.pid);
		assert.equal(fromApi.api.url, api.url);
	});
});
