import {createRequire} from 'node:module';

/**
 * The prebuilt whisper.cpp addon, loaded in the transcription process only (never in the recorder, so a
 * crash inside whisper.cpp cannot take the recorder down). omega13 depends on
 * `@fugood/node-whisper-linux-x64` itself, the CPU build that `@fugood/whisper.node` would pick, rather
 * than on `@fugood/whisper.node`, whose optional dependencies also download its CUDA (about 189 MB) and
 * Vulkan (about 54 MB) builds. A GPU build installed by hand (see the README) is used first.
 */

/** The part of the binding omega13 uses (the binding's own `lib/binding.ts` declares all of it). */
export type WhisperAddon = {
	readonly WhisperContext: new (options: {filePath: string; useGpu?: boolean}) => NativeWhisperContext;
	readonly WhisperVadContext: new (options: {filePath: string; useGpu?: boolean; nThreads?: number}) => NativeVadContext;
};

export type NativeSegment = {readonly text: string; /** ms */ readonly t0: number; /** ms */ readonly t1: number};

export type NativeWhisperContext = {
	/** 16-bit PCM, 16 kHz mono. */
	transcribeData(
		pcm16: ArrayBuffer,
		options: {language?: string; maxThreads?: number; beamSize?: number; bestOf?: number},
	): {stop: () => Promise<void>; promise: Promise<{language?: string; segments: NativeSegment[]; isAborted: boolean}>};
	release(): Promise<void>;
};

export type NativeVadContext = {
	/** 16-bit PCM, 16 kHz mono; segment times in centiseconds. */
	detectSpeechData(pcm16: ArrayBuffer, options: Record<string, number>): Promise<Array<{t0: number; t1: number}>>;
	release(): Promise<void>;
};

/** The binding version omega13 is tested with, and the whisper.cpp it ships. */
export const bindingPackage = '@fugood/node-whisper-linux-x64';
export const whisperCppVersion = '1.9.3';

export type LoadedAddon = {readonly addon: WhisperAddon; readonly variant: 'cpu' | 'cuda' | 'vulkan'};

/**
 * Loads the GPU build if one was installed and loads (its libraries are there), else the CPU build.
 * Throws with what to do when there is no build for this machine.
 */
export const loadWhisperAddon = (): LoadedAddon => {
	const require = createRequire(import.meta.url);
	const platform = `${process.platform}-${process.arch}`;
	for (const variant of ['cuda', 'vulkan'] as const) {
		try {
			return {addon: require(`@fugood/node-whisper-${platform}-${variant}`) as WhisperAddon, variant};
		} catch {
			// Not installed, or its GPU libraries are missing: the CPU build does the work.
		}
	}
	try {
		return {addon: require(`@fugood/node-whisper-${platform}`) as WhisperAddon, variant: 'cpu'};
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' ? 'it is not installed' : (error as Error).message.split('\n')[0];
		throw new Error(
			platform === 'linux-x64'
				? `the prebuilt whisper.cpp (${bindingPackage}) cannot be loaded: ${reason}; run \`npm ci\` in omega13 again, or use --whisper-bin PATH or --engine-url URL`
				: `there is no prebuilt whisper.cpp for ${platform}: use your own whisper-cli (--whisper-bin PATH) or a server (--engine-url URL)`,
			{cause: error},
		);
	}
};
