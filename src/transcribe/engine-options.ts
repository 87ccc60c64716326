import os from 'node:os';

/** whisper.cpp's threads: every core, but past 8 more threads stop helping. */
export const defaultThreads = (): number => Math.max(1, Math.min(os.availableParallelism(), 8));

export type EngineOptions = {
	/** A whisper language code, or `auto`. @default 'en' */
	readonly language?: string;
	/** @default the number of cores, at most 8 */
	readonly threads?: number;
};

/**
 * The one check of the options every local engine takes (the kept-loaded binding and a user's own
 * whisper-cli), with the defaults filled in. `who` names the engine in the message.
 */
export const checkEngineOptions = (who: string, options: EngineOptions): Required<EngineOptions> => {
	const {language = 'en', threads = defaultThreads()} = options;
	if (!Number.isInteger(threads) || threads < 1) {
		throw new RangeError(`${who}: threads must be a whole number of at least 1, got ${threads}`);
	}
	if (!/^(auto|[a-z]{2,3}(-[a-z]+)?)$/i.test(language)) {
		throw new RangeError(`${who}: language must be a whisper language code such as en or de, or auto; got ${JSON.stringify(language)}`);
	}
	return {language, threads};
};
