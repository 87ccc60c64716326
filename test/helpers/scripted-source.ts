import type {AudioSource, GapCause, SourceGap, SourceStats} from '../../src/engine/audio-source.js';
import type {CaptureSink, CaptureSinkFactory, CaptureStart, CaptureEnd} from '../../src/engine/capture-sink.js';
import type {Frames} from '../../src/util/units.js';
import {fillCounter} from './counter-signal.js';

/**
 * A source the test drives by hand: `feed(n)` makes n more frames of the counter signal (or silence)
 * available to the next read. Stands in for JACK in engine unit tests only; the JACK path is tested
 * against a real jackd elsewhere.
 */
export class ScriptedSource implements AudioSource {
	readonly kind = 'demo';
	readonly name = 'scripted';
	readonly periodFrames = 64;
	readonly portNames: readonly string[];
	readonly #queue: Float32Array[] = [];
	#produced: Frames = 0;
	/** Frames made readable (the source's own count: missed frames are not in it). */
	#delivered: Frames = 0;
	#gaps: SourceGap[] = [];
	/** Every gap so far, for frame times. */
	readonly #allGaps: SourceGap[] = [];
	#shutdownReason: string | undefined;
	disposed = 0;

	constructor(
		readonly sampleRate: number,
		readonly channels: number,
		readonly startMs = 1_700_000_000_000,
	) {
		this.portNames = Array.from({length: channels}, (_, c) => `scripted:in_${c + 1}`);
	}

	feed(frames: Frames, signal: 'counter' | 'silence' = 'counter'): void {
		const block = new Float32Array(frames * this.channels);
		if (signal === 'counter') {
			fillCounter(block, this.#produced, frames, this.channels);
		}
		this.#queue.push(block);
		this.#produced += frames;
		this.#delivered += frames;
	}

	/** `frames` of the counter go by without reaching us (a stall, an overflow): a gap before the next frame fed. */
	miss(frames: Frames, cause: GapCause = 'missed-cycles'): void {
		const gap = {atFrame: this.#delivered, frames, cause};
		this.#gaps.push(gap);
		this.#allGaps.push(gap);
		this.#produced += frames;
	}

	takeGaps(): SourceGap[] {
		const gaps = this.#gaps;
		this.#gaps = [];
		return gaps;
	}

	shutDown(reason: string): void {
		this.#shutdownReason = reason;
	}

	read(into: Float32Array): Frames {
		let copied = 0;
		while (this.#queue.length > 0) {
			const head = this.#queue[0]!;
			const room = into.length - copied;
			if (room === 0) {
				break;
			}
			const take = Math.min(room, head.length);
			into.set(head.subarray(0, take), copied);
			copied += take;
			if (take === head.length) {
				this.#queue.shift();
			} else {
				this.#queue[0] = head.subarray(take);
			}
		}
		return copied / this.channels;
	}

	frameTime(frame: Frames): number {
		const missed = this.#allGaps.filter(gap => gap.atFrame <= frame).reduce((sum, gap) => sum + gap.frames, 0);
		return this.startMs + ((frame + missed) / this.sampleRate) * 1000;
	}

	stats(): SourceStats {
		return {xruns: 0, droppedFrames: 0, shutdownReason: this.#shutdownReason};
	}

	dispose(): void {
		this.disposed++;
	}
}

/** A capture sink that keeps everything in memory, so a test can check every sample. */
export class MemorySink implements CaptureSink {
	readonly path: string;
	readonly chunks: Float32Array[] = [];
	end: CaptureEnd | undefined;

	constructor(
		readonly index: number,
		readonly start: CaptureStart,
	) {
		this.path = `memory:${String(index).padStart(3, '0')}`;
	}

	append(block: Float32Array, frames: Frames): void {
		this.chunks.push(block.slice(0, frames * this.start.channels));
	}

	async flush(): Promise<void> {}

	async finish(end: CaptureEnd): Promise<void> {
		this.end = end;
	}

	/** Every frame appended, interleaved, in order. */
	data(): Float32Array {
		const out = new Float32Array(this.chunks.reduce((sum, chunk) => sum + chunk.length, 0));
		let at = 0;
		for (const chunk of this.chunks) {
			out.set(chunk, at);
			at += chunk.length;
		}
		return out;
	}
}

/** A sink factory that records the sinks it made; `openDelay` lets a test hold the open. */
export const memorySinks = (openDelay?: () => Promise<void>): {factory: CaptureSinkFactory; sinks: MemorySink[]} => {
	const sinks: MemorySink[] = [];
	return {
		sinks,
		factory: async start => {
			await openDelay?.();
			const sink = new MemorySink(sinks.length + 1, start);
			sinks.push(sink);
			return sink;
		},
	};
};
