/**
 * A request the API answers with an error status and a message saying what is allowed. Thrown by route
 * handlers and the request checks; the server turns it into `{"error": message}`.
 */
export class HttpError extends Error {
	override readonly name = 'HttpError';
	readonly status: number;
	readonly headers: Readonly<Record<string, string>>;

	constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
		super(message);
		this.status = status;
		this.headers = headers;
	}
}
