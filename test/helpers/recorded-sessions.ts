import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {encodeCapture} from '../../src/session/encode-capture.js';
import type {CaptureRecord} from '../../src/session/session-manifest.js';
import {Session} from '../../src/session/session.js';
import type {TranscriptState} from '../../src/session/transcript-state.js';
import {WavWriter} from '../../src/wav/wav-writer.js';

/** Run the tests that use these in UTC, so local times in the output are fixed. */
export const utc = (iso: string): Date => new Date(iso);

type CaptureSpec = {
	readonly startedAt: string;
	readonly seconds: number;
	readonly state?: CaptureRecord['state'];
	readonly transcript?: TranscriptState;
	/** Written as `NNN.txt`. */
	readonly txt?: string;
	/** Written as `NNN.json`. */
	readonly json?: unknown;
	/** Encode to FLAC after recording (the manifest keeps naming the WAV, as it does today). */
	readonly flac?: boolean;
};

/**
 * A session made with the real `Session` and `WavWriter`: 48 kHz stereo float captures of a quiet ramp,
 * with their records, transcript states and transcript files. Disposed before it returns unless `keepOpen`.
 */
export const recordSession = async (
	root: string,
	createdAt: string,
	captures: readonly CaptureSpec[],
	options: {keepOpen?: boolean} = {},
): Promise<Session> => {
	const session = await Session.create(root, {now: utc(createdAt)});
	for (const spec of captures) {
		const slot = session.nextCapture();
		const frames = Math.round(spec.seconds * 48_000);
		const writer = await WavWriter.create(slot.path, {sampleRate: 48_000, channels: 2});
		const data = new Float32Array(frames * 2);
		for (let i = 0; i < data.length; i++) {
			data[i] = ((i % 200) - 100) / 1000;
		}
		writer.append(data);
		await writer.finalize();
		const started = utc(spec.startedAt);
		await session.addCapture({
			index: slot.index,
			file: slot.file,
			state: spec.state ?? 'complete',
			startedAt: started.toISOString(),
			triggeredAt: new Date(started.getTime() + 1000).toISOString(),
			...(spec.state === 'recording' ? {} : {endedAt: new Date(started.getTime() + spec.seconds * 1000).toISOString()}),
			frames,
			durationSeconds: spec.seconds,
			channels: 2,
			sampleRate: 48_000,
			sampleFormat: 'float32',
			prerollFrames: 48_000,
			droppedFrames: 0,
			...(spec.transcript === undefined ? {} : {transcript: spec.transcript}),
		});
		const base = slot.file.replace(/\.wav$/, '');
		if (spec.txt !== undefined) {
			await writeFile(path.join(session.dir, `${base}.txt`), spec.txt, {mode: 0o600});
		}
		if (spec.json !== undefined) {
			await writeFile(path.join(session.dir, `${base}.json`), JSON.stringify(spec.json), {mode: 0o600});
		}
		if (spec.flac === true) {
			await encodeCapture(slot.path, {format: 'flac'});
		}
	}
	if (options.keepOpen !== true) {
		await session.dispose();
	}
	return session;
};

/** The sessions the describe and export tests share. */
export const recordSampleSessions = async (root: string): Promise<void> => {
	await recordSession(root, '2025-11-23T14:05:00Z', [
		{
			startedAt: '2025-11-23T14:05:00Z',
			seconds: 2,
			transcript: {status: 'done', model: 'base.en', text: 'Hello there.', files: {txt: '001.txt', json: '001.json'}},
			txt: 'Hello there.\n',
			json: {segments: [{start: 0, end: 0.8, text: ' Hello'}, {start: 0.8, end: 1.9, text: ' there.'}]},
		},
		{
			startedAt: '2025-11-23T14:06:30Z',
			seconds: 1.5,
			transcript: {status: 'failed', model: 'base.en', reason: 'model not found at /m/ggml-base.en.bin'},
		},
		{
			startedAt: '2025-11-23T14:08:00Z',
			seconds: 1.25,
			transcript: {status: 'done', model: 'base.en', text: 'Third capture.'},
			flac: true,
		},
	]);
	await recordSession(root, '2025-11-24T09:00:00Z', []);
	await recordSession(root, '2025-11-24T10:00:00Z', [{startedAt: '2025-11-24T10:00:00Z', seconds: 1, transcript: {status: 'queued'}}]);
};
