import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {once} from 'node:events';
import {LocalEngine} from '../../src/transcribe/local-engine.js';
import {WhisperChild} from '../../src/transcribe/whisper-child.js';
import {testModel} from './fixtures.js';

export type InferenceServer = {
	readonly url: string;
	/** The form fields of each request that got through (the file as `file:NAME`). */
	readonly seen: Array<Record<string, string>>;
	/** Authorization headers received, accepted or not. */
	readonly authorizations: Array<string | undefined>;
	readonly close: () => Promise<void>;
};

/**
 * A transcription server on loopback with both shapes omega13 talks to: whisper.cpp's `/inference`
 * and OpenAI's `/v1/audio/transcriptions` (which wants `Authorization: Bearer <key>`). Behind both is
 * real whisper.cpp (the bundled engine with the weightless test model), not a made-up transcript.
 */
export const startInferenceServer = async (key: string): Promise<InferenceServer> => {
	const child = new WhisperChild();
	const engine = new LocalEngine({child, model: {name: 'for-tests-ggml-tiny.en', path: testModel}, threads: 2});
	const work = await mkdtemp(path.join(os.tmpdir(), 'omega13-inference-'));
	const seen: Array<Record<string, string>> = [];
	const authorizations: Array<string | undefined> = [];
	let uploads = 0;
	const server = http.createServer((request, response) => {
		void (async () => {
			const chunks: Buffer[] = [];
			for await (const chunk of request) {
				chunks.push(chunk as Buffer);
			}
			const openai = request.url === '/v1/audio/transcriptions';
			if (openai) {
				authorizations.push(request.headers.authorization);
				if (request.headers.authorization !== `Bearer ${key}`) {
					response.writeHead(401, {'content-type': 'application/json'}).end('{"error":{"message":"Incorrect API key provided"}}');
					return;
				}
			} else if (request.url !== '/inference') {
				response.writeHead(404).end();
				return;
			}
			const form = await new Request('http://server/', {method: 'POST', headers: {'content-type': request.headers['content-type']!}, body: Buffer.concat(chunks)}).formData();
			seen.push(Object.fromEntries([...form.entries()].map(([name, value]) => [name, typeof value === 'string' ? value : `file:${value.name}`])));
			const audioPath = path.join(work, `upload-${++uploads}.wav`);
			await writeFile(audioPath, Buffer.from(await (form.get('file') as Blob).arrayBuffer()));
			const result = await engine.transcribe({audioPath, audioSeconds: 0, workDir: work, signal: new AbortController().signal});
			response.writeHead(200, {'content-type': 'application/json'}).end(
				JSON.stringify({task: 'transcribe', language: result.language, text: result.segments.map((segment) => segment.text).join(''), segments: result.segments}),
			);
		})().catch((error: unknown) => {
			response.writeHead(500, {'content-type': 'application/json'}).end(JSON.stringify({error: String(error)}));
		});
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		seen,
		authorizations,
		close: async () => {
			server.close();
			await engine.dispose();
			await rm(work, {recursive: true, force: true});
		},
	};
};
