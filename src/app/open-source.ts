import type {AudioSource} from '../engine/audio-source.js';
import {openDemoSource} from '../engine/demo-source.js';
import {openFileSource} from '../engine/file-source.js';
import {isJackError} from '../engine/jack-errors.js';
import {JackSource} from '../engine/jack-source.js';
import type {SourceChoice} from './source-choice.js';

export type SourceSettings = {
	readonly source: SourceChoice;
	readonly jackName: string;
	readonly channels: number;
	readonly connect: readonly string[] | 'physical' | 'none';
};

export const openJackSource = (settings: SourceSettings): JackSource =>
	JackSource.open({name: settings.jackName, channels: settings.channels, connect: settings.connect});

/** The rate the demo and file sources run at when JACK is absent: JACK's usual one. */
const demoRate = 48_000;

/**
 * Opens the source the user chose. `auto` means JACK when a server answers, else the built-in demo,
 * with `fellBack` saying why, so a new user sees meters move at once.
 */
export const openSource = async (settings: SourceSettings): Promise<{source: AudioSource; fellBack: string | undefined}> => {
	const {source} = settings;
	switch (source.kind) {
		case 'jack': {
			return {source: openJackSource(settings), fellBack: undefined};
		}
		case 'demo': {
			return {source: await openDemoSource({sampleRate: demoRate, channels: settings.channels}), fellBack: undefined};
		}
		case 'file': {
			return {source: await openFileSource(source.path, {channels: settings.channels}), fellBack: undefined};
		}
		case 'auto': {
			try {
				return {source: openJackSource(settings), fellBack: undefined};
			} catch (error) {
				if (!isJackError(error, 'JACK_NO_SERVER') && !isJackError(error, 'JACK_ADDON_MISSING')) {
					throw error;
				}
				return {
					source: await openDemoSource({sampleRate: demoRate, channels: settings.channels}),
					fellBack: `${error.message.split('\n')[0]}; playing the built-in demo source instead (--source jack to insist on JACK)`,
				};
			}
		}
	}
};
