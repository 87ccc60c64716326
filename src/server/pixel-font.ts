/**
 * A 3x5 pixel font for the waveform's time labels: digits, ':' and the letters a label needs. Text in a
 * PNG without a font library or a browser (pngjs draws pixels only).
 */
const glyphs: Readonly<Record<string, readonly string[]>> = {
	'0': ['###', '#.#', '#.#', '#.#', '###'],
	'1': ['.#.', '##.', '.#.', '.#.', '###'],
	'2': ['###', '..#', '###', '#..', '###'],
	'3': ['###', '..#', '.##', '..#', '###'],
	'4': ['#.#', '#.#', '###', '..#', '..#'],
	'5': ['###', '#..', '###', '..#', '###'],
	'6': ['###', '#..', '###', '#.#', '###'],
	'7': ['###', '..#', '.#.', '.#.', '.#.'],
	'8': ['###', '#.#', '###', '#.#', '###'],
	'9': ['###', '#.#', '###', '..#', '###'],
	':': ['...', '.#.', '...', '.#.', '...'],
	'.': ['...', '...', '...', '...', '.#.'],
	'-': ['...', '...', '###', '...', '...'],
	' ': ['...', '...', '...', '...', '...'],
};

export const glyphWidth = 3;
export const glyphHeight = 5;

/** Width in pixels of `text` at `scale`, with one scaled pixel between glyphs. */
export const textWidth = (text: string, scale: number): number => Math.max(0, text.length * (glyphWidth + 1) - 1) * scale;

/** Calls `plot(x, y)` for every lit pixel of `text` with its top-left corner at (x, y). Unknown characters are blank. */
export const drawText = (text: string, x: number, y: number, scale: number, plot: (x: number, y: number) => void): void => {
	for (const [index, char] of [...text].entries()) {
		const rows = glyphs[char] ?? glyphs[' ']!;
		const left = x + index * (glyphWidth + 1) * scale;
		for (const [row, bits] of rows.entries()) {
			for (let column = 0; column < glyphWidth; column++) {
				if (bits[column] !== '#') {
					continue;
				}
				for (let dy = 0; dy < scale; dy++) {
					for (let dx = 0; dx < scale; dx++) {
						plot(left + column * scale + dx, y + row * scale + dy);
					}
				}
			}
		}
	}
};
