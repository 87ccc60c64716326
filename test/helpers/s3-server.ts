/**
 * `s3rver` (npm): a real HTTP server speaking the S3 API, on loopback, storing objects in a directory.
 *
 *   const s3 = await startS3Server({bucket: 'archive'});   // s3.endpoint, s3.puts(key), s3.objects()
 */
import {createRequire} from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {AddressInfo} from 'node:net';

type S3rverEvent = {Records: Array<{eventName: string; s3: {object: {key: string}}}>};
type S3rverInstance = {
	run(): Promise<AddressInfo>;
	close(): Promise<void>;
	on(event: 'event', listener: (event: S3rverEvent) => void): void;
};
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

export type S3Server = {
	readonly endpoint: string;
	readonly port: number;
	readonly bucket: string;
	/** How many times each key was written (PUT). */
	puts(): ReadonlyMap<string, number>;
	/** The stored object's bytes. */
	object(key: string): Promise<Buffer>;
	/** Stops serving (the objects stay); `start` serves them again on the same port. */
	stop(): Promise<void>;
	start(): Promise<void>;
	dispose(): Promise<void>;
};

/** The environment the AWS SDK's default chain reads s3rver's fixed credentials from. */
export const s3Credentials = {AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1'} as const;

export const startS3Server = async (options: {bucket: string}): Promise<S3Server> => {
	const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-s3-'));
	const puts = new Map<string, number>();
	let port = 0;
	let instance: S3rverInstance | undefined;
	const start = async (): Promise<void> => {
		const s3 = new S3rver({port, address: '127.0.0.1', silent: true, directory, configureBuckets: [{name: options.bucket}]});
		s3.on('event', event => {
			for (const record of event.Records) {
				if (record.eventName.startsWith('ObjectCreated')) {
					const key = decodeURIComponent(record.s3.object.key);
					puts.set(key, (puts.get(key) ?? 0) + 1);
				}
			}
		});
		port = (await s3.run()).port;
		instance = s3;
	};
	await start();
	const stop = async (): Promise<void> => {
		await instance?.close();
		instance = undefined;
	};
	return {
		get endpoint() {
			return `http://127.0.0.1:${port}`;
		},
		get port() {
			return port;
		},
		bucket: options.bucket,
		puts: () => puts,
		object: async key => fs.readFile(path.join(directory, options.bucket, `${key}._S3rver_object`)),
		stop,
		start,
		async dispose() {
			await stop();
			await fs.rm(directory, {recursive: true, force: true});
		},
	};
};
