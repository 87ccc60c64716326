/**
 * JSON with comments, as the config file is written: `//` and `/* *\/` comments and trailing commas are
 * allowed (a hand-edited file gets both). Our own small parser rather than stripping comments for
 * `JSON.parse`: V8's messages differ between Node versions and some give no position, while a person
 * fixing the file wants the line and column; and we need where every value is, to point at a bad one.
 */

/** 1-based line and column (UTF-16 units, as editors count for most text). */
export type TextPosition = {
	readonly line: number;
	readonly column: number;
};

export type JsoncDocument = {
	readonly value: unknown;
	/** Where each value starts, by key path (`bufferSeconds`, `inputs[1]`, `a.b`). */
	readonly valuePositions: ReadonlyMap<string, TextPosition>;
	/** Where each object key starts, by the key path it names. */
	readonly keyPositions: ReadonlyMap<string, TextPosition>;
};

/** The text is not JSON (with comments); `detail` says what was expected where. */
export class JsoncSyntaxError extends Error {
	override readonly name = 'JsoncSyntaxError';
	readonly line: number;
	readonly column: number;
	readonly detail: string;

	constructor(position: TextPosition, detail: string) {
		super(`${position.line}:${position.column}: ${detail}`);
		this.line = position.line;
		this.column = position.column;
		this.detail = detail;
	}
}

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

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const wordPattern = /[\w$.+-]+/y;

/** Parses JSONC text; throws `JsoncSyntaxError` at the first problem. */
export const parseJsonc = (text: string): JsoncDocument => {
	const lineStarts = [0];
	for (let i = 0; i < text.length; i++) {
		if (text.charCodeAt(i) === 10) {
			lineStarts.push(i + 1);
		}
	}
	const positionAt = (offset: number): TextPosition => {
		let low = 0;
		let high = lineStarts.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if (lineStarts[middle]! <= offset) {
				low = middle;
			} else {
				high = middle - 1;
			}
		}
		return {line: low + 1, column: offset - lineStarts[low]! + 1};
	};
	const fail = (offset: number, detail: string): never => {
		throw new JsoncSyntaxError(positionAt(offset), detail);
	};

	const valuePositions = new Map<string, TextPosition>();
	const keyPositions = new Map<string, TextPosition>();
	// A BOM is what some Windows editors put first; it is not part of the JSON.
	let at = text.charCodeAt(0) === 0xfe_ff ? 1 : 0;

	const skipBlank = (): void => {
		for (;;) {
			const char = text[at];
			if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
				at++;
			} else if (char === '/' && text[at + 1] === '/') {
				const end = text.indexOf('\n', at);
				at = end === -1 ? text.length : end + 1;
			} else if (char === '/' && text[at + 1] === '*') {
				const end = text.indexOf('*/', at + 2);
				if (end === -1) {
					fail(at, 'a /* comment is not closed with */');
				}
				at = end + 2;
			} else {
				return;
			}
		}
	};

	/** What is at `at`, for "got ..." in a message. */
	const found = (): string => {
		if (at >= text.length) {
			return 'the end of the file';
		}
		if (text[at] === '"') {
			// Most often the next key after a missing comma: show it whole.
			const string = /^"(?:[^"\\\n]|\\.){0,40}"/.exec(text.slice(at, at + 64))?.[0];
			if (string !== undefined) {
				return string;
			}
		}
		wordPattern.lastIndex = at;
		const word = wordPattern.exec(text)?.[0];
		if (word !== undefined) {
			return word;
		}
		return JSON.stringify(text[at]);
	};

	const parseString = (): string => {
		const start = at;
		at++;
		for (;;) {
			if (at >= text.length) {
				fail(start, 'a string is not closed with "');
			}
			const code = text.charCodeAt(at);
			if (code === 0x22) {
				break;
			}
			if (code === 0x5c) {
				at += 2;
				continue;
			}
			if (code < 0x20) {
				fail(at, code === 10 || code === 13 ? 'a string is not closed with " before the end of the line' : 'a control character in a string must be escaped');
			}
			at++;
		}
		at++;
		try {
			return JSON.parse(text.slice(start, at)) as string;
		} catch {
			const escape = /\\(?!["\\/bfnrt]|u[\da-fA-F]{4})/.exec(text.slice(start, at));
			return fail(start + (escape?.index ?? 0), 'a bad escape in a string (use \\\\, \\", \\n, \\t or \\uXXXX)');
		}
	};

	const parseValue = (path: PropertyKey[], depth: number): unknown => {
		skipBlank();
		if (depth > 64) {
			fail(at, 'values are nested more than 64 deep');
		}
		valuePositions.set(formatKeyPath(path), positionAt(at));
		const char = text[at];
		if (char === '{') {
			return parseObject(path, depth);
		}
		if (char === '[') {
			return parseArray(path, depth);
		}
		if (char === '"') {
			return parseString();
		}
		if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
			numberPattern.lastIndex = at;
			const match = numberPattern.exec(text);
			wordPattern.lastIndex = at;
			const word = wordPattern.exec(text)?.[0];
			if (match === null || (word !== undefined && word.length > match[0].length)) {
				fail(at, `expected a value, got ${found()} (not a JSON number)`);
			}
			at += match![0].length;
			return Number(match![0]);
		}
		for (const [literal, value] of [['true', true], ['false', false], ['null', null]] as const) {
			if (text.startsWith(literal, at) && !/[\w$]/.test(text[at + literal.length] ?? '')) {
				at += literal.length;
				return value;
			}
		}
		if (char === "'") {
			return fail(at, 'strings need double quotes, not single quotes');
		}
		if (char !== undefined && /[\w$]/.test(char)) {
			return fail(at, `expected a value, got ${found()} (put text in double quotes)`);
		}
		return fail(at, `expected a value, got ${found()}`);
	};

	const parseObject = (path: PropertyKey[], depth: number): Record<string, unknown> => {
		const open = at;
		at++;
		const object: Record<string, unknown> = {};
		const seen = new Map<string, TextPosition>();
		for (;;) {
			skipBlank();
			if (text[at] === '}') {
				at++;
				return object;
			}
			if (at >= text.length) {
				const {line, column} = positionAt(open);
				fail(at, `the end of the file came before the "}" that closes the "{" at ${line}:${column}`);
			}
			if (text[at] === "'") {
				fail(at, 'keys and strings need double quotes, not single quotes');
			}
			if (text[at] !== '"') {
				fail(at, `expected a key in double quotes or "}", got ${found()}`);
			}
			const keyAt = positionAt(at);
			const key = parseString();
			const previous = seen.get(key);
			if (previous !== undefined) {
				throw new JsoncSyntaxError(keyAt, `"${key}" is given twice (also at ${previous.line}:${previous.column})`);
			}
			seen.set(key, keyAt);
			keyPositions.set(formatKeyPath([...path, key]), keyAt);
			skipBlank();
			if (text[at] !== ':') {
				fail(at, `expected ":" after the key "${key}", got ${found()}`);
			}
			at++;
			// A "__proto__" key must be data, not a prototype change.
			Object.defineProperty(object, key, {value: parseValue([...path, key], depth + 1), enumerable: true, writable: true, configurable: true});
			skipBlank();
			if (text[at] === ',') {
				at++;
			} else if (text[at] !== '}') {
				fail(at, `expected "," or "}" after the value of "${key}", got ${found()}`);
			}
		}
	};

	const parseArray = (path: PropertyKey[], depth: number): unknown[] => {
		const open = at;
		at++;
		const array: unknown[] = [];
		for (;;) {
			skipBlank();
			if (text[at] === ']') {
				at++;
				return array;
			}
			if (at >= text.length) {
				const {line, column} = positionAt(open);
				fail(at, `the end of the file came before the "]" that closes the "[" at ${line}:${column}`);
			}
			array.push(parseValue([...path, array.length], depth + 1));
			skipBlank();
			if (text[at] === ',') {
				at++;
			} else if (text[at] !== ']') {
				fail(at, `expected "," or "]" after a list item, got ${found()}`);
			}
		}
	};

	skipBlank();
	if (at >= text.length) {
		fail(at, 'the file is empty: expected a JSON object');
	}
	const value = parseValue([], 0);
	skipBlank();
	if (at < text.length) {
		fail(at, `expected the end of the file after the value, got ${found()}`);
	}
	return {value, valuePositions, keyPositions};
};
