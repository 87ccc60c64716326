import chalk from 'chalk';
import type {ChannelLevel, EngineSnapshot} from '../engine/engine-snapshot.js';
import type {EpochMs} from '../util/units.js';
import type {EngineStore} from './engine-store.js';
import {planLayout, type ScreenLayout} from './layout.js';
import {meterRow, prerollRow, shownLevels, type MeterSegment} from './meter-row.js';
import {nextPeakHold, type PeakHold} from './peak-hold.js';
import type {TerminalSize} from './use-terminal-size.js';

export type MeterPainterOptions = {
	readonly engine: EngineStore;
	/** The terminal itself, not the stream Ink writes through (that one reports back here). */
	readonly write: (text: string) => void;
	readonly size: () => TerminalSize;
	/** @default Date.now */
	readonly clock?: () => EpochMs;
};

const saveCursor = '\u001B7';
const restoreCursor = '\u001B8';
const eraseToEnd = '\u001B[K';
const moveTo = (row: number): string => `\u001B[${row + 1};1H`;

const toAnsi = (segments: readonly MeterSegment[]): string =>
	segments
		.map(({text, color, bold}) => {
			if (text === '') {
				return '';
			}
			const colored = color ? chalk[color](text) : text;
			return bold ? chalk.bold(colored) : colored;
		})
		.join('');

/**
 * Draws the pre-roll gauge and the meter rows straight onto the terminal at each engine update (15 a
 * second in the app), while Ink redraws the rest of the screen only when something else changes. Ink rebuilds its whole frame for any change (about 5 ms at
 * 80x24), which at the meters' rate cost 12 % of a core; a painted row costs a few microseconds.
 *
 * It works because the screen is always `layout.frameRows` tall, one row less than the terminal, so
 * Ink's frame starts on the terminal's first row: the gauge is on terminal row `layout.prerollRow`,
 * meter `i` on `layout.meterTop + i`.
 * Each row is written with the cursor saved and restored, so Ink's own cursor bookkeeping (it erases its
 * frame upwards from where it left the cursor) is untouched. After every frame Ink writes (reported
 * through `inkWrote`), the rows are painted again, over Ink's possibly older copy of them. Until Ink
 * has drawn a frame of the expected height for the terminal's current size (after a resize, say),
 * nothing is painted rather than something in the wrong place.
 */
export class MeterPainter {
	readonly #options: MeterPainterOptions;
	readonly #clock: () => EpochMs;
	readonly #unsubscribe: () => void;
	#levels: readonly ChannelLevel[] = [];
	#holds: PeakHold[] = [];
	#preroll = {filled: 0, total: 0};
	/** What each terminal row last showed, so an unchanged row is not written again. */
	#painted = new Map<number, string>();
	/** The terminal size Ink's last frame was drawn for, when that frame had the planned height. */
	#frame: TerminalSize | undefined;
	#disposed = false;

	constructor(options: MeterPainterOptions) {
		this.#options = options;
		this.#clock = options.clock ?? Date.now;
		this.#unsubscribe = options.engine.subscribe(() => {
			this.#take(options.engine.getSnapshot());
			this.#paint();
		});
		this.#take(options.engine.getSnapshot());
	}

	/** Everything Ink writes to the terminal comes here after it was written. */
	inkWrote(text: string): void {
		if (this.#disposed) {
			return;
		}
		// Frames end in a line break; cursor and synchronized-output codes have none.
		const lines = text.split('\n').length - 1;
		if (lines === 0) {
			return;
		}
		const size = this.#options.size();
		this.#frame = lines === this.#layout(size).frameRows ? {columns: size.columns, rows: size.rows} : undefined;
		this.#painted.clear();
		this.#paint();
	}

	/** Stops painting; Ink's last frame stays as it is. Idempotent. */
	dispose(): void {
		if (this.#disposed) {
			return;
		}
		this.#disposed = true;
		this.#unsubscribe();
	}

	#layout(size: TerminalSize): ScreenLayout {
		return planLayout(size.columns, size.rows, this.#levels.length);
	}

	#take(snapshot: EngineSnapshot): void {
		this.#preroll = {filled: snapshot.bufferFilledSeconds, total: snapshot.bufferSeconds};
		const levels = shownLevels(snapshot);
		if (levels === this.#levels) {
			return;
		}
		const now = this.#clock();
		const samePorts = levels.length === this.#levels.length && levels.every((level, channel) => level.port === this.#levels[channel]!.port);
		this.#holds = levels.map((level, channel) => nextPeakHold(samePorts ? this.#holds[channel] : undefined, level.peak, level.clipped, now));
		this.#levels = levels;
	}

	#paint(): void {
		const size = this.#options.size();
		const frame = this.#frame;
		if (this.#disposed || frame === undefined || frame.columns !== size.columns || frame.rows !== size.rows) {
			return;
		}
		const layout = this.#layout(size);
		const now = this.#clock();
		const rows: Array<[number, readonly MeterSegment[]]> = [
			[layout.prerollRow, prerollRow(this.#preroll.filled, this.#preroll.total, layout)],
			...this.#levels.slice(0, layout.meterRows).map((level, channel): [number, readonly MeterSegment[]] => [layout.meterTop + channel, meterRow(level, this.#holds[channel]!, layout, now)]),
		];
		let out = '';
		for (const [row, segments] of rows) {
			if (row >= layout.frameRows) {
				break;
			}
			const text = toAnsi(segments);
			if (this.#painted.get(row) !== text) {
				this.#painted.set(row, text);
				out += moveTo(row) + text + eraseToEnd;
			}
		}
		if (out !== '') {
			this.#options.write(saveCursor + out + restoreCursor);
		}
	}
}
