import type {Settings} from '../config/settings-schema.js';
import {captureNumber, type Session} from '../session/session.js';
import {transcriptFinished, type TranscriptState} from '../session/transcript-state.js';
import type {EngineConfig} from '../transcribe/engine-factory.js';
import {lazyEngine} from '../transcribe/engine-factory.js';
import {remoteEngineFromUrl} from '../transcribe/remote-engine.js';
import {TranscriptDelivery} from '../transcribe/transcript-delivery.js';
import {TranscriptionQueue, type QueueEvent} from '../transcribe/transcription-queue.js';
import type {SpeechEvidence} from '../transcribe/salience.js';
import {describeSpeechQueue, type SpeechQueueStats} from '../transcribe/speech-queue.js';
import {createValueStore, type Store} from '../util/store.js';
import type {SpeechDetector} from '../transcribe/speech-detector.js';
import {vadOffHint} from '../transcribe/vad-gate.js';
import {checkModelFile, modelFix, resolveModel} from '../transcribe/model-resolve.js';
import {findKnownModel} from '../transcribe/model-catalog.js';

/** The options that choose the transcription engine. */
export type EngineChoice = Pick<Settings, 'model' | 'engineUrl' | 'engineModel' | 'whisperBin' | 'engineKeyFile'>;

/**
 * The whisper engine the settings ask for: the bundled whisper.cpp (model kept loaded in its own
 * process), the user's whisper-cli, or a server by URL (with its model name and key file).
 */
export const engineConfig = (settings: EngineChoice): EngineConfig => {
	const keyFile = settings.engineKeyFile === null ? {} : {keyFile: settings.engineKeyFile};
	if (settings.engineUrl !== null) {
		const remote = remoteEngineFromUrl(settings.engineUrl);
		return {remote: remote.kind === 'openai' && settings.engineModel !== null ? {...remote, model: settings.engineModel} : remote, ...keyFile};
	}
	return {model: settings.model, ...(settings.whisperBin === null ? {} : {whisperBin: settings.whisperBin})};
};

/** One line per transcription event worth telling (headless prints it; the TUI shows the latest). */
export const transcriptionLine = (event: QueueEvent): string | undefined => {
	const capture = `capture ${captureNumber(event.index)}`;
	switch (event.type) {
		case 'state': {
			const {state} = event;
			if (state.status === 'done') {
				const text = state.text?.trim() ? `: ${state.text.trim().slice(0, 120)}` : ' (no speech found)';
				return `${capture} transcribed in ${state.elapsedSeconds?.toFixed(1) ?? '?'} s${text}`;
			}
			if (state.status === 'no speech') {
				return `${capture}: no speech (Silero VAD), Whisper not run`;
			}
			if (state.status === 'failed') {
				return `${capture} transcription failed: ${state.reason ?? 'unknown reason'} (press t in the TUI, or run \`omega13 transcribe last ${event.index}\`, to retry)`;
			}
			return state.status === 'running' ? `${capture} transcribing with ${state.model ?? 'whisper'}${state.vad === 'off' ? ` (${vadOffHint})` : ''}...` : undefined;
		}
		case 'clipboard': {
			return event.result.ok ? `${capture} transcript copied to the clipboard` : `${capture}: ${event.result.reason}`;
		}
		case 'error': {
			return `${capture}: ${event.message}`;
		}
		case 'speech': {
			return `${capture} waits for its transcript: salience ${event.salience.toFixed(3)}, ${describeSpeechQueue(event.stats)}`;
		}
	}
};

/**
 * Said at start when the bundled whisper.cpp has no usable model (a newcomer trying the demo, above all):
 * every capture's transcript would fail, so what to do is on screen before the first one. Undefined
 * when the model is there, or another engine transcribes.
 */
export const missingModelNotice = async (settings: EngineChoice, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> => {
	if (settings.engineUrl !== null) {
		return undefined;
	}
	try {
		const model = resolveModel(settings.model, env);
		try {
			await checkModelFile(model);
			return undefined;
		} catch {
			const known = findKnownModel(model.name);
			const fix = known === undefined ? `${model.path} is missing or not a valid model: ${modelFix(model)}` : `run \`omega13 models download ${model.name}\` (${Math.round(known.bytes / 1e6)} MB)`;
			return `transcripts need a Whisper model: ${fix}; captures are kept meanwhile, and \`omega13 transcribe last\` (or t on a capture) transcribes them then`;
		}
	} catch (error) {
		return `transcripts cannot be made: ${error instanceof Error ? error.message : String(error)}`;
	}
};

/**
 * Captures queued for whisper as they finish, one at a time, in the background: a capture never waits
 * for a transcript. `transcribe` is the TUI's retry.
 */
export class CaptureTranscriber {
	readonly #queue: TranscriptionQueue;
	readonly #say: (line: string) => void;
	readonly #sessions = new Map<string, Session>();
	/** `--type` and `--notify`: each new transcript handed to the desktop. */
	readonly #delivery: TranscriptDelivery | undefined;
	/** Silero VAD in the transcription process, for live audio (hands-free capture). */
	readonly speechDetector: SpeechDetector;
	/** The speech queue (voice captures waiting for transcripts), for the TUI and `status`. */
	readonly speechQueue: Store<SpeechQueueStats>;

	/** Set as the queue is disposed: the failures that follow are a quit's, not the capture's. */
	#stopping = false;

	/**
	 * `onSettled` is told when a capture's transcript is done or failed (the WAV is free to go); `stopping`
	 * when it failed because omega13 is quitting.
	 */
	constructor(
		settings: EngineChoice & Pick<Settings, 'clipboard' | 'type' | 'notify' | 'speechQueueSegments' | 'speechQueueSeconds'>,
		say: (line: string) => void,
		onSettled?: (session: Session, index: number, stopping: boolean) => void,
	) {
		this.#say = say;
		const {type, notify} = settings;
		const delivery = type || notify ? new TranscriptDelivery({type, notify, say}) : undefined;
		this.#delivery = delivery;
		const engine = lazyEngine(engineConfig(settings));
		this.speechDetector = engine.child;
		const limits = {maxSegments: settings.speechQueueSegments, maxSeconds: settings.speechQueueSeconds};
		const speechQueue = createValueStore<SpeechQueueStats>({segments: 0, seconds: 0, evictions: 0, limits});
		this.speechQueue = speechQueue;
		this.#queue = new TranscriptionQueue({
			engine,
			copyToClipboard: settings.clipboard,
			speechQueue: limits,
			onSpeechQueue: stats => {
				speechQueue.set(stats);
			},
			onEvent: event => {
				const line = transcriptionLine(event);
				if (line) {
					say(line);
				}
				if (delivery && event.type === 'state' && event.state.status === 'done' && event.state.text) {
					void delivery.deliver(event.state.text);
				}
				const session = this.#sessions.get(event.sessionDir);
				if (event.type === 'state' && session && (transcriptFinished(event.state) || event.state.status === 'failed')) {
					onSettled?.(session, event.index, this.#stopping);
				}
			},
		});
	}

	/**
	 * Queues a capture; resolves to its final state (a capture that cannot be queued is said and failed).
	 * With `evidence` (a capture the voice trigger made) it joins the bounded speech queue.
	 */
	transcribe(session: Session, index: number, evidence?: SpeechEvidence): Promise<TranscriptState> {
		this.#sessions.set(session.dir, session);
		if (session.manifest.captures.find(capture => capture.index === index)?.audioDiscardedAt !== undefined) {
			const reason = `capture ${captureNumber(index)} cannot be transcribed again: its audio was deleted once transcribed (--keep transcript)`;
			this.#say(reason);
			return Promise.resolve({status: 'failed', reason});
		}
		try {
			return this.#queue.enqueue(session, index, evidence);
		} catch (error) {
			const reason = `capture ${captureNumber(index)} cannot be transcribed now: ${error instanceof Error ? error.message : String(error)}`;
			this.#say(reason);
			return Promise.resolve({status: 'failed', reason});
		}
	}

	/** Stops whisper (a running job is killed; its capture is picked up again by `omega13 transcribe`). */
	async dispose(): Promise<void> {
		this.#stopping = true;
		await this.#queue.dispose();
		await this.#delivery?.dispose();
	}
}
