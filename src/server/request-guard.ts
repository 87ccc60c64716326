import {timingSafeEqual} from 'node:crypto';
import type {IncomingMessage} from 'node:http';
import {isIP} from 'node:net';
import {HttpError} from './http-error.js';

/** Names that always mean this machine. */
const loopbackNames = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether `host` (an address or name, IPv6 without brackets) is this machine's loopback. */
export const isLoopbackHost = (host: string): boolean => {
	const name = host.toLowerCase();
	return loopbackNames.has(name) || name.endsWith('.localhost') || (isIP(name) === 4 && name.startsWith('127.'));
};

/** The host part of a `Host` header: `[::1]:8080` -> `::1`, `example.com:80` -> `example.com`. */
export const hostOfHeader = (header: string): string => {
	const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(header);
	if (bracketed) {
		return bracketed[1]!;
	}
	const colon = header.lastIndexOf(':');
	return colon === -1 ? header : header.slice(0, colon);
};

/**
 * Refuses a request whose `Host` header names anything but loopback (or the address the user chose to
 * bind with --serve-host): a web page on another origin can make a browser send requests to 127.0.0.1
 * under its own name (DNS rebinding), and this is what tells them apart.
 */
export const checkHost = (request: IncomingMessage, extraHosts: ReadonlySet<string>): void => {
	const header = request.headers.host;
	if (header === undefined || header === '') {
		throw new HttpError(403, 'a Host header is required (loopback only, e.g. "Host: 127.0.0.1")');
	}
	const host = hostOfHeader(header).toLowerCase();
	if (!isLoopbackHost(host) && !extraHosts.has(host)) {
		throw new HttpError(403, `Host "${header}" is not this machine: the API answers only requests addressed to 127.0.0.1, localhost or [::1]`);
	}
};

/** Checks `Authorization: Bearer TOKEN` in constant time. */
export const checkBearer = (request: IncomingMessage, token: string): void => {
	const header = request.headers.authorization;
	const challenge = {'www-authenticate': 'Bearer realm="omega13"'};
	if (header === undefined) {
		throw new HttpError(401, 'missing "Authorization: Bearer TOKEN" (print the token with `omega13 serve token`)', challenge);
	}
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	const given = Buffer.from(match?.[1] ?? '');
	const expected = Buffer.from(token);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		throw new HttpError(401, 'wrong token (print the right one with `omega13 serve token`)', challenge);
	}
};
