import {plainLines} from './plain-text.js';

/**
 * Word-wraps text into lines of at most `width` characters; words longer than a line are cut. Paragraph
 * breaks are kept. Pure, so the transcript pane can scroll by line. Control characters are dropped
 * first: they have no width, and an escape sequence must not reach the terminal.
 */
export const wrapLines = (text: string, width: number): string[] => {
	const lineWidth = Math.max(1, Math.floor(width));
	const lines: string[] = [];
	for (const paragraph of plainLines(text).split('\n')) {
		let line = '';
		for (const word of paragraph.split(/\s+/).filter(Boolean)) {
			let rest = [...word];
			if (line !== '' && [...line].length + 1 + rest.length <= lineWidth) {
				line += ` ${word}`;
				continue;
			}
			if (line !== '') {
				lines.push(line);
				line = '';
			}
			while (rest.length > lineWidth) {
				lines.push(rest.slice(0, lineWidth).join(''));
				rest = rest.slice(lineWidth);
			}
			line = rest.join('');
		}
		lines.push(line);
	}
	return lines;
};
