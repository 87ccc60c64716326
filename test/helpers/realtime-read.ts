import type {AudioSource} from '../../src/engine/audio-source.js';
import type {Frames} from '../../src/util/units.js';

export type RealtimeRead<S extends AudioSource> = {
	readonly source: S;
	readonly frames: Frames;
	/** The fewest frames it may have delivered: whole periods of the time surely gone by (capped by `into`). */
	readonly least: Frames;
	/** The most: every frame of the time that may have gone by. */
	readonly most: Frames;
};

/**
 * Opens a real-time source, reads it once after about `waitMs`, and brackets how many frames it should
 * have delivered with clock readings taken around its opening and around the read: on a loaded machine
 * that sleeps longer than asked the bounds move with it, so the check never depends on timing. (The
 * sources run on the same monotonic clock as `performance.now()`.)
 */
export const readAfter = async <S extends AudioSource>(open: () => Promise<S>, waitMs: number, into: Float32Array): Promise<RealtimeRead<S>> => {
	const beforeOpen = performance.now();
	const source = await open();
	const afterOpen = performance.now();
	await new Promise(resolve => setTimeout(resolve, waitMs));
	const beforeRead = performance.now();
	const frames = source.read(into);
	const afterRead = performance.now();
	const framesIn = (ms: number): number => (ms * source.sampleRate) / 1000;
	return {
		source,
		frames,
		least: Math.min(Math.floor(framesIn(beforeRead - afterOpen) / source.periodFrames) * source.periodFrames, into.length / source.channels),
		most: Math.ceil(framesIn(afterRead - beforeOpen)),
	};
};
