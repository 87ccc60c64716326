import type {CaptureGap, CaptureSink, CaptureStart} from './capture-sink.js';
import type {Frames} from '../util/units.js';

/**
 * One capture between its trigger and its stop: the record queue in front of the sink.
 *
 * The trigger is synchronous (it fixes the seam between pre-roll and live audio at a drain boundary),
 * but opening a file is not. Until the sink exists, frames wait here as copies, in order; after that they
 * go straight through. So no frame is lost or doubled at the seam, however long the open takes.
 */
export class ActiveCapture {
	readonly start: CaptureStart;
	readonly #gaps: CaptureGap[];
	#frames: Frames = 0;
	#pending: Float32Array[] | undefined = [];
	#sink: CaptureSink | undefined;
	#stopRequested = false;

	/** `gaps`: the silence already in the pre-roll. */
	constructor(start: CaptureStart, preroll: Float32Array, gaps: readonly CaptureGap[]) {
		this.start = start;
		this.#gaps = [...gaps];
		this.#pending!.push(preroll);
		this.#frames = start.prerollFrames;
	}

	get frames(): Frames {
		return this.#frames;
	}

	get gaps(): readonly CaptureGap[] {
		return this.#gaps;
	}

	/** Frames that never arrived (filled with silence) in the capture so far. */
	get droppedFrames(): Frames {
		return this.#gaps.reduce((sum, gap) => sum + gap.frames, 0);
	}

	/** The silence about to be appended stands for frames that never arrived. */
	noteGap(frames: Frames, cause: CaptureGap['cause']): void {
		this.#gaps.push({atFrame: this.#frames, frames, cause});
	}

	get sink(): CaptureSink | undefined {
		return this.#sink;
	}

	/** A stop arrived while the file was still opening. */
	get stopRequested(): boolean {
		return this.#stopRequested;
	}

	requestStop(): void {
		this.#stopRequested = true;
	}

	append(block: Float32Array, frames: Frames): void {
		if (frames === 0) {
			return;
		}
		this.#frames += frames;
		if (this.#sink) {
			this.#sink.append(block, frames);
			return;
		}
		// `block` is the drain loop's reusable buffer: keep a copy until the sink takes over.
		this.#pending!.push(block.slice(0, frames * this.start.channels));
	}

	/** Hands the queued frames to the now-open sink, in order; later frames go straight to it. */
	attach(sink: CaptureSink): void {
		const {channels} = this.start;
		for (const chunk of this.#pending ?? []) {
			sink.append(chunk, chunk.length / channels);
		}
		this.#pending = undefined;
		this.#sink = sink;
	}
}
