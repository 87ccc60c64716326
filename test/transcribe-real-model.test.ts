import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {transcribeSession} from '../src/transcribe/transcribe-session.js';
import {jfkWav, makeSession, realModel, whisperTestEnv} from './helpers/whisper.js';

const normalize = (text: string): string => text.toLowerCase().replace(/[^a-z ]+/g, ' ').replace(/\s+/g, ' ');

for (const vad of [false, true]) {
	test(`a real model recognises jfk.wav through the whole pipeline (Silero VAD ${vad ? 'on' : 'off'})`, async (t) => {
		const model = realModel();
		if (model === undefined) {
			const why = 'OMEGA13_WHISPER_MODEL is not set: point it at a real ggml model (e.g. ggml-tiny.en.bin) to check recognition';
			console.log(`skipped: ${why}`);
			t.skip(why);
			return;
		}
		const root = await mkdtemp(path.join(os.tmpdir(), 'omega13-real-model-'));
		t.after(() => rm(root, {recursive: true, force: true}));
		const dir = await makeSession(root, [jfkWav]);
		const result = await transcribeSession(dir, {model, env: whisperTestEnv({}, {silero: vad})});
		const state = result.captures[0]!.state;
		assert.equal(state.status, 'done', state.reason);
		assert.match(normalize(state.text!), /ask not what your country can do for you/);
		const json = JSON.parse(await readFile(path.join(dir, '001.json'), 'utf8')) as {segments: Array<{start: number; end: number; text: string}>};
		assert.ok(json.segments.length > 0);
		for (const segment of json.segments) {
			assert.ok(segment.start >= 0 && segment.end > segment.start && segment.end <= 11.5, JSON.stringify(segment));
		}
		assert.match(normalize(await readFile(path.join(dir, 'transcript.md'), 'utf8')), /ask not what your country can do for you/);
	});
}
