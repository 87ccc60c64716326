import fs from 'node:fs/promises';
import path from 'node:path';
import type {JackServer} from './jack-server.js';
import {RecorderProcess} from './recorder-process.js';
import {startSignalPlayer} from './signal-player.js';
import {whisperTestEnv} from './whisper.js';

export type RecordedCapture = {readonly index: number; readonly file: string; readonly state: string; readonly path: string; readonly prerollFrames: number; readonly transcript?: {status: string; reason?: string}};

let counter = 0;

/**
 * omega13 in `--trigger voice|both` (or as `args` say) on `server`, under its own JACK name and sessions
 * directory, with a player feeding `signal` into both its inputs. `args` come after the defaults, so
 * they win (e.g. `--transcribe` over the default `--no-transcribe`).
 */
export const startVoiceRecorder = async (server: JackServer, root: string, args: readonly string[], signal: 'counter' | `wav:${string}`) => {
	const jackName = `voice${process.pid}x${++counter}`;
	const sessionsDir = path.join(root, jackName);
	const recorder = await RecorderProcess.start({
		env: whisperTestEnv(server.env as Record<string, string>, {silero: true}),
		jackName,
		args: ['--sessions-dir', sessionsDir, '--connect', 'none', '--no-transcribe', '--hotkey', 'off', ...args],
	});
	const player = await startSignalPlayer({server, signal, channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]});
	const captures = async (): Promise<RecordedCapture[]> => {
		const [session] = await fs.readdir(sessionsDir).catch(() => []);
		if (session === undefined) {
			return [];
		}
		// The directory comes a moment before its manifest.
		const text = await fs.readFile(path.join(sessionsDir, session, 'session.json'), 'utf8').catch(() => '{"captures": []}');
		const manifest = JSON.parse(text) as {captures: Array<Omit<RecordedCapture, 'path'>>};
		return manifest.captures.map(capture => ({...capture, path: path.join(sessionsDir, session, capture.file)}));
	};
	return {
		recorder,
		player,
		captures,
		sessionsDir,
		async dispose() {
			await player.stop().catch(() => undefined);
			await recorder.dispose();
		},
	};
};
