/**
 * How the screen is divided for a terminal size. Pure. Ink redraws the whole screen (and flickers) once
 * its output is as tall as the terminal, and a line wider than the terminal wraps and garbles the redraw:
 * so every part gets a height and a width from here, and nothing is left to wrap.
 */
export type ScreenLayout = {
	readonly columns: number;
	/**
	 * The screen's height: one row less than the terminal's, so Ink redraws in place. Always this tall
	 * (the session panel takes what is left), which puts the top of the screen on the terminal's first
	 * row: the meter painter relies on that.
	 */
	readonly frameRows: number;
	/** The screen row (from 0) of the pre-roll gauge, under the banner; the meters follow it. */
	readonly prerollRow: number;
	/** The screen row (from 0) of the first meter. */
	readonly meterTop: number;
	/** Width of labels in front of the bars (`pre-roll`, `in_1`). */
	readonly labelWidth: number;
	/** Cells in a meter bar (and the pre-roll bar). */
	readonly meterCells: number;
	/** The `-12.3 dB` after each meter. */
	readonly meterNumbers: boolean;
	/** ` CLIP` after the bar; without room, the bar's end bracket becomes `!`. */
	readonly clipWord: boolean;
	readonly meterScale: boolean;
	/** How many channels get a meter row (all of them, unless the terminal is very short). */
	readonly meterRows: number;
	readonly bannerBorder: boolean;
	readonly statusLine: boolean;
	/** Rows for the notices above the status line (what they need, up to `maxNoticeRows`, where there is room). */
	readonly noticeRows: number;
	/** Capture rows the session panel may use. */
	readonly sessionRows: number;
	/** Rows for a full-screen pane (transcript, port picker) between the banner and the help line. */
	readonly paneRows: number;
};

export const maxMeterCells = 50;
const minMeterCells = 4;
export const prerollLabel = 'pre-roll';

/** The most rows notices take from the session panel; older ones show as newer ones are dismissed. */
export const maxNoticeRows = 4;

/** `noticeRows`: the rows the notices would need (see `noticeRows` in ui-status.ts). */
export const planLayout = (columns: number, rows: number, channels: number, noticeRows = 0): ScreenLayout => {
	const width = Math.max(10, columns);
	const labelWidth = prerollLabel.length;
	// " label [bar] CLIP -12.3 dB": 1 + label + 1 + 2 brackets, then 5 + 9.
	let meterNumbers = true;
	let clipWord = true;
	const cellsFor = (): number => width - (1 + labelWidth + 1 + 2 + (clipWord ? 5 : 0) + (meterNumbers ? 9 : 0));
	if (cellsFor() < 12) {
		meterNumbers = false;
	}
	if (cellsFor() < 8) {
		clipWord = false;
	}
	const meterCells = Math.min(maxMeterCells, Math.max(minMeterCells, cellsFor()));

	// Ink needs one row free below the output to redraw in place.
	const available = Math.max(1, rows - 1);
	// Always: banner label + detail, pre-roll, inputs line, session header, help.
	const fixed = 2 + 1 + 1 + 1 + 1;
	const meterRows = Math.max(1, Math.min(channels, available - fixed));
	let left = available - fixed - meterRows;
	const take = (wanted: number): number => {
		const got = Math.max(0, Math.min(wanted, left));
		left -= got;
		return got;
	};
	let sessionRows = take(3);
	const bannerBorder = left >= 2 && take(2) === 2;
	const meterScale = meterCells >= 8 && take(1) === 1;
	const statusLine = take(1) === 1;
	const noticesGet = take(Math.min(noticeRows, maxNoticeRows));
	sessionRows += take(Number.POSITIVE_INFINITY);
	// A pane (transcript, port picker) takes the place of the inputs line and the session panel.
	const paneRows = sessionRows + 2;
	return {
		columns: width,
		frameRows: available,
		// Banner: two lines, inside a border when there is room; then the pre-roll line.
		prerollRow: bannerBorder ? 4 : 2,
		meterTop: (bannerBorder ? 4 : 2) + 1,
		labelWidth,
		meterCells,
		meterNumbers,
		clipWord,
		meterScale,
		meterRows,
		bannerBorder,
		statusLine,
		noticeRows: noticesGet,
		sessionRows,
		paneRows,
	};
};
