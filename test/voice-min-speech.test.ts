/**
 * `--voice-min-speech` on a real JACK server with the real Silero VAD: speech starts a capture as soon as
 * Silero hears it, and a capture that held less speech than the minimum is dropped when it ends (its
 * file and record go), with a line that says why.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {startJackServer, type JackServer} from './helpers/jack-server.js';
import {startVoiceRecorder} from './helpers/voice-recorder.js';
import {buildTrack} from './helpers/sox-track.js';

const rate = 48_000;

let server: JackServer;
let root: string;
let trackPath: string;

before(async () => {
	server = await startJackServer({rate, period: 256, sync: true});
	root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-min-speech-'));
	// "And so my fellow Americans": about 2.4 s of speech, under a 4 s minimum.
	trackPath = await buildTrack(root, [{silence: 4}, {jfk: {seconds: 2.9}}, {silence: 4}], rate);
});
after(async () => {
	await server?.stop();
	await fs.rm(root, {recursive: true, force: true});
});

describe('--voice-min-speech', () => {
	it('drops a capture that held less speech than the minimum, file and record, and says why', async t => {
		const voice = await startVoiceRecorder(server, root, ['--trigger', 'voice', '--buffer-seconds', '3', '--voice-min-speech', '4'], `wav:${trackPath}`);
		t.after(async () => voice.dispose());
		const started = await voice.recorder.waitForLine(/capture 001 started/, 60_000);
		const dropped = await voice.recorder.waitForLine(/voice: \d+\.\d\d s of speech is under the 4 s minimum \(--voice-min-speech\): capture 001 dropped/, 60_000);
		t.diagnostic(voice.recorder.lines.join('\n'));
		const seconds = Number(/voice: (\d+\.\d\d) s of speech/.exec(dropped)![1]);
		assert.ok(seconds > 1.5 && seconds < 4, `${seconds} s of speech counted`);
		const wav = /-> (.*001\.wav)$/.exec(started)![1]!;
		// Told once both are gone.
		await assert.rejects(fs.access(wav), `${wav} is still there`);
		const status = await voice.recorder.control('status');
		const manifest = JSON.parse(await fs.readFile(path.join(path.dirname(wav), 'session.json'), 'utf8')) as {captures: unknown[]};
		assert.deepEqual(manifest.captures, [], 'the record went with the file');
		assert.equal(status.status?.state, 'idle');
	});
});
