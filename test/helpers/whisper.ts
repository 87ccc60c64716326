import {execFile} from 'node:child_process';
import {mkdirSync, mkdtempSync, symlinkSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {Session} from '../../src/session/session.js';
import type {TranscriptState} from '../../src/session/transcript-state.js';
import {TranscriptionQueue, type TranscriptionQueueOptions} from '../../src/transcribe/transcription-queue.js';
import {readWavInfo} from '../../src/wav/wav-reader.js';
import {modelFileName} from '../../src/transcribe/model-resolve.js';
import {sileroModelName} from '../../src/transcribe/model-catalog.js';
import {sileroModel} from './fixtures.js';

export {jfkWav, repoRoot, sileroModel, testModel} from './fixtures.js';

/**
 * A models directory of the test's own (never the user's): empty, or with the Silero fixture under
 * whisper.cpp's file name, where omega13 finds it and turns VAD on.
 */
export const testModelsDir = (options: {silero?: boolean} = {}): string => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'omega13-models-'));
	mkdirSync(dir, {recursive: true});
	if (options.silero === true) {
		symlinkSync(sileroModel, path.join(dir, modelFileName(sileroModelName)));
	}
	return dir;
};

/** The environment transcription runs with in tests: its own models directory, no key from the caller's shell. */
export const whisperTestEnv = (extra: Record<string, string> = {}, options: {silero?: boolean} = {}): NodeJS.ProcessEnv => ({
	...process.env,
	OMEGA13_MODELS_DIR: testModelsDir(options),
	OMEGA13_ENGINE_KEY: '',
	OPENAI_API_KEY: '',
	...extra,
});

/** `OMEGA13_WHISPER_MODEL` names a real model for recognition tests; otherwise they skip saying why. */
export const realModel = (): string | undefined => {
	const value = process.env['OMEGA13_WHISPER_MODEL'];
	return value !== undefined && value.length > 0 ? value : undefined;
};

const run = promisify(execFile);

/**
 * Turns `source` into a capture the way the recorder writes them (sox converts, so the resampler under
 * test is not the one making its own input): 48 kHz stereo float by default.
 */
export const writeCaptureWav = async (source: string, target: string, options: {rate?: number; channels?: number} = {}): Promise<void> => {
	const {rate = 48_000, channels = 2} = options;
	await run('sox', [source, '-r', String(rate), '-c', String(channels), '-e', 'floating-point', '-b', '32', target]);
};

/**
 * A session directory made by hand with the session module: one capture per source WAV, each recorded
 * as complete. Returns the closed session's directory.
 */
export const makeSession = async (root: string, sources: readonly string[], options: {rate?: number; channels?: number} = {}): Promise<string> => {
	const session = await Session.create(root);
	try {
		let startedAt = Date.parse('2025-11-23T14:05:09Z');
		for (const source of sources) {
			const {index, file, path: target} = session.nextCapture('wav');
			await writeCaptureWav(source, target, options);
			const info = await readWavInfo(target);
			await session.addCapture({
				index,
				file,
				state: 'complete',
				startedAt: new Date(startedAt).toISOString(),
				triggeredAt: new Date(startedAt + 13_000).toISOString(),
				endedAt: new Date(startedAt + (info.frames / info.sampleRate) * 1000).toISOString(),
				frames: info.frames,
				durationSeconds: info.frames / info.sampleRate,
				channels: info.channels,
				sampleRate: info.sampleRate,
				sampleFormat: 'float32',
				prerollFrames: 0,
				droppedFrames: 0,
			});
			startedAt += 60_000;
		}
		return session.dir;
	} finally {
		await session.dispose();
	}
};

/** Runs a session's captures (all, or those named) through a fresh queue; their final states, in order. */
export const transcribeWithQueue = async (dir: string, options: TranscriptionQueueOptions, indices?: readonly number[]): Promise<TranscriptState[]> => {
	const session = await Session.open(dir);
	const queue = new TranscriptionQueue(options);
	try {
		const chosen = indices ?? session.manifest.captures.map((capture) => capture.index);
		return await Promise.all(chosen.map((index) => queue.enqueue(session, index)));
	} finally {
		await queue.dispose();
		await session.dispose();
	}
};
