import {postAudio, replyLimitBytes} from './http-transcribe.js';
import type {EngineRequest, EngineResult, TranscriptionEngine} from './transcription-engine.js';
import {parseVerboseJson} from './whisper-output.js';

/** A transcription service reached over HTTP, from the config file. */
export type RemoteEngineConfig =
	| {
			/** An OpenAI-compatible `/v1/audio/transcriptions` endpoint (OpenAI, faster-whisper-server, LocalAI, ...). */
			readonly kind: 'openai';
			/** The endpoint, or a base URL that `/v1/audio/transcriptions` is added to. */
			readonly url: string;
			/** Sent as `Authorization: Bearer ...`. */
			readonly apiKey?: string;
			/** @default 'whisper-1' */
			readonly model?: string;
	  }
	| {
			/** A whisper.cpp server someone else runs: its `/inference` endpoint, or its base URL. */
			readonly kind: 'whisper-server';
			readonly url: string;
	  };

export type RemoteEngineOptions = {
	readonly remote: RemoteEngineConfig;
	/** @default 'en' */
	readonly language?: string;
};

/**
 * Sends each capture (already 16 kHz mono, the smallest WAV whisper takes) to a remote service and
 * asks for segments with times (`verbose_json`); a service that only gives text still works, without
 * times.
 */
export class RemoteEngine implements TranscriptionEngine {
	readonly description: string;
	readonly model: string;
	readonly language: string;
	readonly #remote: RemoteEngineConfig;
	readonly #endpoint: string;

	constructor(options: RemoteEngineOptions) {
		const {remote, language = 'en'} = options;
		if (typeof remote !== 'object' || remote === null || (remote.kind !== 'openai' && remote.kind !== 'whisper-server')) {
			throw new TypeError("RemoteEngine: remote.kind must be 'openai' or 'whisper-server'");
		}
		let url: URL;
		try {
			url = new URL(remote.url);
		} catch {
			throw new TypeError(`RemoteEngine: remote.url must be an http(s) URL, got ${JSON.stringify(remote.url)}`);
		}
		if (url.protocol !== 'http:' && url.protocol !== 'https:') {
			throw new TypeError(`RemoteEngine: remote.url must be an http(s) URL, got ${JSON.stringify(remote.url)}`);
		}
		const base = url.href.replace(/\/+$/, '');
		if (remote.kind === 'openai') {
			this.#endpoint = /\/audio\/transcriptions$/.test(base) ? base : `${base}/v1/audio/transcriptions`;
			this.model = remote.model ?? 'whisper-1';
			this.description = `OpenAI-compatible API at ${url.host}`;
		} else {
			this.#endpoint = /\/inference$/.test(base) ? base : `${base}/inference`;
			this.model = 'remote';
			this.description = `whisper.cpp server at ${url.host}`;
		}
		this.#remote = remote;
		this.language = language;
	}

	async transcribe(request: EngineRequest): Promise<EngineResult> {
		const remote = this.#remote;
		const language: Record<string, string> = this.language === 'auto' ? {} : {language: this.language};
		const maxReplyBytes = replyLimitBytes(request.audioSeconds);
		if (remote.kind === 'openai') {
			const answer = await postAudio({
				url: this.#endpoint,
				audioPath: request.audioPath,
				fields: {model: this.model, response_format: 'verbose_json', 'timestamp_granularities[]': 'segment', ...language},
				headers: remote.apiKey === undefined ? {} : {authorization: `Bearer ${remote.apiKey}`},
				signal: request.signal,
				peer: 'the transcription service',
				maxReplyBytes,
			});
			return parseVerboseJson(answer);
		}
		const answer = await postAudio({
			url: this.#endpoint,
			audioPath: request.audioPath,
			// 1.5.0 reads `response-format`; later servers read `response_format` and `language`.
			fields: {'response-format': 'verbose_json', response_format: 'verbose_json', ...language},
			signal: request.signal,
			peer: 'the whisper.cpp server',
			maxReplyBytes,
		});
		return parseVerboseJson(answer);
	}

	async dispose(): Promise<void> {
		// Nothing is kept open: each request is its own connection.
	}
}

/**
 * The config's single `engineUrl` as a remote engine: a URL whose path is (or ends in) `/v1`, or
 * `.../audio/transcriptions`, is an OpenAI-compatible API; anything else is a whisper.cpp server.
 */
export const remoteEngineFromUrl = (url: string, apiKey?: string): RemoteEngineConfig => {
	let pathname: string;
	try {
		pathname = new URL(url).pathname.replace(/\/+$/, '');
	} catch {
		throw new TypeError(`remoteEngineFromUrl: url must be an http(s) URL, got ${JSON.stringify(url)}`);
	}
	if (/\/audio\/transcriptions$/.test(pathname) || /\/v1$/.test(pathname)) {
		const base = /\/v1$/.test(pathname) ? url.replace(/\/+$/, '').replace(/\/v1$/, '') : url;
		return {kind: 'openai', url: base, ...(apiKey === undefined ? {} : {apiKey})};
	}
	return {kind: 'whisper-server', url};
};
