/**
 * Hands-free capture (`--trigger voice|both`) against a real JACK server (synchronous, so the audio is
 * sample-exact), with the real Silero VAD model: the track a person would test it with, built by sox.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {readWav, type WavData} from '../src/wav/wav-reader.js';
import {verifyCounter} from './helpers/counter-signal.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {startVoiceRecorder as startVoice, type RecordedCapture} from './helpers/voice-recorder.js';
import {waitUntil} from './helpers/wait-until.js';
import {buildTrack} from './helpers/sox-track.js';

const rate = 48_000;
/** whisper.cpp's golden speech segments of jfk.wav (Silero v6.2.0), seconds. */
const jfkSpeechStarts = [0.32, 3.27, 5.38, 8.16];
const jfkSeconds = 11;
/** The track: 3 s silence, jfk.wav, 4 s pink noise (RMS -30 dBFS, above the gate), jfk.wav, 3 s silence. */
const trackOnsets = [3 + jfkSpeechStarts[0]!, 3 + jfkSeconds + 4 + jfkSpeechStarts[0]!];

let server: JackServer;
let root: string;
let track: WavData;
let trackPath: string;

before(async () => {
	server = await startJackServer({rate, period: 256, sync: true});
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-voice-'));
	trackPath = await buildTrack(root, [{silence: 3}, {jfk: {}}, {pinkNoise: 4, peakDb: -18}, {jfk: {}}, {silence: 3}], rate);
	track = await readWav(trackPath);
});
after(async () => {
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
});

const startVoiceRecorder = async (args: readonly string[], signal: 'counter' | `wav:${string}`) => startVoice(server, root, args, signal);

/** Where `data` sits in the (looping) track: the frame of the track its first frame is, or undefined. */
const placeInTrack = (data: Float32Array): number | undefined => {
	const frames = data.length / 2;
	let first = 0;
	while (first < frames && data[first * 2] === 0 && data[first * 2 + 1] === 0) {
		first++;
	}
	const probe = Math.min(frames - first, 4800);
	for (let at = 0; at < track.frames; at++) {
		let same = true;
		for (let i = 0; i < probe * 2 && same; i++) {
			same = track.data[((at + Math.floor(i / 2)) % track.frames) * 2 + (i % 2)] === data[first * 2 + i];
		}
		if (same) {
			return (at - first + track.frames) % track.frames;
		}
	}
	return undefined;
};

describe('--trigger voice on a real JACK server with Silero VAD', () => {
	it('captures each stretch of speech from a second before it began, and nothing in silence or noise', async t => {
		const voice = await startVoiceRecorder(['--trigger', 'voice', '--buffer-seconds', '4'], `wav:${trackPath}`);
		t.after(async () => voice.dispose());
		// Both speech stretches captured and ended (the track is 32 s, then it loops).
		await waitUntil('two voice captures to end', async () => (await voice.captures()).filter(capture => capture.state === 'complete').length >= 2, {
			timeoutMs: 120_000,
			intervalMs: 250,
		});
		const captures = (await voice.captures()).slice(0, 2);
		const lines = voice.recorder.lines.join('\n');
		t.diagnostic(lines);
		for (const [n, capture] of captures.entries()) {
			const wav = await readWav(capture.path);
			const at = placeInTrack(wav.data);
			assert.ok(at !== undefined, `capture ${n + 1} is not the played track sample for sample`);
			// Sample by sample over its whole span.
			for (let i = 0; i < wav.data.length; i++) {
				if (wav.data[i] !== track.data[((at + Math.floor(i / 2)) % track.frames) * 2 + (i % 2)]) {
					assert.fail(`capture ${n + 1} differs from the track at its frame ${Math.floor(i / 2)}`);
				}
			}
			const startSeconds = (at % track.frames) / rate;
			const expected = trackOnsets[n]! - 1;
			assert.ok(Math.abs(startSeconds - expected) <= 0.1, `capture ${n + 1} starts at ${startSeconds.toFixed(3)} s of the track, not ${expected.toFixed(2)} s (speech at ${trackOnsets[n]} s, 1 s before)`);
			// It holds the speech of that jfk.wav and ends in the hangover after it.
			const endSeconds = startSeconds + wav.frames / rate;
			assert.ok(endSeconds >= trackOnsets[n]! - jfkSpeechStarts[0]! + 10.62, `capture ${n + 1} ends at ${endSeconds.toFixed(2)} s, before the speech did`);
			assert.ok(endSeconds <= trackOnsets[n]! - jfkSpeechStarts[0]! + jfkSeconds + 3, `capture ${n + 1} runs on to ${endSeconds.toFixed(2)} s, into the noise or silence`);
		}
		assert.match(lines, /voice: speech at .*, confirmed \d+\.\d\d s after it began; capture 001 keeps 1\.00 s before it/);
		assert.match(lines, /voice: 1\.5 s without speech: capture 001 ends/);
	});

	it('splits a capture at --voice-max with no frame lost or repeated, and the hotkey starts one early in --trigger both', async t => {
		const voice = await startVoiceRecorder(['--trigger', 'both', '--buffer-seconds', '2', '--voice-max', '5'], 'counter');
		t.after(async () => voice.dispose());
		await voice.recorder.waitForStatus(response => (response.status?.bufferFilledSeconds ?? 0) >= 2);
		await voice.player.playFor(2.2);
		assert.equal((await voice.recorder.control('start')).ok, true);
		await voice.recorder.waitForLine(/capture 001 reached 5 s; it goes on in capture 002 from the next frame/, 60_000);
		await voice.recorder.recordedLive(0.5);
		assert.equal((await voice.recorder.control('stop')).ok, true);
		const [first, second] = (await voice.captures()) as [RecordedCapture, RecordedCapture];
		const a = await readWav(first.path);
		const b = await readWav(second.path);
		assert.ok(a.frames >= 5 * rate, `the first part holds ${a.frames} frames`);
		assert.equal(second.prerollFrames, 0);
		const joined = new Float32Array(a.data.length + b.data.length);
		joined.set(a.data);
		joined.set(b.data, a.data.length);
		assert.equal(verifyCounter(joined, 2).frames, a.frames + b.frames);
	});
});
