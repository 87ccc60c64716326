/**
 * Text from outside (a server's error, a request line) with every control character, C0, DEL and C1, as
 * a space: an escape sequence in it must not reach a terminal or a log as one (it could retitle the
 * window, clear the screen or write the clipboard).
 */
export const plainText = (text: string): string => text.replaceAll(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
