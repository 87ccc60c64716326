import type {AudioStream, RingSpan} from '../engine/audio-tap.js';
import type {EpochMs, Frames} from '../util/units.js';
import type {AudioPiece, PieceStore} from '../persist/audio-piece.js';
import type {AudioClip} from './audio-clip.js';
import {HttpError} from './http-error.js';

/** The engine as a reader of its ring (see AudioEngine.ringSpan / copyFromRing). */
export type RingReader = {
	ringSpan(): RingSpan | undefined;
	copyFromRing(stream: AudioStream, first: Frames, end: Frames): Float32Array;
};

/** A stretch of time that can be served whole. */
export type AvailableSpan = {readonly from: string; readonly to: string; readonly seconds: number};

/** Pieces that follow on from each other without a frame missing. */
type Run = {readonly start: EpochMs; end: EpochMs; readonly pieces: AudioPiece[]};

const endOf = (piece: AudioPiece): EpochMs => piece.startTime + (piece.frames * 1000) / piece.sampleRate;

/** Most spans a 416 lists (newest first), so a long history does not make a long message. */
const listedSpans = 8;

/**
 * Everything `/audio` can serve: the ring and, when persistence is on, the chunks on disk (and the one
 * being written). Ranges are cut on the frame axis of their pieces, so a range across chunk files, or
 * from the files into the ring, has every frame once.
 */
export class AudioHistory {
	readonly #ring: RingReader;
	readonly #store: PieceStore | undefined;

	constructor(ring: RingReader, store?: PieceStore) {
		this.#ring = ring;
		this.#store = store;
	}

	/** The latest `seconds`: exact from the ring when it holds them, else from the store too. */
	async latest(seconds: number | undefined): Promise<AudioClip> {
		const span = this.#ring.ringSpan();
		if (span === undefined || span.endFrame === span.firstFrame) {
			throw new HttpError(416, 'no audio has arrived yet: try again in a moment');
		}
		const {stream, firstFrame, endFrame} = span;
		const frames = seconds === undefined ? endFrame - firstFrame : Math.round(seconds * stream.sampleRate);
		if (frames <= endFrame - firstFrame) {
			return {
				sampleRate: stream.sampleRate,
				channels: stream.channels,
				startTime: stream.axis.frameTime(endFrame - frames),
				frames,
				data: this.#ring.copyFromRing(stream, endFrame - frames, endFrame),
			};
		}
		if (this.#store === undefined) {
			const held = (endFrame - firstFrame) / stream.sampleRate;
			throw new HttpError(
				416,
				`the ring holds the last ${held.toFixed(1)} s and persistence is off: ask for seconds up to ${held.toFixed(1)} ` +
					'(or run with --persist HOURS to keep more on disk)',
			);
		}
		return this.range(stream.axis.frameTime(endFrame - frames), stream.axis.frameTime(endFrame), frames);
	}

	/** `[from, to)` from wherever it is held; a 416 that lists what is held when no one run covers it. */
	async range(from: EpochMs, to: EpochMs, exactFrames?: Frames): Promise<AudioClip> {
		const span = this.#ring.ringSpan();
		const runs = this.#runs(span);
		const run = runs.find(candidate => candidate.pieces[0]!.startTime <= from + halfFrame(candidate) && candidate.end >= to - halfFrame(candidate));
		if (run === undefined) {
			throw new HttpError(416, `${describeRange(from, to)} is not held in full; held: ${describeSpans(runs)}`);
		}
		const first = run.pieces[0]!;
		const {sampleRate: rate, channels} = first;
		const toFrame = (time: EpochMs): Frames => Math.round(((time - run.start) * rate) / 1000);
		const fromFrame = toFrame(from);
		const frames = exactFrames ?? toFrame(to) - fromFrame;
		const data = new Float32Array(frames * channels);
		const covered: Array<[Frames, Frames]> = [];
		const place = (part: Float32Array, at: Frames): void => {
			data.set(part, at * channels);
			covered.push([at, at + part.length / channels]);
		};
		const cuts = run.pieces.flatMap(piece => {
			const offset = fromFrame - toFrame(piece.startTime);
			const at = Math.max(0, -offset);
			const count = Math.min(frames, piece.frames - offset) - at;
			return count > 0 ? [{piece, first: offset + at, at, count}] : [];
		});
		// The ring is copied before any await (the drain loop moves it on). Where a chunk and the ring
		// overlap, the ring's exact samples win: the chunk is not decoded there at all, which also keeps a
		// chunk whose encoder has not flushed yet out of a range the ring can serve.
		const ringParts = cuts
			.filter(cut => isRingPiece(cut.piece) && span !== undefined)
			.map(({first, at, count}) => ({at, part: this.#ring.copyFromRing(span!.stream, span!.firstFrame + first, span!.firstFrame + first + count)}));
		const ringFrom = ringParts[0]?.at ?? frames;
		const storeCuts = cuts.flatMap(cut => {
			const count = Math.min(cut.count, ringFrom - cut.at);
			return !isRingPiece(cut.piece) && count > 0 ? [{...cut, count}] : [];
		});
		// Each chunk is decoded by its own child process: on two cores, two at once.
		const stored = await Promise.all(storeCuts.map(async ({piece, first, at, count}) => ({at, part: await piece.read(first, count)})));
		for (const {part, at} of stored) {
			place(part, at);
		}
		for (const {part, at} of ringParts) {
			place(part, at);
		}
		const missing = firstUncovered(covered, frames);
		if (missing !== undefined) {
			throw new HttpError(503, `the audio from ${new Date(run.start + ((fromFrame + missing) * 1000) / rate).toISOString()} is still being written to disk: try again in a few seconds`, {'retry-after': '2'});
		}
		return {sampleRate: rate, channels, startTime: run.start + (fromFrame * 1000) / rate, frames, data};
	}

	/** What can be served, oldest first, for messages and /status. */
	spans(): AvailableSpan[] {
		return this.#runs(this.#ring.ringSpan()).map(run => span(run.start, run.end));
	}

	#runs(ring: RingSpan | undefined): Run[] {
		const pieces = [...(this.#store?.pieces() ?? [])];
		if (ring !== undefined && ring.endFrame > ring.firstFrame) {
			pieces.push(ringPiece(ring));
		}
		pieces.sort((a, b) => a.startTime - b.startTime);
		const runs: Run[] = [];
		for (const piece of pieces) {
			const last = runs.at(-1);
			const joins =
				last !== undefined &&
				last.pieces[0]!.sampleRate === piece.sampleRate &&
				last.pieces[0]!.channels === piece.channels &&
				piece.startTime <= last.end + halfFrame(last);
			if (joins) {
				last.pieces.push(piece);
				last.end = Math.max(last.end, endOf(piece));
			} else {
				runs.push({start: piece.startTime, end: endOf(piece), pieces: [piece]});
			}
		}
		return runs;
	}
}

const ringPieces = new WeakSet<AudioPiece>();
const isRingPiece = (piece: AudioPiece): boolean => ringPieces.has(piece);

/** The ring as a piece; it is read synchronously by `range`, never through `read`. */
const ringPiece = ({stream, firstFrame, endFrame}: RingSpan): AudioPiece => {
	const piece: AudioPiece = {
		startTime: stream.axis.frameTime(firstFrame),
		sampleRate: stream.sampleRate,
		channels: stream.channels,
		frames: endFrame - firstFrame,
		read: async () => {
			throw new Error('the ring is copied synchronously');
		},
	};
	ringPieces.add(piece);
	return piece;
};

const halfFrame = (run: Run): number => 500 / run.pieces[0]!.sampleRate;

const firstUncovered = (covered: Array<[Frames, Frames]>, frames: Frames): Frames | undefined => {
	let reached = 0;
	for (const [start, end] of covered.sort((a, b) => a[0] - b[0])) {
		if (start > reached) {
			return reached;
		}
		reached = Math.max(reached, end);
	}
	return reached < frames ? reached : undefined;
};

const span = (from: EpochMs, to: EpochMs): AvailableSpan => ({
	from: new Date(from).toISOString(),
	to: new Date(to).toISOString(),
	seconds: Math.round(to - from) / 1000,
});

const describeRange = (from: EpochMs, to: EpochMs): string => `${new Date(from).toISOString()} to ${new Date(to).toISOString()}`;

const describeSpans = (runs: readonly Run[]): string => {
	if (runs.length === 0) {
		return 'nothing yet';
	}
	const shown = runs.slice(-listedSpans).map(run => `${describeRange(run.start, run.end)} (${((run.end - run.start) / 1000).toFixed(1)} s)`);
	return `${runs.length > listedSpans ? `${runs.length - listedSpans} older stretches and ` : ''}${shown.join(', ')}`;
};
