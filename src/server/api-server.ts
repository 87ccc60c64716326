import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {z} from 'zod';
import {plainText} from '../util/plain-text.js';
import {HttpError} from './http-error.js';
import {checkBearer, checkHost, isLoopbackHost} from './request-guard.js';
import {pathPattern, type Route} from './route.js';

export type ApiServerOptions = {
	/** @default '127.0.0.1' */
	readonly host?: string;
	/** 0 picks a free port (tests). */
	readonly port: number;
	/** The user asked for a non-loopback `host` explicitly (--serve-host); without it such a bind is refused. */
	readonly allowNetwork?: boolean;
	readonly token: string;
	readonly routes: readonly Route[];
	/** One line per thing an operator should know (refused clients, failed handlers). */
	readonly log: (line: string) => void;
};

/** Headers on every response: nothing is cached, nothing sniffed, and no CORS header is ever sent. */
const baseHeaders = {'cache-control': 'no-store', 'x-content-type-options': 'nosniff'} as const;

/** Sends `body` as JSON with `status`. */
export const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void => {
	const text = `${JSON.stringify(body, undefined, '\t')}\n`;
	response.writeHead(status, {...baseHeaders, ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text)});
	response.end(text);
};

/** Starts a streamed response with the common headers. */
export const startStream = (response: ServerResponse, headers: Readonly<Record<string, string | number>>): void => {
	response.writeHead(200, {...baseHeaders, ...headers});
};

type CompiledRoute = {readonly route: Route; readonly pattern: RegExp};

/**
 * The local HTTP API: node:http on loopback, every request checked for its `Host` (403) and bearer
 * token (401) before any route runs, query and path parameters checked against the route's zod schemas
 * (400 with the parameter and what is allowed).
 */
export class ApiServer {
	readonly host: string;
	readonly port: number;
	readonly #server: Server;
	#disposed: Promise<void> | undefined;

	private constructor(server: Server, host: string, port: number) {
		this.#server = server;
		this.host = host;
		this.port = port;
	}

	/** The base URL, e.g. `http://127.0.0.1:13013`. */
	get url(): string {
		return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
	}

	static async listen(options: ApiServerOptions): Promise<ApiServer> {
		const host = options.host ?? '127.0.0.1';
		if (!isLoopbackHost(host) && !options.allowNetwork) {
			throw new Error(
				`refusing to serve the API on ${host}: anyone who can reach that address could ask for the audio. ` +
					`Serve on 127.0.0.1 (the default), or give --serve-host ${host} on the command line to mean it`,
			);
		}
		if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
			throw new RangeError(`the API port must be a whole number from 0 to 65535, got ${options.port}`);
		}
		const compiled = options.routes.map(route => ({route, pattern: pathPattern(route.path)}));
		const extraHosts = new Set(isLoopbackHost(host) ? [] : [host.toLowerCase()]);
		const server = createServer((request, response) => {
			void serve(request, response, {token: options.token, extraHosts, routes: compiled, log: options.log});
		});
		// Requests are short or streamed by us; a client that never sends its headers is dropped.
		server.headersTimeout = 10_000;
		server.requestTimeout = 0;
		await new Promise<void>((resolve, reject) => {
			server.once('error', error => {
				const code = (error as NodeJS.ErrnoException).code;
				reject(
					code === 'EADDRINUSE'
						? new Error(`port ${options.port} on ${host} is in use (another omega13?): pick another with --serve-port`)
						: error,
				);
			});
			server.listen(options.port, host, () => {
				resolve();
			});
		});
		return new ApiServer(server, host, (server.address() as AddressInfo).port);
	}

	/** Stops listening and ends every open response (live streams included). Idempotent. */
	async dispose(): Promise<void> {
		this.#disposed ??= new Promise<void>(resolve => {
			this.#server.close(() => {
				resolve();
			});
			this.#server.closeAllConnections();
		});
		return this.#disposed;
	}
}

type ServeContext = {
	readonly token: string;
	readonly extraHosts: ReadonlySet<string>;
	readonly routes: readonly CompiledRoute[];
	readonly log: (line: string) => void;
};

const serve = async (request: IncomingMessage, response: ServerResponse, context: ServeContext): Promise<void> => {
	try {
		checkHost(request, context.extraHosts);
		checkBearer(request, context.token);
		const url = new URL(request.url ?? '/', 'http://localhost');
		const {route, params} = findRoute(context.routes, request.method ?? 'GET', url.pathname);
		await route.handle({
			query: parse(route.query, Object.fromEntries(url.searchParams), 'query parameter'),
			params: parse(route.params, params, 'path'),
			request,
			response,
		});
	} catch (error) {
		if (error instanceof HttpError) {
			if (!response.headersSent) {
				sendJson(response, error.status, {error: error.message}, error.headers);
			}
			return;
		}
		context.log(plainText(`API: ${request.method} ${request.url} failed: ${error instanceof Error ? error.message : String(error)}`));
		if (response.headersSent) {
			response.destroy();
		} else {
			sendJson(response, 500, {error: `internal error: ${error instanceof Error ? error.message : String(error)}`});
		}
	}
};

const findRoute = (routes: readonly CompiledRoute[], method: string, pathname: string): {route: Route; params: Record<string, string>} => {
	const matching = routes.flatMap(({route, pattern}) => {
		const match = pattern.exec(pathname);
		return match ? [{route, params: {...match.groups}}] : [];
	});
	const found = matching.find(({route}) => route.method === method);
	if (found) {
		return found;
	}
	if (matching.length > 0) {
		const allowed = matching.map(({route}) => route.method).join(', ');
		throw new HttpError(405, `${pathname} takes ${allowed}, not ${method}`, {allow: allowed});
	}
	throw new HttpError(404, `no route ${pathname}: GET /openapi.json lists them`);
};

const parse = (schema: z.ZodObject | undefined, values: Record<string, string>, what: string): Record<string, unknown> => {
	if (schema === undefined) {
		if (what === 'query parameter' && Object.keys(values).length > 0) {
			throw new HttpError(400, `this route takes no query parameters, got ${Object.keys(values).join(', ')}`);
		}
		return {};
	}
	const result = schema.safeParse(values);
	if (result.success) {
		return result.data as Record<string, unknown>;
	}
	const problems = result.error.issues.map(issue => {
		if (issue.code === 'unrecognized_keys') {
			return `unknown ${what}${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')} (this route takes ${Object.keys(schema.shape).join(', ') || 'none'})`;
		}
		const name = issue.path.join('.');
		return name === '' || issue.message.startsWith(`${name} `) ? issue.message : `${name}: ${issue.message}`;
	});
	throw new HttpError(400, problems.join('; '));
};
