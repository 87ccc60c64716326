import type {ChildProcess} from 'node:child_process';
import type {XdgEnv} from '../util/app-dirs.js';
import {defaultModelName} from './model-catalog.js';
import {checkModelFile, resolveModel} from './model-resolve.js';
import {ProcessEngine} from './process-engine.js';
import {RemoteEngine, type RemoteEngineConfig} from './remote-engine.js';
import {WhisperServerEngine} from './server-engine.js';
import {TranscriptionError, failureReason} from './transcription-error.js';
import type {TranscriptionEngine} from './transcription-engine.js';
import type {LazyEngine} from './transcription-queue.js';
import {ensureWhisperBuilt, findWhisperBinaries, type BuildProgress, type WhisperBinaries} from './whisper-build.js';

export const EngineMode = {
	/** A whisper.cpp `main` process per capture: the model is loaded each time. */
	process: 'process',
	/** whisper.cpp's server on loopback keeps the model loaded between captures. */
	server: 'server',
	/** An HTTP service from the config (`remote`). */
	remote: 'remote',
} as const;
export type EngineMode = (typeof EngineMode)[keyof typeof EngineMode];

export type EngineConfig = {
	/** @default 'server' (falls back to 'process' when there is no server binary) */
	readonly mode?: EngineMode;
	/** A model name (`base.en`, looked up in the models directory) or a path to a ggml file. @default base.en */
	readonly model?: string;
	/** A whisper language code, or `auto`. @default 'en' */
	readonly language?: string;
	/** @default the number of cores, at most 8 */
	readonly threads?: number;
	/** Required with mode `remote`. */
	readonly remote?: RemoteEngineConfig;
	/**
	 * `auto` builds whisper.cpp on first use if it is not built; `never` fails the capture with "run
	 * `omega13 setup`" instead.
	 * @default 'auto'
	 */
	readonly build?: 'auto' | 'never';
	readonly onBuildProgress?: (progress: BuildProgress) => void;
	readonly env?: XdgEnv;
	/** Told about each whisper process (tests). */
	readonly onSpawn?: (child: ChildProcess) => void;
};

const validModes: readonly string[] = Object.values(EngineMode);

/**
 * An engine for the queue, made on first use: for a local mode that is when the model is checked and
 * whisper.cpp is found or built. Labels (model, language) are known at once for the `queued` state.
 */
export const lazyEngine = (config: EngineConfig = {}): LazyEngine => {
	const {mode = 'server', language = 'en', build = 'auto', env = process.env} = config;
	if (!validModes.includes(mode)) {
		throw new TypeError(`engine mode must be one of ${validModes.join(', ')}, got ${JSON.stringify(mode)}`);
	}
	if (build !== 'auto' && build !== 'never') {
		throw new TypeError(`engine build must be 'auto' or 'never', got ${JSON.stringify(build)}`);
	}
	if (mode === 'remote') {
		if (config.remote === undefined) {
			throw new TypeError('engine mode remote needs a remote: {kind, url} in the config');
		}
		const engine = new RemoteEngine({remote: config.remote, language});
		return {model: engine.model, language, create: async () => engine};
	}
	const model = resolveModel(config.model ?? defaultModelName, env);
	// A build that failed is not tried again for every capture (each try is minutes of compiling); a
	// build finished meanwhile by `omega13 setup` is still found.
	let buildFailure: TranscriptionError | undefined;
	return {
		model: model.name,
		language,
		create: async (signal) => {
			await checkModelFile(model);
			let binaries: WhisperBinaries;
			if (buildFailure === undefined) {
				try {
					binaries = await localBinaries(build, env, config.onBuildProgress, signal);
				} catch (error) {
					if (error instanceof TranscriptionError && error.code === 'build-failed') {
						buildFailure = error;
					}
					throw error;
				}
			} else {
				binaries = (await findWhisperBinaries(env)) ?? throwError(buildFailure);
			}
			const common = {binaries, model, language, ...(config.threads === undefined ? {} : {threads: config.threads}), ...(config.onSpawn === undefined ? {} : {onSpawn: config.onSpawn})};
			const engine: TranscriptionEngine =
				mode === 'server' && binaries.server !== undefined ? new WhisperServerEngine(common) : new ProcessEngine(common);
			return engine;
		},
	};
};

const throwError = (error: Error): never => {
	throw error;
};

const localBinaries = async (
	build: 'auto' | 'never',
	env: XdgEnv,
	onProgress: EngineConfig['onBuildProgress'],
	signal: AbortSignal,
): Promise<WhisperBinaries> => {
	if (build === 'never') {
		const found = await findWhisperBinaries(env);
		if (found === undefined) {
			throw new TranscriptionError('not-built', 'whisper.cpp is not built: run `omega13 setup`');
		}
		return found;
	}
	try {
		return await ensureWhisperBuilt({env, signal, ...(onProgress === undefined ? {} : {onProgress})});
	} catch (error) {
		if (error instanceof TranscriptionError || signal.aborted) {
			throw error;
		}
		// The manifest gets one line; `omega13 setup` shows the compiler's output.
		const firstLine = failureReason(error).split('\n')[0];
		throw new TranscriptionError('build-failed', `${firstLine}; run \`omega13 setup\` to see the whole build output`, {cause: error});
	}
};
