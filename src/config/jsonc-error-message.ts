import {ParseErrorCode} from 'jsonc-parser';

/**
 * What to tell a person about a config file jsonc-parser could not read: where (the first problem, as
 * an editor counts lines and columns), what was expected there, what was found, and the likely fix.
 */

/** 1-based line and column (UTF-16 units, as editors count for most text). */
export type TextPosition = {
	readonly line: number;
	readonly column: number;
};

/** `a`, `a.b`, `a[2]`: how key paths are written in positions and messages. */
export const formatKeyPath = (path: ReadonlyArray<PropertyKey>): string => {
	let out = '';
	for (const part of path) {
		if (typeof part === 'number') {
			out += `[${part}]`;
		} else {
			const name = String(part);
			out += out === '' ? name : `.${name}`;
		}
	}
	return out;
};

/** What the reader is waiting for next: a key, the ":" after it, a value, or the "," (or closing bracket) after one. */
export type Expect = 'key' | 'colon' | 'value' | 'comma';

/** An object or list being read: where it opened, what it holds so far, the last key read in it. */
export type Open = {
	readonly at: number;
	readonly value: Record<string, unknown> | unknown[];
	readonly path: PropertyKey[];
	key: string | undefined;
	expect: Expect;
	readonly keys: Map<string, TextPosition>;
};

/** Where an error is, and what was being read there. */
export type ErrorContext = {
	/** The object or list the error is in; undefined at the top. */
	readonly inside: Open | undefined;
	/** At the top: whether the one value has been read. */
	readonly topDone: boolean;
	/** The last number read: `01` and `12abc` are errors just past one. */
	readonly lastNumber: {readonly at: number; readonly end: number} | undefined;
	readonly positionAt: (offset: number) => TextPosition;
};

const wordPattern = /[\w$.+-]+/y;

/** Where an error is and what to say of it, from jsonc-parser's code and what was being read there. */
export const explainJsoncError = (text: string, code: ParseErrorCode, offset: number, length: number, context: ErrorContext): [number, string] => {
	const {inside, topDone, lastNumber} = context;
	const token = text.slice(offset, offset + length);
	const expect = inside?.expect ?? (topDone ? 'end' : 'value');
	if (code === ParseErrorCode.UnexpectedEndOfComment) {
		return [offset, 'a /* comment is not closed with */'];
	}
	if (lastNumber !== undefined && lastNumber.end === offset && /[\w$.+-]/.test(text[offset] ?? '')) {
		return [lastNumber.at, `expected a value, got ${wordAt(text, lastNumber.at)} (not a JSON number)`];
	}
	// A string where none may be (a stray quote) is that, before it is a bad string.
	if (token.startsWith('"') && (expect === 'value' || expect === 'key')) {
		const problem = stringProblem(text, code, offset, token);
		if (problem !== undefined) {
			return problem;
		}
	}
	// `true*`: the literal is fine; what follows it is not.
	const literal = expect === 'value' ? /^(?:true|false|null)(?![\w$])/.exec(token)?.[0] : undefined;
	if (literal !== undefined) {
		return expectation(text, offset + literal.length, inside === undefined ? 'end' : 'comma', context);
	}
	return expectation(text, offset, expect, context);
};

/** An unclosed string, a raw control character or a bad escape; undefined when the string is fine. */
const stringProblem = (text: string, code: ParseErrorCode, offset: number, token: string): [number, string] | undefined => {
	// eslint-disable-next-line no-control-regex
	const control = token.search(/[\u0000-\u0009\u000b\u000c\u000e-\u001f]/);
	if (control !== -1) {
		return [offset + control, 'a control character in a string must be escaped'];
	}
	if (code === ParseErrorCode.UnexpectedEndOfString) {
		const end = offset + token.length;
		return end < text.length ? [end, 'a string is not closed with " before the end of the line'] : [offset, 'a string is not closed with "'];
	}
	if (code === ParseErrorCode.InvalidEscapeCharacter || code === ParseErrorCode.InvalidUnicode) {
		const escape = /\\(?!["\\/bfnrt]|u[\da-fA-F]{4})/.exec(token);
		return [offset + (escape?.index ?? 0), 'a bad escape in a string (use \\\\, \\", \\n, \\t or \\uXXXX)'];
	}
	return undefined;
};

/** What was expected at `offset` and what is there instead. */
const expectation = (text: string, offset: number, expect: Expect | 'end', {inside, positionAt}: ErrorContext): [number, string] => {
	const found = foundAt(text, offset);
	const atEnd = offset >= text.length;
	if (inside === undefined) {
		if (expect === 'end') {
			return [offset, `expected the end of the file after the value, got ${found}`];
		}
		return atEnd ? [offset, 'the file is empty: expected a JSON object'] : [offset, valueProblem(text, offset, found)];
	}
	const list = Array.isArray(inside.value);
	// Where a key or "}" (an item or "]") comes next, the end of the file means the bracket is missing.
	if (atEnd && (expect === 'key' || (list && expect === 'value'))) {
		const {line, column} = positionAt(inside.at);
		const [closing, opening] = list ? [']', '['] : ['}', '{'];
		return [offset, `the end of the file came before the "${closing}" that closes the "${opening}" at ${line}:${column}`];
	}
	switch (expect) {
		case 'key': {
			return [
				offset,
				text[offset] === "'" ? 'keys and strings need double quotes, not single quotes' : `expected a key in double quotes or "}", got ${found}`,
			];
		}
		case 'colon': {
			return [offset, `expected ":" after the key "${inside.key}", got ${found}`];
		}
		case 'value': {
			return [offset, valueProblem(text, offset, found)];
		}
		default: {
			return [offset, list ? `expected "," or "]" after a list item, got ${found}` : `expected "," or "}" after the value of "${inside.key}", got ${found}`];
		}
	}
};

/** Where a value should be: what is there instead, and the likely fix. */
const valueProblem = (text: string, offset: number, found: string): string => {
	const char = text[offset] ?? '';
	if (char === "'") {
		return 'strings need double quotes, not single quotes';
	}
	if (char === '-' || (char >= '0' && char <= '9')) {
		return `expected a value, got ${found} (not a JSON number)`;
	}
	return /[\w$]/.test(char) ? `expected a value, got ${found} (put text in double quotes)` : `expected a value, got ${found}`;
};

const wordAt = (text: string, offset: number): string => {
	wordPattern.lastIndex = offset;
	return wordPattern.exec(text)?.[0] ?? JSON.stringify(text[offset]);
};

/** What is at `offset`, for "got ..." in a message. */
const foundAt = (text: string, offset: number): string => {
	if (offset >= text.length) {
		return 'the end of the file';
	}
	if (text[offset] === '"') {
		// Most often the next key after a missing comma: show it whole.
		const string = /^"(?:[^"\\\n]|\\.){0,40}"/.exec(text.slice(offset, offset + 64))?.[0];
		if (string !== undefined) {
			return string;
		}
	}
	return wordAt(text, offset);
};
