import type {AudioEngine} from '../engine/audio-engine.js';
import type {AudioSource} from '../engine/audio-source.js';
import {eventLine} from './event-lines.js';
import type {Reporter} from './reporter.js';
import {XrunSummary} from './xrun-summary.js';

/** What the reporter needs of the engine: its events, and its current source's rate (for durations). */
export type ReportedEngine = Pick<AudioEngine, 'onEvent'> & {readonly source: Pick<AudioSource, 'sampleRate'>};

/** The notice a failed capture leaves until a capture is saved again. */
export const captureFailedNotice = 'capture';

/**
 * Tells the person about the engine's events: xruns summarized once a minute, a failed capture kept as
 * a notice until a capture is saved again (the failure usually needs a hand: a full disk, a lost
 * directory), everything else as one line each.
 */
export class EventReporter {
	readonly #unsubscribe: () => void;
	readonly #xruns: XrunSummary;

	constructor(engine: ReportedEngine, report: Reporter) {
		this.#xruns = new XrunSummary(report.say);
		this.#unsubscribe = engine.onEvent(event => {
			if (event.type === 'xrun') {
				this.#xruns.note(event.total);
				return;
			}
			const line = eventLine(event, engine.source.sampleRate);
			if (line === undefined) {
				return;
			}
			if (event.type === 'capture-failed') {
				report.notice(captureFailedNotice, line);
				return;
			}
			if (event.type === 'capture-saved' && event.capture.ended === undefined) {
				report.resolve(captureFailedNotice);
			}
			report.say(line);
		});
	}

	/** Stops listening and tells the xruns not told yet. Idempotent. */
	dispose(): void {
		this.#unsubscribe();
		this.#xruns.dispose();
	}
}
