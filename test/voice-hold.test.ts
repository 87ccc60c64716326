/**
 * `--trigger both`: a voice capture stopped by hand while the speech goes on is not started again by that
 * same speech (not even in the pauses between its words); the next speech after a quiet stretch starts
 * one as usual. Real JACK server (synchronous), real Silero VAD.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {readWav, type WavData} from '../src/wav/wav-reader.js';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {startVoiceRecorder} from './helpers/voice-recorder.js';
import {waitUntil} from './helpers/wait-until.js';
import {buildTrack} from './helpers/sox-track.js';

const rate = 48_000;

let server: JackServer;
let root: string;
let trackPath: string;
let speech: WavData;

before(async () => {
	server = await startJackServer({rate, period: 256, sync: true});
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-voice-hold-'));
	speech = await readWav(await buildTrack(root, [{jfk: {}}], rate));
	// 3 s silence, jfk.wav (11 s, pauses between its phrases), 3 s silence: then it loops.
	trackPath = await buildTrack(root, [{silence: 3}, {jfk: {}}, {silence: 3}], rate);
});
after(async () => {
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
});

describe('--trigger both, a capture stopped by hand in speech', () => {
	it('is not started again by the same speech, only by the next after a quiet stretch', async t => {
		const voice = await startVoiceRecorder(server, root, ['--trigger', 'both', '--buffer-seconds', '3'], `wav:${trackPath}`);
		t.after(async () => voice.dispose());
		await voice.recorder.waitForLine(/capture 001 started/, 60_000);
		await voice.recorder.recordedLive(1);
		const stopped = await voice.recorder.control('stop');
		assert.equal(stopped.ok, true, stopped.message);
		await waitUntil('a second capture to end', async () => (await voice.captures()).filter(capture => capture.state === 'complete').length >= 2, {timeoutMs: 90_000, intervalMs: 250});
		t.diagnostic(voice.recorder.lines.join('\n'));
		const second = (await voice.captures())[1]!;
		const wav = await readWav(second.path);
		// It begins a second before the next jfk.wav (the 3 s of silence before it are digital zeros), not
		// in the middle of the speech that went on after the stop.
		const firstSound = (data: Float32Array): number => {
			let frame = 0;
			while (data[frame * 2] === 0 && data[frame * 2 + 1] === 0) {
				frame++;
			}
			return frame;
		};
		const lead = firstSound(speech.data);
		const first = firstSound(wav.data) - lead;
		assert.ok(first > 0.5 * rate && first < 0.9 * rate, `capture 002 has ${(first / rate).toFixed(3)} s of silence before its speech, not about 0.68 s`);
		for (let i = 0; i < 4800 * 2; i++) {
			assert.equal(wav.data[first * 2 + i], speech.data[i], `capture 002 is not jfk.wav from its start (sample ${i})`);
		}
	});
});
