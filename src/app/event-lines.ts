import type {EngineEvent} from '../engine/engine-events.js';
import {framesToSeconds} from '../util/units.js';
import {captureNumber} from '../session/session.js';

/** One line per engine event, as headless mode prints it and the TUI's status line shows it. */
export const eventLine = (event: EngineEvent, sampleRate: number): string | undefined => {
	switch (event.type) {
		case 'capture-started': {
			const {capture} = event;
			const preroll = framesToSeconds(capture.prerollFrames, sampleRate).toFixed(2);
			return `capture ${captureNumber(capture.index)} started: pre-roll ${preroll} s -> ${capture.path}`;
		}
		case 'capture-saved': {
			const {capture} = event;
			const dropped = capture.droppedFrames > 0 ? `, ${capture.droppedFrames} frames dropped` : '';
			return `capture ${captureNumber(capture.index)} saved: ${capture.duration.toFixed(2)} s (${capture.frames} frames${dropped}) -> ${capture.path}`;
		}
		case 'capture-refused': {
			return `capture refused: ${event.reason}`;
		}
		case 'capture-failed': {
			return `capture failed: ${event.reason}`;
		}
		case 'xrun': {
			// Dozens a minute on a loaded machine: XrunSummary tells them, once a minute at most.
			return undefined;
		}
		case 'frames-dropped': {
			return `warning: ${event.frames} frames dropped because omega13 fell behind (${event.total} so far)`;
		}
		case 'source-stopped': {
			return `audio source stopped: ${event.reason}`;
		}
		case 'source-started': {
			return `audio source ${event.name} started`;
		}
	}
};
