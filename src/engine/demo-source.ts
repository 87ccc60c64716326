import {fileURLToPath} from 'node:url';
import {readWav} from '../wav/wav-reader.js';
import {LoopingClipSource} from './looping-clip-source.js';
import type {Hertz} from '../util/units.js';

/**
 * The clip the demo source loops: a chime and a spoken sentence over quiet room tone, 48 kHz mono,
 * made by `assets/make-demo.sh`. Resolved from this module so it is found from `dist/src/engine` in the
 * repository and in the installed package alike (package.json ships `assets`).
 */
export const demoAssetPath = fileURLToPath(new URL('../../../assets/omega13-demo.wav', import.meta.url));

export type DemoSourceOptions = {
	/** @default 48000 (the clip's rate: no conversion) */
	readonly sampleRate?: Hertz;
	/** The clip is mono; every channel gets it. @default 2 */
	readonly channels?: number;
};

/** The input used when there is no JACK server: the built-in clip, looped in real time. */
export const openDemoSource = async (options: DemoSourceOptions = {}): Promise<LoopingClipSource> => {
	let clip;
	try {
		clip = await readWav(demoAssetPath);
	} catch (error) {
		throw new Error(`the demo source's clip is missing or damaged (${demoAssetPath}): ${error instanceof Error ? error.message : String(error)}`);
	}
	return new LoopingClipSource({
		kind: 'demo',
		name: 'demo',
		client: 'demo',
		clip,
		sampleRate: options.sampleRate,
		channels: options.channels ?? 2,
	});
};
