import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, afterEach, before} from 'node:test';
import {startJackServer, type JackServer} from './jack-server.js';

/** What a test file against one JACK server shares: the server, a temp root, and cleanups per test. */
export type JackTestBed = {
	readonly server: JackServer;
	readonly root: string;
	/** Run after each test, newest first (a player stops before the recorder it feeds). */
	readonly cleanups: Array<() => Promise<void>>;
};

/** Starts `jackd -d dummy` and a temp root before the file's tests, removes both after them. */
export const jackTestBed = (options: {rate: number; period: number; prefix: string}): JackTestBed => {
	let server: JackServer | undefined;
	let root: string | undefined;
	const cleanups: Array<() => Promise<void>> = [];
	before(async () => {
		server = await startJackServer({rate: options.rate, period: options.period});
		root = await fs.mkdtemp(path.join(os.tmpdir(), options.prefix));
	});
	after(async () => {
		await server?.stop();
		if (root !== undefined) {
			await fs.rm(root, {recursive: true, force: true});
		}
	});
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) {
			await cleanup();
		}
	});
	return {
		get server() {
			return server!;
		},
		get root() {
			return root!;
		},
		cleanups,
	};
};
