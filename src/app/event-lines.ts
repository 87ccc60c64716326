import type {EngineEvent} from '../engine/engine-events.js';
import {framesToSeconds} from '../util/units.js';
import {captureNumber} from '../session/session.js';
import type {GapCause} from '../engine/audio-source.js';

/** Gaps shorter than this are counted but not told one by one. */
const toldGapSeconds = 0.5;

const gapCauses: Record<GapCause, string> = {
	'missed-cycles': 'the JACK server ran without omega13, which was stopped or starved of CPU',
	'ring-overflow': 'omega13 fell further behind than its native ring holds',
};

const formatGap = (seconds: number): string => (seconds < 60 ? `${seconds.toFixed(2)} s` : `${(seconds / 60).toFixed(1)} min`);

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
			const ended = capture.ended === undefined ? '' : `, ended: ${capture.ended}`;
			return `capture ${captureNumber(capture.index)} saved: ${capture.duration.toFixed(2)} s (${capture.frames} frames${dropped}${ended}) -> ${capture.path}`;
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
		case 'gap': {
			const seconds = framesToSeconds(event.frames, sampleRate);
			// A period or two at an xrun is common on a loaded machine: counted (status, session.json), not told.
			if (event.filled && seconds < toldGapSeconds) {
				return undefined;
			}
			const what = `${formatGap(seconds)} of audio never arrived (${event.frames} frames: ${gapCauses[event.cause]})`;
			const capture = event.capture === undefined ? '' : ` in capture ${captureNumber(event.capture)}`;
			return event.filled
				? `warning: ${what}; filled with silence${capture}, so its times stay true (${event.total} frames so far)`
				: `warning: ${what}; too long to fill: ${capture === '' ? 'the ring starts again' : `capture ${captureNumber(event.capture!)} ends where the audio stopped`}`;
		}
		case 'source-stopped': {
			return `audio source stopped: ${event.reason}`;
		}
		case 'source-started': {
			return `audio source ${event.name} started`;
		}
	}
};
