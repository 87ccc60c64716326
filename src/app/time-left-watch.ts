import type {AudioEngine} from '../engine/audio-engine.js';
import type {SessionCaptures} from '../session/session-captures.js';
import {formatElapsed} from '../util/time-format.js';
import type {Reporter} from './reporter.js';

/** Below this, the time a capture has left on the disk is shown (as Audacity does). */
export const timeLeftShownBelowSeconds = 600;
const noticeKey = 'time left';

/**
 * While a capture runs, checks every few seconds how long it can go on before the disk (or the file size
 * limit) is full, and keeps that on screen as a notice when it is under ten minutes.
 */
export class TimeLeftWatch {
	readonly #timer: NodeJS.Timeout;
	#shown = false;
	#checking = false;

	constructor(
		readonly engine: Pick<AudioEngine, 'getSnapshot' | 'source'>,
		readonly captures: Pick<SessionCaptures, 'secondsLeft' | 'bytesPerSecond'>,
		readonly report: Reporter,
		intervalMs = 2000,
	) {
		this.#timer = setInterval(() => {
			void this.check();
		}, intervalMs);
		this.#timer.unref();
	}

	/** One look at the disk (the timer calls it; tests too). */
	async check(): Promise<void> {
		if (this.#checking) {
			return;
		}
		this.#checking = true;
		try {
			const {capture} = this.engine.getSnapshot();
			const {source} = this.engine;
			if (capture.kind !== 'recording') {
				this.#hide();
				return;
			}
			const rate = {sampleRate: source.sampleRate, channels: source.channels};
			const fileBytes = (capture.frames / source.sampleRate) * this.captures.bytesPerSecond(rate);
			const left = await this.captures.secondsLeft(fileBytes, rate).catch(() => Number.POSITIVE_INFINITY);
			if (left >= timeLeftShownBelowSeconds) {
				this.#hide();
				return;
			}
			this.#shown = true;
			this.report.notice(noticeKey, `recording time left: ${formatElapsed(left)} before the disk is full`);
		} finally {
			this.#checking = false;
		}
	}

	dispose(): void {
		clearInterval(this.#timer);
		this.#hide();
	}

	#hide(): void {
		if (this.#shown) {
			this.#shown = false;
			this.report.resolve(noticeKey);
		}
	}
}
