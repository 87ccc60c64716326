import type {ServerResponse} from 'node:http';
import type {AudioStream, AudioTap} from '../engine/audio-tap.js';
import type {Frames, Seconds} from '../util/units.js';
import {floatBytes} from '../codec/pcm-bytes.js';
import {encodeHeader, headerLayout, uint32Max} from '../wav/wav-header.js';
import {audioHeaders} from './audio-response.js';
import {startStream} from './api-server.js';
import {HttpError} from './http-error.js';

export type LiveFormat = 'pcm' | 'wav';

type Listener = {
	readonly response: ServerResponse;
	readonly stream: AudioStream;
	readonly who: string;
};

export type LiveBroadcasterOptions = {
	/** Audio a listener may fall behind by before it is cut off. @default 2 */
	readonly maxLagSeconds?: Seconds;
	readonly log: (line: string) => void;
};

/**
 * `/live`: every listener gets the audio as the engine drains it (raw float32, or a WAV whose sizes say
 * "unknown length"). An engine tap, so it costs nothing without listeners. A listener that reads slower
 * than the audio arrives is cut off, with a logged reason, once it is `maxLagSeconds` behind: the bytes
 * waiting for it would otherwise grow without end.
 */
export class LiveBroadcaster implements AudioTap {
	readonly #listeners = new Set<Listener>();
	readonly #maxLagSeconds: Seconds;
	readonly #log: (line: string) => void;
	#current: AudioStream | undefined;

	constructor(options: LiveBroadcasterOptions) {
		this.#maxLagSeconds = options.maxLagSeconds ?? 2;
		this.#log = options.log;
	}

	get listeners(): number {
		return this.#listeners.size;
	}

	/** Starts streaming to `response` from the next block on. */
	listen(response: ServerResponse, format: LiveFormat, who: string): void {
		const stream = this.#current;
		if (stream === undefined) {
			throw new HttpError(503, 'no audio has arrived yet: try again in a moment', {'retry-after': '1'});
		}
		startStream(response, {...audioHeaders({...stream, startTime: Date.now()}, format), 'transfer-encoding': 'chunked'});
		if (format === 'wav') {
			response.write(streamingWavHeader(stream));
		} else {
			// The client learns the format before the first block arrives.
			response.flushHeaders();
		}
		const listener = {response, stream, who};
		this.#listeners.add(listener);
		response.once('close', () => this.#listeners.delete(listener));
	}

	write(stream: AudioStream, block: Float32Array, frames: Frames): void {
		this.#current = stream;
		if (this.#listeners.size === 0) {
			return;
		}
		// One copy for everyone: the block is the drain loop's buffer and is reused after this call.
		const bytes = floatBytes(block, frames, stream.channels);
		const limit = this.#maxLagSeconds * stream.sampleRate * stream.channels * 4;
		for (const listener of this.#listeners) {
			if (listener.stream !== stream) {
				this.#cut(listener, 'the audio source changed (its rate or channels may differ): connect again');
			} else if (listener.response.writableLength > limit) {
				this.#cut(listener, `it fell more than ${this.#maxLagSeconds} s behind (reading slower than the audio arrives)`);
			} else {
				listener.response.write(bytes);
			}
		}
	}

	/** Ends every live response. Idempotent. */
	dispose(): void {
		for (const listener of this.#listeners) {
			listener.response.end();
		}
		this.#listeners.clear();
	}

	#cut(listener: Listener, reason: string): void {
		this.#listeners.delete(listener);
		this.#log(`live listener ${listener.who} cut off: ${reason}`);
		listener.response.destroy();
	}
}

/** A float WAV header whose sizes say "as long as the stream lasts" (0xFFFFFFFF, as streaming servers send). */
const streamingWavHeader = (stream: AudioStream): Buffer => {
	const format = {sampleRate: stream.sampleRate, channels: stream.channels, sampleFormat: 'float32'} as const;
	const header = encodeHeader(format, 0);
	header.writeUInt32LE(uint32Max, 4);
	header.writeUInt32LE(uint32Max, headerLayout(format).dataSizeOffset);
	return header;
};
