import {readFile} from 'node:fs/promises';
import type {Seconds} from '../util/units.js';
import {plainText} from '../util/plain-text.js';
import {TranscriptionError} from './transcription-error.js';
import {abortReason} from './transcription-engine.js';

export type MultipartRequest = {
	readonly url: string;
	/** The WAV to send as the `file` field. */
	readonly audioPath: string;
	readonly fields: Readonly<Record<string, string>>;
	readonly headers?: Readonly<Record<string, string>>;
	readonly signal: AbortSignal;
	/** Names the other side in messages, e.g. `the whisper.cpp server`. */
	readonly peer: string;
	/** The most of an answer read (`replyLimitBytes`): a longer one fails the request unread. */
	readonly maxReplyBytes: number;
};

/** How much answer a minute of audio may get: far more than any transcript of it (about 1 KB of text). */
export const replyBytesPerMinute = 1_000_000;
/** The least any answer may have, so a short capture's verbose JSON is never cut. */
export const replyFloorBytes = 1_000_000;

/** The answer size cap for a capture: 1 MB of answer per minute of audio, at least 1 MB. */
export const replyLimitBytes = (audioSeconds: Seconds): number =>
	Math.max(replyFloorBytes, Math.ceil((audioSeconds / 60) * replyBytesPerMinute));

/**
 * POSTs a WAV as `multipart/form-data` (the shape both whisper.cpp's `/inference` and OpenAI's
 * `/v1/audio/transcriptions` take) and returns the parsed JSON answer. Failures become
 * `TranscriptionError`s that say who failed and how.
 */
export const postAudio = async (request: MultipartRequest): Promise<unknown> => {
	const form = new FormData();
	form.set('file', new Blob([await readFile(request.audioPath)], {type: 'audio/wav'}), 'audio.wav');
	for (const [name, value] of Object.entries(request.fields)) {
		form.set(name, value);
	}
	let response: Response;
	try {
		response = await fetch(request.url, {method: 'POST', body: form, headers: request.headers ?? {}, signal: request.signal});
	} catch (error) {
		if (request.signal.aborted) {
			throw abortReason(request.signal);
		}
		throw new TranscriptionError('remote', `could not reach ${request.peer} at ${request.url} (${networkCause(error)})`, {cause: error});
	}
	let body: string | undefined;
	try {
		body = await readCapped(response, request.maxReplyBytes);
	} catch (error) {
		if (request.signal.aborted) {
			throw abortReason(request.signal);
		}
		throw new TranscriptionError('remote', `${request.peer} at ${request.url} broke off its answer (${networkCause(error)})`, {cause: error});
	}
	if (body === undefined) {
		const limit = `${request.maxReplyBytes / 1e6} MB`;
		throw new TranscriptionError(
			'remote',
			`${request.peer} at ${request.url} answered${response.ok ? '' : ` HTTP ${response.status} with`} more than ${limit}, the limit for this capture ` +
				`(${replyBytesPerMinute / 1e6} MB a minute of audio, at least ${replyFloorBytes / 1e6} MB); the rest was not read: check what the server sends`,
		);
	}
	if (!response.ok) {
		throw new TranscriptionError('remote', `${request.peer} at ${request.url} answered HTTP ${response.status}: ${excerpt(body)}`);
	}
	let json: unknown;
	try {
		json = JSON.parse(body);
	} catch {
		throw new TranscriptionError('remote', `${request.peer} at ${request.url} answered something that is not JSON: ${excerpt(body)}`);
	}
	if (typeof json === 'object' && json !== null && 'error' in json) {
		const error = (json as {error: unknown}).error;
		const message = typeof error === 'string' ? error : typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : JSON.stringify(error);
		throw new TranscriptionError('remote', `${request.peer} at ${request.url} reported an error: ${excerpt(message)}`);
	}
	return json;
};

/** The system error behind a `fetch failed` (ECONNREFUSED, UND_ERR_SOCKET, ...). */
export const networkCause = (error: unknown): string => {
	const cause = (error as {cause?: {code?: string; message?: string}}).cause;
	return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
};

/**
 * The body, or undefined when it is longer than `limit` bytes: then the connection is dropped at once
 * (a 50 MB answer is neither held in memory nor waited for). Bytes that are not UTF-8 become U+FFFD.
 */
const readCapped = async (response: Response, limit: number): Promise<string | undefined> => {
	const reader = response.body?.getReader();
	if (reader === undefined) {
		return '';
	}
	if (Number(response.headers.get('content-length')) > limit) {
		await reader.cancel();
		return undefined;
	}
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
		size += chunk.value.byteLength;
		if (size > limit) {
			await reader.cancel();
			return undefined;
		}
		chunks.push(chunk.value);
	}
	return new TextDecoder().decode(Buffer.concat(chunks));
};

/** A server's words for a message: one line, no control characters (it may send escape sequences), 200 characters at most. */
const excerpt = (body: string): string => {
	const flat = plainText(body).replace(/\s+/g, ' ').trim();
	return flat.length === 0 ? '(empty)' : flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
};
