import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {once} from 'node:events';
import {mkdtemp, readFile, readdir, rm, stat} from 'node:fs/promises';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {freeLoopbackPort} from './helpers/free-port.js';
import {findKnownModel} from '../src/transcribe/model-catalog.js';
import {runCli} from './helpers/recorder-process.js';
import {downloadModel, formatDownloadProgress, type DownloadProgress} from '../src/transcribe/model-download.js';
import {checkModelFile, listInstalledModels, modelsDir, resolveModel} from '../src/transcribe/model-resolve.js';
import {sileroModel, testModel} from './helpers/whisper.js';

test('a model name resolves to ggml-NAME.bin in the XDG data directory; a path is used as it is', () => {
	const env = {XDG_DATA_HOME: '/home/u/.data'};
	assert.equal(modelsDir(env), '/home/u/.data/omega13/models');
	assert.deepEqual(resolveModel('base.en', env), {name: 'base.en', path: '/home/u/.data/omega13/models/ggml-base.en.bin'});
	assert.deepEqual(resolveModel('/models/ggml-small.bin', env), {name: 'small', path: '/models/ggml-small.bin'});
	assert.deepEqual(resolveModel('./x/custom.bin', env), {name: 'custom', path: path.resolve('x/custom.bin')});
	assert.equal(resolveModel('tiny', {OMEGA13_MODELS_DIR: '/m'}).path, '/m/ggml-tiny.bin');
	assert.throws(() => resolveModel('base en', env), {message: 'resolveModel: "base en" is not a model name (letters, digits, \'.\', \'_\' and \'-\', e.g. base.en)'});
	assert.throws(() => resolveModel('', env), /a model name \(e\.g\. base\.en\) or a path/);
});

test('the known-model table has the sizes and SHA-256 digests of the usual models', () => {
	for (const name of ['tiny', 'tiny.en', 'base', 'base.en', 'small', 'small.en']) {
		const model = findKnownModel(name);
		assert.ok(model !== undefined, name);
		assert.match(model.sha256, /^[\da-f]{64}$/);
		assert.ok(model.bytes > 70e6);
	}
	assert.equal(findKnownModel('tiny.en')!.bytes, 77_704_715);
	for (const name of ['large-v3-turbo', 'large-v3-turbo-q8_0', 'large-v3-turbo-q5_0']) {
		assert.match(findKnownModel(name)?.sha256 ?? '', /^[\da-f]{64}$/, name);
	}
	// `silero` is whisper.cpp's Silero VAD file, fetched from its own repository.
	assert.equal(findKnownModel('silero')?.name, 'silero-v6.2.0');
	assert.equal(findKnownModel('silero')?.baseUrl, 'https://huggingface.co/ggml-org/whisper-vad/resolve/main');
});

type Mode = 'ok' | 'garbage' | 'cut' | 'missing';

describe('omega13 models download, against a local HTTP server', () => {
	let root: string;
	let server: http.Server;
	let baseUrl: string;
	let mode: Mode = 'ok';
	let body: Buffer;
	const requests: Array<{url: string; range: string | undefined}> = [];

	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-models-'));
		body = await readFile(testModel);
		const silero = await readFile(sileroModel);
		server = http.createServer((request, response) => {
			requests.push({url: request.url!, range: request.headers.range});
			if (request.url === '/files/ggml-silero-v6.2.0.bin') {
				response.writeHead(200, {'content-length': String(silero.length)}).end(silero);
				return;
			}
			if (mode === 'missing' || request.url !== '/files/ggml-for-tests-tiny.en.bin') {
				response.writeHead(404).end('not here');
				return;
			}
			const payload = mode === 'garbage' ? Buffer.alloc(body.length, 7) : body;
			const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
			const from = range === null ? 0 : Number(range[1]);
			const headers = {'content-length': String(payload.length - from), 'content-type': 'application/octet-stream'};
			if (range !== null) {
				response.writeHead(206, {...headers, 'content-range': `bytes ${from}-${payload.length - 1}/${payload.length}`});
			} else {
				response.writeHead(200, headers);
			}
			if (mode === 'cut') {
				// Half the file, then the connection drops, as a network failure would.
				response.write(payload.subarray(from, from + 200_000), () => response.destroy());
				return;
			}
			// In small pieces, so progress is reported more than once.
			let at = from;
			const next = (): void => {
				if (at >= payload.length) {
					response.end();
					return;
				}
				const piece = payload.subarray(at, at + 65_536);
				at += piece.length;
				response.write(piece, next);
			};
			next();
		});
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`;
	});
	after(async () => {
		server.close();
		await rm(root, {recursive: true, force: true});
	});

	test('fetches the model with progress, checks size and SHA-256, and puts it under its final name only at the end', async () => {
		mode = 'ok';
		const dir = path.join(root, 'ok');
		const progress: DownloadProgress[] = [];
		const result = await downloadModel('for-tests-tiny.en', {baseUrl, dir, onProgress: (step) => progress.push(step)});
		assert.deepEqual(
			{...result, path: path.basename(result.path)},
			{
				name: 'for-tests-tiny.en',
				path: 'ggml-for-tests-tiny.en.bin',
				bytes: 586_836,
				sha256: 'dd6b7796204a1cdf7164666423034e6e1a7a3e9f5c22327b4b7974c4584bd82d',
				alreadyPresent: false,
				resumed: false,
			},
		);
		assert.equal(createHash('sha256').update(await readFile(result.path)).digest('hex'), result.sha256);
		assert.deepEqual(await readdir(dir), ['ggml-for-tests-tiny.en.bin']);
		assert.ok(progress.length >= 2, `progress reported ${progress.length} times`);
		assert.deepEqual(progress.at(-1)!.receivedBytes, 586_836);
		assert.ok(progress.every((step, at) => at === 0 || step.receivedBytes >= progress[at - 1]!.receivedBytes));
		await checkModelFile({name: 'for-tests-tiny.en', path: result.path});
		assert.deepEqual(
			(await listInstalledModels({OMEGA13_MODELS_DIR: dir})).map((model) => model.name),
			['for-tests-tiny.en'],
		);

		const before = requests.length;
		const again = await downloadModel('for-tests-tiny.en', {baseUrl, dir});
		assert.equal(again.alreadyPresent, true);
		assert.equal(requests.length, before, 'a good copy is not fetched again');
	});

	test('`omega13 models download silero` stores the Silero VAD under whisper.cpp\'s file name, its checksum the catalog\'s', async () => {
		const dir = path.join(root, 'silero');
		const result = await runCli(['models', 'download', 'silero'], {...process.env, OMEGA13_MODELS_URL: baseUrl, OMEGA13_MODELS_DIR: dir});
		assert.equal(result.code, 0, result.stderr);
		assert.match(result.stdout, /silero-v6\.2\.0 installed \(sha256 2aa269b785eeb53a82983a20501ddf7c1d9c48e33ab63a41391ac6c9f7fb6987\)/);
		assert.deepEqual(await readdir(dir), ['ggml-silero-v6.2.0.bin']);
	});

	test('a download that does not match its checksum is deleted and nothing is left under the model name', async () => {
		mode = 'garbage';
		const dir = path.join(root, 'garbage');
		await assert.rejects(downloadModel('for-tests-tiny.en', {baseUrl, dir}), {
			message: /^the downloaded for-tests-tiny\.en does not match its checksum \(sha256 [\da-f]{64}, expected dd6b7796.*\); it was deleted: try again$/,
		});
		assert.deepEqual(await readdir(dir), []);
	});

	test('a broken-off download leaves a .part file that the next run continues with a Range request', async () => {
		mode = 'cut';
		const dir = path.join(root, 'cut');
		// The server sends 200000 bytes before it drops the connection; how many arrive depends on timing.
		let got = 0;
		await assert.rejects(downloadModel('for-tests-tiny.en', {baseUrl, dir}), (error: Error) => {
			const match = /^downloading for-tests-tiny\.en broke off at (\d+) of 586836 bytes \(.+\); run `omega13 models download for-tests-tiny\.en` again to continue$/.exec(error.message);
			assert.ok(match !== null, error.message);
			got = Number(match[1]);
			return true;
		});
		assert.ok(got > 0 && got <= 200_000, `received ${got}`);
		assert.deepEqual(await readdir(dir), ['.ggml-for-tests-tiny.en.bin.part']);
		assert.equal((await stat(path.join(dir, '.ggml-for-tests-tiny.en.bin.part'))).size, got);
		mode = 'ok';
		requests.length = 0;
		const result = await downloadModel('for-tests-tiny.en', {baseUrl, dir});
		assert.equal(result.resumed, true);
		assert.deepEqual(requests, [{url: '/files/ggml-for-tests-tiny.en.bin', range: `bytes=${got}-`}]);
		assert.equal(result.sha256, 'dd6b7796204a1cdf7164666423034e6e1a7a3e9f5c22327b4b7974c4584bd82d');
		assert.deepEqual(await readdir(dir), ['ggml-for-tests-tiny.en.bin']);
	});

	test('HTTP errors, unreachable servers and unknown names are reported plainly', async () => {
		mode = 'missing';
		const dir = path.join(root, 'errors');
		await assert.rejects(downloadModel('for-tests-tiny.en', {baseUrl, dir}), {
			message: `downloading for-tests-tiny.en from ${baseUrl}/ggml-for-tests-tiny.en.bin failed: HTTP 404 Not Found`,
		});
		const closed = await freeLoopbackPort();
		await assert.rejects(downloadModel('for-tests-tiny.en', {baseUrl: `http://127.0.0.1:${closed}/x`, dir}), {
			message: `could not reach http://127.0.0.1:${closed} to download for-tests-tiny.en: ECONNREFUSED`,
		});
		await assert.rejects(downloadModel('huge.v9', {baseUrl, dir}), {message: /^unknown model huge\.v9: the models with known checksums are tiny, tiny\.en, base/});
		await assert.rejects(downloadModel('../etc', {baseUrl, dir}), {message: 'downloadModel: "../etc" is not a model name (e.g. base.en)'});
	});
});

test('the download progress bar shows the share, the sizes and the speed', () => {
	assert.equal(
		formatDownloadProgress({receivedBytes: 35_000_000, totalBytes: 77_704_715, bytesPerSecond: 5_200_000}, 20),
		'[#########...........]  45%  35.0/77.7 MB  5.2 MB/s',
	);
});
