import type {CaptureRecord} from '../../src/session/session-manifest.js';

/**
 * A manifest record of a capture still recording, 48 kHz stereo float with 13 s of pre-roll, as
 * `Session.addCapture` gets it; override any part.
 */
export const captureRecord = (index: number, overrides: Partial<CaptureRecord> = {}): CaptureRecord => ({
	index,
	file: `${String(index).padStart(3, '0')}.wav`,
	state: 'recording',
	startedAt: '2025-11-23T10:00:00.000Z',
	triggeredAt: '2025-11-23T10:00:13.000Z',
	frames: 624_000,
	durationSeconds: 13,
	channels: 2,
	sampleRate: 48_000,
	sampleFormat: 'float32',
	prerollFrames: 624_000,
	droppedFrames: 0,
	...overrides,
});
