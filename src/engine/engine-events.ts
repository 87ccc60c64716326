import type {CaptureStatus, FinishedCapture} from './engine-snapshot.js';
import type {Frames} from '../util/units.js';

/** Things worth a line in headless mode or a notice on screen. */
export type EngineEvent =
	| {readonly type: 'capture-started'; readonly capture: Extract<CaptureStatus, {kind: 'recording'}>}
	| {readonly type: 'capture-saved'; readonly capture: FinishedCapture}
	| {readonly type: 'capture-refused'; readonly reason: string}
	| {readonly type: 'capture-failed'; readonly reason: string; readonly path: string | undefined}
	| {readonly type: 'xrun'; readonly total: number}
	| {readonly type: 'frames-dropped'; readonly frames: Frames; readonly total: Frames}
	| {readonly type: 'source-stopped'; readonly reason: string}
	| {readonly type: 'source-started'; readonly name: string};

export type EngineEventListener = (event: EngineEvent) => void;
