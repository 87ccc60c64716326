import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
import {z} from 'zod';
import {saveLastSeconds, type ControlRequest, type ControlResponse} from '../control/control-protocol.js';
import type {ServerResponse} from 'node:http';
import {findSession, readSessionDetails, SessionLookupError, type CaptureDetails} from '../session/describe-sessions.js';
import {listSessions} from '../session/list-sessions.js';
import {clipFormats} from './audio-clip.js';
import type {AudioHistory} from './audio-history.js';
import {sendClip} from './audio-response.js';
import {sendJson, startStream} from './api-server.js';
import {HttpError} from './http-error.js';
import type {LiveBroadcaster} from './live-stream.js';
import {openApiDocument} from './openapi.js';
import {route, type Route, type RouteResponse} from './route.js';
import {axisHeight, renderWaveform} from './waveform-png.js';

/** What the routes act on: the running recorder, seen from the API. */
export type ApiBackend = {
	readonly history: AudioHistory;
	readonly live: LiveBroadcaster;
	readonly sessionsRoot: string;
	/** The same object as `omega13 status --json`. */
	status(): unknown;
	/** The control socket's handler: toggle, start, stop, save-last. */
	control(request: ControlRequest): Promise<ControlResponse>;
	/** Opus bitrate for an /audio response of `channels`. */
	opusKbps(channels: number): number;
	readonly version: string;
};

/** The longest stretch one /audio or /waveform.png request may ask for: 10 min of stereo float is 115 MB. */
export const maxRequestSeconds = 600;

const number = (name: string, min: number, max: number, about: string) =>
	z.coerce
		.number({error: `${name} must be a number from ${min} to ${max}`})
		.min(min, {error: `${name} must be at least ${min}`})
		.max(max, {error: `${name} must be at most ${max}`})
		.describe(about);

const whole = (name: string, min: number, max: number, about: string) =>
	number(name, min, max, about).int({error: `${name} must be a whole number from ${min} to ${max}`});

const seconds = number('seconds', 0.001, maxRequestSeconds, `The latest this many seconds (at most ${maxRequestSeconds}). Default: all the ring holds.`).optional();

const instant = (name: string, about: string) =>
	z.iso
		.datetime({offset: true, error: `${name} must be an ISO 8601 time with a zone, e.g. 2026-12-02T10:15:00Z or 2026-12-02T11:15:00.250+01:00`})
		.describe(about)
		.optional();

const audioQuery = z.strictObject({
	seconds,
	from: instant('from', 'Start of a range (inclusive), in the ring or the rolling store.'),
	to: instant('to', 'End of a range (exclusive). Default: now.'),
	format: z.enum(clipFormats, {error: `format must be one of ${clipFormats.join(', ')}`}).default('wav').describe('wav (32-bit float), flac (24-bit), opus, or pcm (raw f32le; rate and channels in the X-Audio-* headers).'),
});

const waveformQuery = z.strictObject({
	seconds,
	width: whole('width', 16, 4096, 'Image width in pixels.').default(800),
	height: whole('height', 48, 2048, 'Image height in pixels.').default(200),
});

const liveQuery = z.strictObject({
	format: z.enum(['pcm', 'wav'], {error: 'format must be pcm or wav'}).default('pcm').describe('pcm (raw f32le) or wav (float, length unknown).'),
});

const saveLastQuery = z.strictObject({
	seconds: number('seconds', saveLastSeconds.min, saveLastSeconds.max, 'How many of the latest seconds to save as a capture.'),
});

const sessionParams = z.strictObject({
	id: z.string().regex(/^[\w.-]+$/, {error: 'id must be a session id (letters, digits, ".", "_", "-"), or "last"'}).describe('A session id, a unique start of one, or "last".'),
	n: z.coerce.number().int({error: 'n must be a capture number: 1, 2, ...'}).min(1, {error: 'n must be a capture number: 1, 2, ...'}).describe('The capture number (001.wav is 1).'),
});

const audioContentTypes: Readonly<Record<string, string>> = {'.wav': 'audio/wav', '.flac': 'audio/flac', '.opus': 'audio/ogg; codecs=opus'};

/** The time range an /audio or /waveform.png query asks for; checks what zod cannot see field by field. */
const wantedRange = (query: {seconds?: number | undefined; from?: string | undefined; to?: string | undefined}) => {
	if (query.seconds !== undefined && (query.from !== undefined || query.to !== undefined)) {
		throw new HttpError(400, 'give seconds, or from (and to), not both');
	}
	if (query.from === undefined) {
		if (query.to !== undefined) {
			throw new HttpError(400, 'to needs from: give from=ISO (and to=ISO), or seconds=S');
		}
		return {kind: 'latest', seconds: query.seconds} as const;
	}
	const from = Date.parse(query.from);
	const to = query.to === undefined ? Date.now() : Date.parse(query.to);
	if (!(to > from)) {
		throw new HttpError(400, `from (${query.from}) must be before to (${query.to ?? 'now'})`);
	}
	if (to - from > maxRequestSeconds * 1000) {
		throw new HttpError(400, `from to to is ${((to - from) / 1000).toFixed(1)} s; one request takes at most ${maxRequestSeconds} s: ask in pieces`);
	}
	return {kind: 'range', from, to} as const;
};

const controlRoute = (name: 'toggle' | 'start' | 'stop', summary: string, backend: ApiBackend): Route =>
	route({
		method: 'POST',
		path: `/capture/${name}`,
		summary,
		responses: {200: {description: 'Done: the message and the status after it.'}, 409: {description: 'Refused (e.g. the silence gate): the reason.'}},
		async handle({response}) {
			const result = await backend.control({command: name});
			sendJson(response, result.ok ? 200 : 409, result);
		},
	});

/** Every route of the API, in the order /openapi.json lists them. */
export const apiRoutes = (backend: ApiBackend): Route[] => {
	const routes: Route[] = [
		route({
			method: 'GET',
			path: '/status',
			summary: 'The recorder now: the same object as `omega13 status --json`.',
			responses: {200: {description: 'The status.'}},
			handle({response}) {
				sendJson(response, 200, backend.status());
			},
		}),
		route({
			method: 'GET',
			path: '/audio',
			summary: 'The latest seconds, or a time range from the ring or the rolling store, as WAV, FLAC, Opus or raw PCM.',
			query: audioQuery,
			responses: {
				200: {description: 'The audio; X-Audio-Start, X-Audio-Sample-Rate, X-Audio-Channels and X-Audio-Frames say what it is.', contentType: 'audio/wav'},
				400: {description: 'A bad parameter, and what is allowed.'},
				416: {description: 'The range is not held; the message lists what is.'},
			},
			async handle({query, response}) {
				const wanted = wantedRange(query);
				const clip = wanted.kind === 'latest' ? await backend.history.latest(wanted.seconds) : await backend.history.range(wanted.from, wanted.to);
				await sendClip(response, clip, query.format, backend.opusKbps(clip.channels));
			},
		}),
		route({
			method: 'GET',
			path: '/waveform.png',
			summary: 'A picture of the latest seconds: one lane per channel, min/max per column, clock times below.',
			query: waveformQuery,
			responses: {200: {description: 'The PNG.', contentType: 'image/png'}, 400: {description: 'A bad parameter.'}, 416: {description: 'Not held.'}},
			async handle({query, response}) {
				const clip = await backend.history.latest(query.seconds);
				if (query.height - axisHeight < clip.channels * 8) {
					throw new HttpError(400, `height must be at least ${axisHeight + clip.channels * 8} for ${clip.channels} channels`);
				}
				const png = renderWaveform(clip, query.width, query.height);
				startStream(response, {'content-type': 'image/png', 'content-length': png.length});
				response.end(png);
			},
		}),
		route({
			method: 'GET',
			path: '/live',
			summary: 'The audio as it arrives, until the client hangs up (chunked). A client that falls 2 s behind is cut off.',
			query: liveQuery,
			responses: {200: {description: 'A never-ending stream.', contentType: 'application/octet-stream'}},
			handle({query, request, response}) {
				backend.live.listen(response, query.format, `${request.socket.remoteAddress}:${request.socket.remotePort}`);
			},
		}),
		controlRoute('toggle', 'Starts a capture when idle (13 s in the past), stops it when recording.', backend),
		controlRoute('start', 'Starts a capture (no change when one is running).', backend),
		controlRoute('stop', 'Stops the capture (no change when idle).', backend),
		route({
			method: 'POST',
			path: '/save-last',
			summary: 'Saves the latest seconds as a capture of their own.',
			query: saveLastQuery,
			responses: {200: {description: 'Saved.'}, 409: {description: 'Refused: the reason.'}},
			async handle({query, response}) {
				const result = await backend.control({command: 'save-last', seconds: query.seconds});
				sendJson(response, result.ok ? 200 : 409, result);
			},
		}),
		route({
			method: 'GET',
			path: '/sessions',
			summary: 'The sessions, oldest first.',
			responses: {200: {description: 'The list.'}},
			async handle({response}) {
				sendJson(response, 200, {sessions: await listSessions(backend.sessionsRoot)});
			},
		}),
		captureRoute('audio', 'A capture\'s audio file as kept (WAV, FLAC or Opus).', {description: 'The file.', contentType: 'audio/wav'}, backend, async (dir, capture, response) => {
			if (capture.audioFile === undefined) {
				throw new HttpError(404, `capture ${capture.record.index} of ${path.basename(dir)} has no audio file on disk`);
			}
			const file = path.join(dir, capture.audioFile);
			startStream(response, {
				'content-type': audioContentTypes[path.extname(file)] ?? 'application/octet-stream',
				'content-length': (await stat(file)).size,
				'content-disposition': `inline; filename="${capture.audioFile}"`,
			});
			await pipeline(createReadStream(file), response);
		}),
		captureRoute('transcript', 'A capture\'s transcript as plain text.', {description: 'The text.', contentType: 'text/plain'}, backend, async (dir, capture, response) => {
			if (capture.text === undefined) {
				const state = capture.record.transcript;
				const why = state === undefined ? 'transcription was off' : `${state.status}${state.reason === undefined ? '' : `: ${state.reason}`}`;
				throw new HttpError(404, `capture ${capture.record.index} of ${path.basename(dir)} has no transcript (${why})`);
			}
			const text = `${capture.text}\n`;
			startStream(response, {'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text)});
			response.end(text);
		}),
	];
	let document: Record<string, unknown> | undefined;
	routes.push(
		route({
			method: 'GET',
			path: '/openapi.json',
			summary: 'This document, generated from the route schemas.',
			responses: {200: {description: 'OpenAPI 3.1.'}},
			handle({response}) {
				document ??= openApiDocument(routes, {title: 'omega13', version: backend.version});
				sendJson(response, 200, document);
			},
		}),
	);
	return routes;
};

/** `/sessions/{id}/captures/{n}/<what>`: finds the capture (404 with what there is), then `send` answers. */
const captureRoute = (
	what: string,
	summary: string,
	found: RouteResponse,
	backend: ApiBackend,
	send: (dir: string, capture: CaptureDetails, response: ServerResponse) => Promise<void>,
): Route =>
	route({
		method: 'GET',
		path: `/sessions/{id}/captures/{n}/${what}`,
		summary,
		params: sessionParams,
		responses: {200: found, 404: {description: 'No such session or capture, or nothing of this kind for it: why.'}},
		async handle({params, response}) {
			const {dir, capture} = await findCapture(backend.sessionsRoot, params.id, params.n);
			await send(dir, capture, response);
		},
	});

const findCapture = async (root: string, id: string, n: number) => {
	let dir: string;
	try {
		({dir} = await findSession(root, id));
	} catch (error) {
		if (error instanceof SessionLookupError) {
			throw new HttpError(404, error.message);
		}
		throw error;
	}
	const details = await readSessionDetails(dir);
	const capture = details.captures.find(candidate => candidate.record.index === n);
	if (capture === undefined) {
		throw new HttpError(404, `${path.basename(dir)} has no capture ${n} (it has ${details.captures.map(c => c.record.index).join(', ') || 'none'})`);
	}
	return {dir, capture};
};
