import type {EpochMs, Frames, Hertz} from '../util/units.js';

/**
 * A stretch of stored audio on the engine's time axis: a chunk file, the chunk being written, or the
 * ring. Pieces of one stream line up to the frame: a piece's first frame is at `startTime`, its frame
 * N at `startTime + N / sampleRate`.
 */
export type AudioPiece = {
	readonly startTime: EpochMs;
	readonly sampleRate: Hertz;
	readonly channels: number;
	/** Frames it holds (for the chunk being written: what is written so far, read may return fewer). */
	readonly frames: Frames;
	/** Frames `[offset, offset + count)`, interleaved; fewer when the piece ends first. */
	read(offset: Frames, count: Frames): Promise<Float32Array>;
};

/** Where older audio than the ring holds can be found (the rolling persistence). */
export type PieceStore = {
	/** Every piece held, oldest first. */
	pieces(): readonly AudioPiece[];
};
