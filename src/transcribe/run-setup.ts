import type {XdgEnv} from '../util/app-dirs.js';
import {listInstalledModels, modelsDir, type ResolvedModel} from './model-resolve.js';
import {ensureWhisperBuilt, type BuildProgress, type WhisperBinaries} from './whisper-build.js';

export type SetupOptions = {
	readonly onProgress?: (progress: BuildProgress) => void;
	readonly env?: XdgEnv;
	readonly signal?: AbortSignal;
};

export type SetupResult = {
	readonly binaries: WhisperBinaries;
	readonly modelsDir: string;
	readonly models: readonly ResolvedModel[];
	/** What to tell the person next, e.g. that no model is installed yet. */
	readonly advice: readonly string[];
};

/** `omega13 setup`: builds whisper.cpp (with progress) if it is not built, and says what models there are. */
export const runSetup = async (options: SetupOptions = {}): Promise<SetupResult> => {
	const env = options.env ?? process.env;
	const binaries = await ensureWhisperBuilt({
		env,
		...(options.onProgress === undefined ? {} : {onProgress: options.onProgress}),
		...(options.signal === undefined ? {} : {signal: options.signal}),
	});
	const models = await listInstalledModels(env);
	const advice =
		models.length === 0
			? [`no whisper model in ${modelsDir(env)} yet: run \`omega13 models download base.en\` (or pass --model PATH)`]
			: [];
	return {binaries, modelsDir: modelsDir(env), models, advice};
};
