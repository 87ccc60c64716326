import {checkModelFile, modelFix, type ResolvedModel} from './model-resolve.js';
import {checkEngineOptions, type EngineOptions} from './engine-options.js';
import {TranscriptionError} from './transcription-error.js';
import type {EngineRequest, EngineResult, TranscriptionEngine} from './transcription-engine.js';
import {whisperCppVersion} from './whisper-addon.js';
import type {WhisperChild} from './whisper-child.js';

export type LocalEngineOptions = EngineOptions & {
	readonly child: WhisperChild;
	readonly model: ResolvedModel;
};

/**
 * whisper.cpp from the prebuilt binding, in the transcription process, with the model kept loaded
 * between captures. Given the speech VAD found, only that is transcribed (times map back to the capture).
 */
export class LocalEngine implements TranscriptionEngine {
	readonly model: string;
	readonly language: string;
	readonly #threads: number;
	readonly #options: LocalEngineOptions;

	constructor(options: LocalEngineOptions) {
		const {language, threads} = checkEngineOptions('LocalEngine', options);
		this.#options = options;
		this.#threads = threads;
		this.language = language;
		this.model = options.model.name;
	}

	get description(): string {
		const variant = this.#options.child.variant;
		return `whisper.cpp ${whisperCppVersion} (kept loaded${variant === undefined || variant === 'cpu' ? '' : `, ${variant}`})`;
	}

	async transcribe(request: EngineRequest): Promise<EngineResult> {
		const {model, child} = this.#options;
		// A model deleted or replaced since it was loaded is noticed here.
		await checkModelFile(model);
		try {
			const result = await child.transcribe(
				{
					model: model.path,
					audioPath: request.audioPath,
					language: this.language,
					threads: this.#threads,
					...(request.speech === undefined ? {} : {speech: request.speech}),
				},
				request.signal,
			);
			return {segments: result.segments, language: result.language};
		} catch (error) {
			if (error instanceof TranscriptionError && error.code === 'model-invalid') {
				throw new TranscriptionError(
					'model-invalid',
					`${error.message}: it is damaged or not a valid whisper model; ${modelFix(model)}`,
				);
			}
			throw error;
		}
	}

	async dispose(): Promise<void> {
		await this.#options.child.dispose();
	}
}
