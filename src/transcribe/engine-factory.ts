import type {ChildProcess} from 'node:child_process';
import type {XdgEnv} from '../util/app-dirs.js';
import {readEngineKey} from './engine-key.js';
import type {EngineOptions} from './engine-options.js';
import {LocalEngine} from './local-engine.js';
import {defaultModelName, sileroModelName} from './model-catalog.js';
import {checkModelFile, resolveModel} from './model-resolve.js';
import {ProcessEngine} from './process-engine.js';
import {RemoteEngine, type RemoteEngineConfig} from './remote-engine.js';
import {TranscriptionError} from './transcription-error.js';
import type {LazyEngine} from './transcription-queue.js';
import {sileroGate, type SpeechGate} from './vad-gate.js';
import {WhisperChild} from './whisper-child.js';

export type EngineConfig = EngineOptions & {
	/** A model name (`base.en`, looked up in the models directory) or a path to a ggml file. @default base.en */
	readonly model?: string;
	/** The user's own whisper-cli, run once per capture instead of the bundled whisper.cpp. */
	readonly whisperBin?: string;
	/** An HTTP service instead of whisper.cpp here. */
	readonly remote?: RemoteEngineConfig;
	/** A file holding the key of an OpenAI-compatible service (`OMEGA13_ENGINE_KEY` wins over it). */
	readonly keyFile?: string;
	/** The Silero model: a path, `off`, or (the default) `ggml-silero-v6.2.0.bin` in the models directory if it is there. */
	readonly vad?: string;
	readonly env?: XdgEnv;
	/** Told about each process started: the transcription process, or each whisper-cli run (tests). */
	readonly onSpawn?: (child: ChildProcess) => void;
};

/** The engine for the queue with its VAD gate; both share one transcription process. */
export type Transcriber = LazyEngine & {readonly speech: SpeechGate; readonly child: WhisperChild};

/**
 * An engine for the queue, made on first use (when the model is checked and, for a remote service, its
 * key read), and Silero VAD in front of it. Labels (model, language) are known at once for `queued`.
 * Nothing is compiled: the bundled whisper.cpp is a prebuilt addon, run in its own process.
 */
export const lazyEngine = (config: EngineConfig = {}): Transcriber => {
	const {language = 'en', env = process.env} = config;
	const onSpawn = config.onSpawn === undefined ? {} : {onSpawn: config.onSpawn};
	const vadModel = config.vad === 'off' ? {} : {vadModel: resolveModel(config.vad ?? sileroModelName, env).path};
	const child = new WhisperChild({...onSpawn, ...vadModel, env: {...process.env, ...env} as NodeJS.ProcessEnv});
	const speech = sileroGate({child, env, ...(config.vad === undefined ? {} : {vad: config.vad})});
	const options = {language, ...(config.threads === undefined ? {} : {threads: config.threads})};
	if (config.remote !== undefined) {
		const remote = config.remote;
		const labels = new RemoteEngine({remote, language});
		return {
			model: labels.model,
			language,
			speech,
			child,
			create: async () => {
				if (remote.kind !== 'openai' || remote.apiKey !== undefined) {
					return labels;
				}
				let apiKey;
				try {
					apiKey = await readEngineKey(config.keyFile, env);
				} catch (error) {
					throw new TranscriptionError('remote', (error as Error).message, {cause: error});
				}
				return apiKey === undefined ? labels : new RemoteEngine({remote: {...remote, apiKey}, language});
			},
		};
	}
	const model = resolveModel(config.model ?? defaultModelName, env);
	const {whisperBin} = config;
	return {
		model: model.name,
		language,
		speech,
		child,
		create: async () => {
			await checkModelFile(model);
			return whisperBin === undefined
				? new LocalEngine({child, model, ...options})
				: new ProcessEngine({bin: whisperBin, model, ...options, ...onSpawn});
		},
	};
};
