/** How often at most a line about xruns is told. */
const windowMs = 60_000;

const xruns = (count: number): string => `${count} xrun${count === 1 ? '' : 's'}`;

/**
 * Turns the engine's xrun reports into at most one line a minute: on a loaded machine the JACK server
 * reports dozens a minute, and one line each would bury everything else (and push a message that asks
 * the person to act off the TUI's status line). The first xrun after a quiet minute is told at once;
 * those that follow within the minute are counted and told together when it ends.
 */
export class XrunSummary {
	readonly #say: (line: string) => void;
	/** The engine's running total at the last report (it restarts at 0 with a new audio source). */
	#seen = 0;
	/** Xruns not told yet. */
	#pending = 0;
	/** Set while a minute that started with a line runs. */
	#timer: NodeJS.Timeout | undefined;
	#disposed = false;

	constructor(say: (line: string) => void) {
		this.#say = say;
	}

	/** The engine reports `total` xruns so far on its current source. */
	note(total: number): void {
		const added = total >= this.#seen ? total - this.#seen : total;
		this.#seen = total;
		if (added <= 0 || this.#disposed) {
			return;
		}
		if (this.#timer) {
			this.#pending += added;
			return;
		}
		this.#say(`${added === 1 ? 'xrun' : xruns(added)} reported by the JACK server (${total} so far); more are counted and told once a minute`);
		this.#startMinute();
	}

	/** Tells what is still counted, and stops the timer. Idempotent. */
	dispose(): void {
		if (this.#disposed) {
			return;
		}
		this.#disposed = true;
		clearTimeout(this.#timer);
		this.#timer = undefined;
		if (this.#pending > 0) {
			this.#say(`${xruns(this.#pending)} since the last report (${this.#seen} so far)`);
		}
	}

	#startMinute(): void {
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			if (this.#pending === 0) {
				return;
			}
			this.#say(`${xruns(this.#pending)} in the last minute (${this.#seen} so far)`);
			this.#pending = 0;
			this.#startMinute();
		}, windowMs);
		// A summary is not a reason to keep the process alive.
		this.#timer.unref();
	}
}
