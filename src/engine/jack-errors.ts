/** Why a JACK operation failed; each message says what to do about it. */
export const JackErrorCode = {
	/** The native addon is not built or cannot be loaded. */
	addonMissing: 'JACK_ADDON_MISSING',
	/** No JACK server (jackd, or PipeWire's JACK) is running under that name. */
	noServer: 'JACK_NO_SERVER',
	/** Another client on the server already has the name. */
	nameTaken: 'JACK_NAME_TAKEN',
	/** The client could not be opened for another reason (the message has JACK's own words). */
	openFailed: 'JACK_OPEN_FAILED',
	portNotFound: 'JACK_PORT_NOT_FOUND',
	connectFailed: 'JACK_CONNECT_FAILED',
	portRegisterFailed: 'JACK_PORT_REGISTER_FAILED',
	activateFailed: 'JACK_ACTIVATE_FAILED',
	/** The client was disposed, or (for calls that need the server) the server shut down. */
	clientClosed: 'JACK_CLIENT_CLOSED',
	/** The native layer was called with arguments the TypeScript wrapper would have refused. */
	invalidArgument: 'JACK_INVALID_ARGUMENT',
} as const;
export type JackErrorCode = (typeof JackErrorCode)[keyof typeof JackErrorCode];

/** A failure of the JACK layer. The native addon throws these too (the class is handed to it at load). */
export class JackError extends Error {
	override readonly name = 'JackError';

	constructor(
		readonly code: JackErrorCode,
		message: string,
	) {
		super(message);
	}
}

/** `error` is a JackError (with that code, when given). */
export const isJackError = (error: unknown, code?: JackErrorCode): error is JackError =>
	error instanceof JackError && (code === undefined || error.code === code);
