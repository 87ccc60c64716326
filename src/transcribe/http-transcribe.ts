import {readFile} from 'node:fs/promises';
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
};

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
	let body: string;
	try {
		body = await response.text();
	} catch (error) {
		if (request.signal.aborted) {
			throw abortReason(request.signal);
		}
		throw new TranscriptionError('remote', `${request.peer} at ${request.url} broke off its answer (${networkCause(error)})`, {cause: error});
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
		throw new TranscriptionError('remote', `${request.peer} at ${request.url} reported an error: ${message}`);
	}
	return json;
};

/** The system error behind a `fetch failed` (ECONNREFUSED, UND_ERR_SOCKET, ...). */
export const networkCause = (error: unknown): string => {
	const cause = (error as {cause?: {code?: string; message?: string}}).cause;
	return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
};

const excerpt = (body: string): string => {
	const flat = body.replace(/\s+/g, ' ').trim();
	return flat.length === 0 ? '(empty)' : flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
};
