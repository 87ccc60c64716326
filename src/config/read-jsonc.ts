import {ParseErrorCode, visit} from 'jsonc-parser';
import {explainJsoncError, formatKeyPath, type ErrorContext, type Open, type TextPosition} from './jsonc-error-message.js';

/**
 * JSON with comments, as the config file is written: `//` and `/* *\/` comments and trailing commas are
 * allowed (a hand-edited file gets both). jsonc-parser reads it; this turns its error codes into what a
 * person fixing the file needs (the line and column, what was expected there and what was found) and
 * keeps where every key and value is, to point at a bad one.
 */

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

const maxDepth = 64;

/** Parses JSONC text; throws `JsoncSyntaxError` at the first problem. */
export const parseJsonc = (input: string): JsoncDocument => {
	// A BOM is what some Windows editors put first; it is not part of the JSON (a space keeps the columns).
	const text = input.charCodeAt(0) === 0xfe_ff ? ` ${input.slice(1)}` : input;
	const positionAt = (offset: number): TextPosition => {
		const before = text.slice(0, offset);
		const lineStart = before.lastIndexOf('\n') + 1;
		return {line: before.split('\n').length, column: offset - lineStart + 1};
	};
	const valuePositions = new Map<string, TextPosition>();
	const keyPositions = new Map<string, TextPosition>();
	const stack: Open[] = [];
	let root: unknown;
	let topDone = false;
	let lastNumber: ErrorContext['lastNumber'];
	/** The object or list that just ended: jsonc-parser ends one before it says that its "}" or "]" is missing. */
	let closed: Open | undefined;
	let problem: JsoncSyntaxError | undefined;
	const fail = (offset: number, detail: string): void => {
		problem ??= new JsoncSyntaxError(positionAt(offset), detail);
	};

	/** Puts a value where the reader is, and notes where it starts; returns its key path. */
	const place = (offset: number, value: unknown): PropertyKey[] => {
		const parent = stack.at(-1);
		closed = undefined;
		const path = parent === undefined ? [] : [...parent.path, Array.isArray(parent.value) ? parent.value.length : parent.key!];
		valuePositions.set(formatKeyPath(path), positionAt(offset));
		if (parent === undefined) {
			root = value;
			topDone = true;
		} else {
			if (Array.isArray(parent.value)) {
				parent.value.push(value);
			} else {
				// A "__proto__" key must be data, not a prototype change.
				Object.defineProperty(parent.value, parent.key!, {value, enumerable: true, writable: true, configurable: true});
			}
			parent.expect = 'comma';
		}
		return path;
	};
	const open = (offset: number, value: Open['value']): void => {
		if (stack.length > maxDepth) {
			fail(offset, `values are nested more than ${maxDepth} deep`);
		}
		const path = place(offset, value);
		stack.push({at: offset, value, path, key: undefined, expect: Array.isArray(value) ? 'value' : 'key', keys: new Map()});
	};
	const close = (): void => {
		closed = stack.pop();
	};

	visit(
		text,
		{
			onObjectBegin: offset => {
				open(offset, {});
			},
			onArrayBegin: offset => {
				open(offset, []);
			},
			onObjectEnd: close,
			onArrayEnd: close,
			onSeparator: character => {
				closed = undefined;
				const inside = stack.at(-1);
				if (inside !== undefined) {
					inside.expect = character === ':' || Array.isArray(inside.value) ? 'value' : 'key';
				}
			},
			onObjectProperty: (key, offset) => {
				closed = undefined;
				const object = stack.at(-1)!;
				const at = positionAt(offset);
				const previous = object.keys.get(key);
				if (previous !== undefined) {
					fail(offset, `"${key}" is given twice (also at ${previous.line}:${previous.column})`);
				}
				object.keys.set(key, at);
				object.key = key;
				object.expect = 'colon';
				keyPositions.set(formatKeyPath([...object.path, key]), at);
			},
			onLiteralValue: (value: unknown, offset, length) => {
				place(offset, value);
				lastNumber = typeof value === 'number' ? {at: offset, end: offset + length} : undefined;
			},
			onError: (code, offset, length) => {
				const closing = code === ParseErrorCode.CloseBraceExpected || code === ParseErrorCode.CloseBracketExpected;
				const inside = closing ? (closed ?? stack.at(-1)) : stack.at(-1);
				fail(...explainJsoncError(text, code, offset, length, {inside, topDone: topDone && inside === undefined, lastNumber, positionAt}));
			},
		},
		{allowTrailingComma: true, disallowComments: false},
	);
	if (problem !== undefined) {
		throw problem;
	}
	return {value: root, valuePositions, keyPositions};
};
