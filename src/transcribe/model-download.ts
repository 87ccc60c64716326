import {createHash, type Hash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {mkdir, open, rename, stat, unlink} from 'node:fs/promises';
import path from 'node:path';
import type {XdgEnv} from '../util/app-dirs.js';
import {networkCause} from './http-transcribe.js';
import {defaultModelsBaseUrl, findKnownModel, knownModels} from './model-catalog.js';
import {checkModelFile, isModelName, modelFileName, modelsDir} from './model-resolve.js';

export type DownloadProgress = {
	readonly receivedBytes: number;
	readonly totalBytes: number;
	/** Over the whole download so far (resumed bytes not counted). */
	readonly bytesPerSecond: number;
};

export type DownloadModelOptions = {
	/** `<baseUrl>/ggml-<name>.bin`. @default OMEGA13_MODELS_URL or the whisper.cpp Hugging Face repository */
	readonly baseUrl?: string;
	/** @default the models directory */
	readonly dir?: string;
	readonly env?: XdgEnv;
	/** Called about ten times a second and once at the end. */
	readonly onProgress?: (progress: DownloadProgress) => void;
	readonly signal?: AbortSignal;
	/** Download again even if a good copy is there. */
	readonly force?: boolean;
};

export type DownloadedModel = {
	readonly name: string;
	readonly path: string;
	readonly bytes: number;
	readonly sha256: string;
	/** A good copy was already there; nothing was fetched. */
	readonly alreadyPresent: boolean;
	/** Continued from a `.part` file an earlier download left. */
	readonly resumed: boolean;
};

const progressIntervalMs = 100;

/**
 * Fetches a ggml model into the models directory with its size and SHA-256 checked against the known
 * table. The bytes go to a `.part` file next to the target, which an interrupted download leaves for
 * the next one to continue (HTTP Range); only a complete, verified file is renamed to the final name,
 * so a partial model is never where `--model NAME` looks.
 */
export const downloadModel = async (asked: string, options: DownloadModelOptions = {}): Promise<DownloadedModel> => {
	if (typeof asked !== 'string' || !isModelName(asked)) {
		throw new TypeError(`downloadModel: ${JSON.stringify(asked)} is not a model name (e.g. base.en)`);
	}
	const known = findKnownModel(asked);
	if (known === undefined) {
		throw new Error(
			`unknown model ${asked}: the models with known checksums are ${knownModels.map((model) => model.alias ?? model.name).join(', ')}; ` +
				'for another model, download the ggml .bin yourself and pass --model PATH',
		);
	}
	// `silero` is stored under whisper.cpp's own file name, ggml-silero-v6.2.0.bin.
	const {name} = known;
	const env = options.env ?? process.env;
	const baseUrl = (options.baseUrl ?? env['OMEGA13_MODELS_URL'] ?? known.baseUrl ?? defaultModelsBaseUrl).replace(/\/+$/, '');
	let url: URL;
	try {
		url = new URL(`${baseUrl}/${modelFileName(name)}`);
	} catch {
		throw new TypeError(`downloadModel: baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
	}
	const dir = options.dir ?? modelsDir(env);
	await mkdir(dir, {recursive: true, mode: 0o700});
	const target = path.join(dir, modelFileName(name));
	const part = path.join(dir, `.${modelFileName(name)}.part`);

	if (options.force !== true && (await sizeOf(target)) === known.bytes && (await sha256Of(target)) === known.sha256) {
		return {name, path: target, bytes: known.bytes, sha256: known.sha256, alreadyPresent: true, resumed: false};
	}

	const hash = createHash('sha256');
	let have = (await sizeOf(part)) ?? 0;
	if (have > known.bytes) {
		await unlink(part);
		have = 0;
	}
	if (have > 0) {
		await hashFile(part, hash);
	}
	const headers: Record<string, string> = have > 0 ? {range: `bytes=${have}-`} : {};
	let response: Response;
	try {
		response = await fetch(url, {headers, signal: options.signal ?? null, redirect: 'follow'});
	} catch (error) {
		throw new Error(`could not reach ${url.origin} to download ${name}: ${networkCause(error)}`, {cause: error});
	}
	let resumed = have > 0 && response.status === 206;
	if (response.status === 416 && have === known.bytes) {
		// The part is already complete; only the check and rename are left.
		resumed = true;
	} else if (response.status !== 200 && response.status !== 206) {
		await response.body?.cancel();
		throw new Error(`downloading ${name} from ${url.href} failed: HTTP ${response.status} ${response.statusText}`);
	}
	const file = await open(part, resumed ? 'a' : 'w', 0o600);
	const started = performance.now();
	let received = resumed ? have : 0;
	// A server that ignored the range sends the whole file again: hash that from the start.
	const digest = resumed ? hash : createHash('sha256');
	let lastReport = 0;
	const report = (force: boolean): void => {
		const now = performance.now();
		if (options.onProgress !== undefined && (force || now - lastReport >= progressIntervalMs)) {
			lastReport = now;
			const seconds = (now - started) / 1000;
			options.onProgress({
				receivedBytes: received,
				totalBytes: known.bytes,
				bytesPerSecond: seconds > 0 ? (received - (resumed ? have : 0)) / seconds : 0,
			});
		}
	};
	try {
		if (response.status !== 416 && response.body !== null) {
			try {
				for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
					received += chunk.length;
					if (received > known.bytes) {
						throw new Error(`downloading ${name}: the server sent more than the expected ${known.bytes} bytes`);
					}
					digest.update(chunk);
					await file.write(chunk);
					report(false);
				}
			} catch (error) {
				if (received > known.bytes || options.signal?.aborted === true) {
					throw error;
				}
				throw new Error(
					`downloading ${name} broke off at ${received} of ${known.bytes} bytes (${networkCause(error)}); run \`omega13 models download ${name}\` again to continue`,
					{cause: error},
				);
			}
		}
		await file.sync();
	} finally {
		await file.close();
	}
	report(true);
	if (received !== known.bytes) {
		throw new Error(
			`downloading ${name} stopped at ${received} of ${known.bytes} bytes; run \`omega13 models download ${name}\` again to continue`,
		);
	}
	const sha256 = digest.digest('hex');
	if (sha256 !== known.sha256) {
		await unlink(part).catch(() => undefined);
		throw new Error(`the downloaded ${name} does not match its checksum (sha256 ${sha256}, expected ${known.sha256}); it was deleted: try again`);
	}
	await checkModelFile({name, path: part});
	await rename(part, target);
	return {name, path: target, bytes: received, sha256, alreadyPresent: false, resumed};
};

/** A one-line progress bar for a terminal: `[#########...........]  45%  35.0/77.7 MB  5.2 MB/s`. */
export const formatDownloadProgress = (progress: DownloadProgress, width = 24): string => {
	const fraction = progress.totalBytes > 0 ? Math.min(1, progress.receivedBytes / progress.totalBytes) : 0;
	const filled = Math.round(fraction * width);
	const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
	return (
		`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ` +
		`${mb(progress.receivedBytes)}/${mb(progress.totalBytes)} MB  ${mb(progress.bytesPerSecond)} MB/s`
	);
};

const sizeOf = async (file: string): Promise<number | undefined> => {
	try {
		return (await stat(file)).size;
	} catch {
		return undefined;
	}
};

const hashFile = async (file: string, hash: Hash): Promise<void> => {
	for await (const chunk of createReadStream(file)) {
		hash.update(chunk as Buffer);
	}
};

const sha256Of = async (file: string): Promise<string> => {
	const hash = createHash('sha256');
	await hashFile(file, hash);
	return hash.digest('hex');
};
