import type {XdgEnv} from '../util/app-dirs.js';
import {sileroModelName} from './model-catalog.js';
import {listInstalledModels, modelsDir, type ResolvedModel} from './model-resolve.js';
import {whisperCppVersion} from './whisper-addon.js';
import {WhisperChild} from './whisper-child.js';

export type SetupResult = {
	/** e.g. `whisper.cpp 1.9.3 (prebuilt, cpu)`. */
	readonly engine: string;
	readonly modelsDir: string;
	readonly models: readonly ResolvedModel[];
	/** What to tell the person next, e.g. that no model is installed yet. */
	readonly advice: readonly string[];
};

/**
 * `omega13 setup`: nothing to build any more; checks that the prebuilt whisper.cpp loads (in its own
 * process, as transcription runs it) and says what models there are. Throws with the reason if it
 * does not load.
 */
export const runSetup = async (options: {readonly env?: XdgEnv} = {}): Promise<SetupResult> => {
	const env = options.env ?? process.env;
	const child = new WhisperChild({env: {...process.env, ...env} as NodeJS.ProcessEnv});
	let variant: string;
	try {
		variant = await child.start();
	} finally {
		await child.dispose();
	}
	const models = await listInstalledModels(env);
	const whisperModels = models.filter((model) => !model.name.startsWith('silero'));
	const advice = [
		...(whisperModels.length === 0 ? [`no whisper model in ${modelsDir(env)} yet: run \`omega13 models download base.en\` (or pass --model PATH)`] : []),
		...(models.some((model) => model.name === sileroModelName)
			? []
			: ['no Silero VAD model: run `omega13 models download silero` to skip silence and never transcribe a capture without speech']),
	];
	return {engine: `whisper.cpp ${whisperCppVersion} (prebuilt, ${variant})`, modelsDir: modelsDir(env), models, advice};
};
