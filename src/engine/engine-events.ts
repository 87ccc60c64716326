import type {GapCause} from './audio-source.js';
import type {CaptureStatus, FinishedCapture} from './engine-snapshot.js';
import type {Frames} from '../util/units.js';

/** Things worth a line in headless mode or a notice on screen. */
export type EngineEvent =
	| {readonly type: 'capture-started'; readonly capture: Extract<CaptureStatus, {kind: 'recording'}>}
	| {readonly type: 'capture-saved'; readonly capture: FinishedCapture}
	| {readonly type: 'capture-refused'; readonly reason: string}
	| {readonly type: 'capture-failed'; readonly reason: string; readonly path: string | undefined}
	| {readonly type: 'xrun'; readonly total: number}
	/**
	 * Frames that never arrived were filled with silence (in the capture too, `capture` its number), or,
	 * past `longGapFrames`, ended the capture and began a new stream.
	 */
	| {readonly type: 'gap'; readonly frames: Frames; readonly cause: GapCause; readonly total: Frames; readonly capture: number | undefined; readonly filled: boolean}
	| {readonly type: 'source-stopped'; readonly reason: string}
	| {readonly type: 'source-started'; readonly name: string};

export type EngineEventListener = (event: EngineEvent) => void;
