/**
 * The transcription process: loads the prebuilt whisper.cpp addon, keeps a whisper model and a Silero
 * VAD model loaded, and answers `engine-protocol.ts` requests. Started by `WhisperChild` (under
 * `setpriv --pdeathsig KILL`, so it dies with omega13); it ends when the IPC channel closes.
 */
import {readWav} from '../wav/wav-reader.js';
import type {ChildFailureCode, ChildReply, ChildRequest, DetectSpeechRequest, TranscribeRequest} from './engine-protocol.js';
import {downmixToMono} from './resampler.js';
import {spliceSpeech} from './speech-splice.js';
import {encodePcm16} from './whisper-audio.js';
import {loadWhisperAddon, type NativeVadContext, type NativeWhisperContext, type WhisperAddon} from './whisper-addon.js';

const send = (reply: ChildReply): void => {
	process.send?.(reply);
};

class Failure extends Error {
	constructor(readonly code: ChildFailureCode, message: string) {
		super(message);
	}
}

/** One loaded model per kind; a request naming another file replaces it. */
class Loaded<T extends {release(): Promise<void>}> {
	#path: string | undefined;
	#context: T | undefined;
	constructor(readonly make: (path: string) => T) {}
	get(path: string): T {
		if (this.#path !== path || this.#context === undefined) {
			void this.#context?.release();
			this.#context = undefined;
			this.#context = this.make(path);
			this.#path = path;
		}
		return this.#context;
	}
}

const pcm16 = (samples: Float32Array): ArrayBuffer => {
	const bytes = encodePcm16(samples);
	return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
};

/** The last file read: a capture is read once for VAD and again, at once, for Whisper. */
let lastRead: {path: string; samples: Float32Array} | undefined;

const readMono = async (audioPath: string): Promise<Float32Array> => {
	if (lastRead?.path === audioPath) {
		return lastRead.samples;
	}
	try {
		const wav = await readWav(audioPath);
		const samples = wav.channels === 1 ? wav.data : downmixToMono(wav.data, wav.channels);
		lastRead = {path: audioPath, samples};
		return samples;
	} catch (error) {
		throw new Failure('bad-audio', `could not read ${audioPath}: ${(error as Error).message}`);
	}
};

const loadModel = <T>(what: string, path: string, make: () => T): T => {
	try {
		return make();
	} catch (error) {
		throw new Failure('model-invalid', `whisper.cpp could not load the ${what} ${path} (${(error as Error).message})`);
	}
};

const serve = (addon: WhisperAddon): void => {
	const whisper = new Loaded<NativeWhisperContext>((path) => loadModel('model', path, () => new addon.WhisperContext({filePath: path, useGpu: true})));
	const vad = new Loaded<NativeVadContext>((path) => loadModel('VAD model', path, () => new addon.WhisperVadContext({filePath: path, nThreads: 1})));

	const transcribe = async (request: TranscribeRequest): Promise<ChildReply> => {
		const samples = await readMono(request.audioPath);
		// The queue's scratch files are never read twice after this.
		lastRead = undefined;
		const context = whisper.get(request.model);
		const spliced = request.speech === undefined ? undefined : spliceSpeech(samples, request.speech, request.overlap);
		const started = performance.now();
		const result = await context.transcribeData(pcm16(spliced?.samples ?? samples), {
			language: request.language,
			maxThreads: request.threads,
		}).promise;
		const computeMs = performance.now() - started;
		const time = (ms: number): number => (spliced === undefined ? ms / 1000 : spliced.toCaptureTime(ms / 1000));
		return {
			type: 'reply',
			id: request.id,
			ok: true,
			op: 'transcribe',
			language: result.language,
			segments: result.segments.map((segment) => ({start: time(segment.t0), end: time(segment.t1), text: segment.text})),
			computeMs,
		};
	};

	const detect = async (request: DetectSpeechRequest): Promise<ChildReply> => {
		const samples = request.pcm ?? (await readMono(request.audioPath));
		const context = vad.get(request.vadModel);
		const started = performance.now();
		// Silero needs a few frames of 32 ms; less than that holds no speech.
		const found = samples.length < 512 ? [] : await context.detectSpeechData(pcm16(samples), {...request.params});
		const computeMs = performance.now() - started;
		// The binding gives centiseconds.
		return {type: 'reply', id: request.id, ok: true, op: 'detect-speech', segments: found.map((segment) => ({start: segment.t0 / 100, end: segment.t1 / 100})), computeMs};
	};

	process.on('message', (message: ChildRequest) => {
		const work = message.op === 'transcribe' ? transcribe(message) : detect(message);
		work.then(send, (error: unknown) => {
			const code = error instanceof Failure ? error.code : 'crashed';
			send({type: 'reply', id: message.id, ok: false, code, message: (error as Error).message ?? String(error)});
		});
	});
};

// The parent went away (its exit path closed the channel): nothing is left to do.
process.on('disconnect', () => process.exit(0));
try {
	const {addon, variant} = loadWhisperAddon();
	serve(addon);
	send({type: 'ready', variant});
} catch (error) {
	send({type: 'fatal', message: (error as Error).message});
	process.disconnect?.();
}
