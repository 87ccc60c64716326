/** A UTF-16 half with no other half: no UTF-8 encoding exists for it. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text from outside (a server's error, a request line) with every control character, C0, DEL and C1, as
 * a space: an escape sequence in it must not reach a terminal or a log as one (it could retitle the
 * window, clear the screen or write the clipboard). Bytes that were not UTF-8 are already U+FFFD when
 * decoded; a lone surrogate becomes one too, so what is written out is valid UTF-8.
 */
export const plainText = (text: string): string =>
	text.replaceAll(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replaceAll(loneSurrogate, '\uFFFD');

/**
 * `plainText` for text of several lines (a transcript, a document, a command's output): line breaks
 * are kept (CR LF and CR as LF, since a lone CR moves the cursor back over a line), tabs become spaces.
 */
export const plainLines = (text: string): string =>
	text
		.replaceAll(/\r\n?/g, '\n')
		.split('\n')
		.map(plainText)
		.join('\n');
