import type {IncomingMessage, ServerResponse} from 'node:http';
import type {z} from 'zod';

export type HttpMethod = 'GET' | 'POST';

/** A response a route may give, for the generated OpenAPI document. */
export type RouteResponse = {
	readonly description: string;
	/** @default 'application/json' */
	readonly contentType?: string;
};

/** What a handler gets: the checked query and path parameters, and the raw request and response. */
export type RouteContext<Q, P> = {
	readonly query: Q;
	readonly params: P;
	readonly request: IncomingMessage;
	readonly response: ServerResponse;
};

/**
 * One endpoint: its method and path (`{name}` marks a path parameter), the zod schemas its query and
 * path parameters must pass, and its documentation. The schemas both check requests (a failure is a 400
 * naming the parameter) and make `/openapi.json`, so the document cannot drift from the code.
 */
export type Route<Q extends z.ZodObject = z.ZodObject, P extends z.ZodObject = z.ZodObject> = {
	readonly method: HttpMethod;
	readonly path: string;
	readonly summary: string;
	readonly query?: Q;
	readonly params?: P;
	readonly responses: Readonly<Record<number, RouteResponse>>;
	/** Writes the response itself (a JSON body, or a stream), or throws an HttpError. */
	handle(context: RouteContext<z.infer<Q>, z.infer<P>>): Promise<void> | void;
};

/** Keeps each route's handler typed by its own schemas inside a list of routes. */
export const route = <Q extends z.ZodObject, P extends z.ZodObject>(definition: Route<Q, P>): Route => definition as unknown as Route;

/** A path pattern as a regular expression with one named group per parameter. */
export const pathPattern = (routePath: string): RegExp =>
	new RegExp(`^${routePath.replaceAll(/[.*+?^$()|[\]\\]/g, '\\$&').replaceAll(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
