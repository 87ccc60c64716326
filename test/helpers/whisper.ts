import {execFile} from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {Session} from '../../src/session/session.js';
import {readWavInfo} from '../../src/wav/wav-reader.js';
import {ensureWhisperBuilt, type WhisperBinaries} from '../../src/transcribe/whisper-build.js';

export {jfkWav, repoRoot, testModel} from './fixtures.js';

/**
 * The environment the tests build and run whisper.cpp with: one shared build directory for the whole
 * test run (and for CI), `OMEGA13_WHISPER_DIR` if set, else under the temp dir, reused once built.
 */
export const whisperTestEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
	...process.env,
	OMEGA13_WHISPER_DIR: process.env['OMEGA13_WHISPER_DIR'] ?? path.join(os.tmpdir(), 'omega13-whisper-build'),
	...extra,
});

/** Builds whisper.cpp once (about 100 s on 2 cores the first time), printing progress as TAP comments. */
export const testWhisper = (): Promise<WhisperBinaries> =>
	ensureWhisperBuilt({
		env: whisperTestEnv({OMEGA13_WHISPER_BIN: ''}),
		onProgress: (progress) => console.log(`# whisper.cpp build: ${progress.message}`),
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
