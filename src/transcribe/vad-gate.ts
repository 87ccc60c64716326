import {access} from 'node:fs/promises';
import type {XdgEnv} from '../util/app-dirs.js';
import {sileroModelName} from './model-catalog.js';
import {checkModelFile, resolveModel, type ResolvedModel} from './model-resolve.js';
import type {SpeechSegment} from './speech-detector.js';
import type {WhisperChild} from './whisper-child.js';

/** Which VAD screens the next capture, or that none does. */
export type VadChoice = {readonly model: ResolvedModel} | {readonly off: true};

/** What the line says when there is no Silero model. */
export const vadOffHint = 'VAD off: `omega13 models download silero` turns it on';

/**
 * Silero VAD before transcription: the queue asks `choose()` at each capture (so a model downloaded
 * while omega13 runs is used from the next capture on), then `detect` for its speech.
 */
export type SpeechGate = {
	choose(): Promise<VadChoice>;
	detect(audioPath: string, model: ResolvedModel, signal: AbortSignal): Promise<readonly SpeechSegment[]>;
	dispose(): Promise<void>;
};

export type SileroGateOptions = {
	readonly child: WhisperChild;
	/** A Silero file, `off`, or (the default) `ggml-silero-v6.2.0.bin` in the models directory when it is there. */
	readonly vad?: string;
	readonly env?: XdgEnv;
};

/** The gate that runs Silero in the transcription process. */
export const sileroGate = ({child, vad, env = process.env}: SileroGateOptions): SpeechGate => ({
	async choose() {
		if (vad === 'off') {
			return {off: true};
		}
		const model = resolveModel(vad ?? sileroModelName, env);
		if (vad === undefined) {
			try {
				await access(model.path);
			} catch {
				return {off: true};
			}
		}
		await checkModelFile(model);
		return {model};
	},
	detect: (audioPath, model, signal) => child.detectSpeechInFile(audioPath, model.path, signal),
	dispose: () => child.dispose(),
});
