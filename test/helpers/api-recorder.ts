import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type {JackServer} from './jack-server.js';
import {RecorderProcess} from './recorder-process.js';
import {startSignalPlayer, type SignalPlayer} from './signal-player.js';

/** A headless recorder serving its HTTP API, fed the counter signal by a player. */
export type ApiRecorder = {
	readonly recorder: RecorderProcess;
	readonly player: SignalPlayer | undefined;
	readonly url: string;
	readonly token: string;
	/** The private dirs it runs with (config: the token; data: persistence by default). */
	readonly home: string;
	readonly sessionsDir: string;
	/** fetch with the token. */
	get(route: string, init?: RequestInit): Promise<Response>;
	dispose(): Promise<void>;
};

let counter = 0;

export const startApiRecorder = async (options: {
	server: JackServer;
	args?: readonly string[];
	env?: NodeJS.ProcessEnv;
	signal?: 'counter' | 'none';
	home?: string;
	bufferSeconds?: number;
}): Promise<ApiRecorder> => {
	const jackName = `api${process.pid}x${++counter}`;
	const home = options.home ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-api-')));
	const sessionsDir = path.join(home, 'sessions');
	const recorder = await RecorderProcess.start({
		env: {...options.server.env, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data'), ...options.env},
		jackName,
		args: [
			'--serve',
			'--serve-port',
			'0',
			'--sessions-dir',
			sessionsDir,
			'--buffer-seconds',
			String(options.bufferSeconds ?? 13),
			'--connect',
			'none',
			'--no-transcribe',
			'--hotkey',
			'off',
			'--silence-threshold',
			'off',
			...(options.args ?? []),
		],
	});
	const url = /HTTP API on (http:\/\/\S+)/.exec(await recorder.waitForLine(/HTTP API on /))![1]!;
	const token = (await fs.readFile(path.join(home, 'config', 'omega13', 'api-token'), 'utf8')).trim();
	const player =
		(options.signal ?? 'counter') === 'counter'
			? await startSignalPlayer({server: options.server, signal: 'counter', channels: 2, to: [`${jackName}:in_1`, `${jackName}:in_2`]})
			: undefined;
	return {
		recorder,
		player,
		url,
		token,
		home,
		sessionsDir,
		get: async (route, init = {}) => fetch(`${url}${route}`, {...init, headers: {authorization: `Bearer ${token}`, ...init.headers}}),
		async dispose() {
			await player?.stop().catch(() => undefined);
			await recorder.dispose();
			if (options.home === undefined) {
				await fs.rm(home, {recursive: true, force: true});
			}
		},
	};
};

/** A request with a `Host` header of our choosing (fetch does not let one set it). */
export const requestWithHost = async (url: string, host: string, token: string): Promise<{status: number; body: string}> =>
	new Promise((resolve, reject) => {
		const request = http.get(url, {headers: {host, authorization: `Bearer ${token}`}}, response => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (part: string) => (body += part));
			response.on('end', () => resolve({status: response.statusCode ?? 0, body}));
		});
		request.on('error', reject);
	});

/** Polls `/status` until `ready` holds. */
export const waitForApiStatus = async (api: ApiRecorder, ready: (status: any) => boolean, timeoutMs = 30_000): Promise<any> => {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = await (await api.get('/status')).json();
		if (ready(status)) {
			return status;
		}
		if (Date.now() > deadline) {
			throw new Error(`status never became ready: ${JSON.stringify(status)}\n${api.recorder.transcript()}`);
		}
		await new Promise(resolve => setTimeout(resolve, 200));
	}
};
