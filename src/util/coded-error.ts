/**
 * An error with a machine-readable `code` beside the message for a person (after better-sqlite3 and
 * uiohook-napi): callers branch on `code`, never on message text.
 */
export class CodedError<Code extends string> extends Error {
	readonly code: Code;

	constructor(code: Code, message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.code = code;
	}
}
