import {z} from 'zod';
import type {Route} from './route.js';

/** JSON Schema of one parameter as a request gives it. */
const parameterSchema = (schema: z.ZodType): Record<string, unknown> => {
	const {$schema: _ignored, ...rest} = z.toJSONSchema(schema, {io: 'input', unrepresentable: 'any'}) as Record<string, unknown>;
	return rest;
};

const parameters = (schema: z.ZodObject | undefined, where: 'query' | 'path'): unknown[] =>
	Object.entries(schema?.shape ?? {}).map(([name, field]) => {
		const type = field as z.ZodType;
		return {
			name,
			in: where,
			required: where === 'path' || !type.safeParse(undefined).success,
			...(type.description === undefined ? {} : {description: type.description}),
			schema: parameterSchema(type),
		};
	});

/**
 * The OpenAPI 3.1 document of `routes`, generated from their zod schemas and summaries (never kept by
 * hand), served at `/openapi.json`.
 */
export const openApiDocument = (routes: readonly Route[], info: {title: string; version: string}): Record<string, unknown> => {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const route of routes) {
		const operations = (paths[route.path] ??= {});
		operations[route.method.toLowerCase()] = {
			summary: route.summary,
			parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
			responses: Object.fromEntries(
				Object.entries(route.responses).map(([status, response]) => [
					status,
					{description: response.description, content: {[response.contentType ?? 'application/json']: {}}},
				]),
			),
		};
	}
	return {
		openapi: '3.1.0',
		info: {...info, description: 'The running recorder, on this machine only. Every request needs the bearer token (`omega13 serve token`).'},
		servers: [{url: 'http://127.0.0.1'}],
		security: [{bearer: []}],
		components: {securitySchemes: {bearer: {type: 'http', scheme: 'bearer'}}},
		paths,
	};
};
