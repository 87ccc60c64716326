import {execFile} from 'node:child_process';
import path from 'node:path';
import {promisify} from 'node:util';
import {jfkWav} from './fixtures.js';

const run = promisify(execFile);

/** A piece of a test track: digital silence, (part of) jfk.wav, or pink noise normalized to a peak. */
export type TrackPart =
	| {readonly silence: number}
	| {readonly jfk: {readonly from?: number; readonly seconds?: number; readonly gainDb?: number}}
	| {readonly pinkNoise: number; readonly peakDb: number};

let made = 0;

/**
 * The parts played one after the other, as a 32-bit float stereo WAV at `rate` in `dir` (sox builds it,
 * an independent tool): the tracks the voice tests play through JACK. Returns its path.
 */
export const buildTrack = async (dir: string, parts: readonly TrackPart[], rate = 48_000): Promise<string> => {
	const float = ['-r', String(rate), '-c', '2', '-b', '32', '-e', 'floating-point'];
	const files: string[] = [];
	for (const part of parts) {
		const file = path.join(dir, `part-${++made}.wav`);
		if ('silence' in part) {
			await run('sox', ['-n', ...float, file, 'trim', '0', String(part.silence)]);
		} else if ('jfk' in part) {
			const {from = 0, seconds, gainDb} = part.jfk;
			const trim = from === 0 && seconds === undefined ? [] : ['trim', String(from), ...(seconds === undefined ? [] : [String(seconds)])];
			await run('sox', [jfkWav, ...float, file, ...trim, ...(gainDb === undefined ? [] : ['gain', String(gainDb)])]);
		} else {
			await run('sox', ['-n', ...float, file, 'synth', String(part.pinkNoise), 'pinknoise', 'gain', '-n', String(part.peakDb)]);
		}
		files.push(file);
	}
	const track = path.join(dir, `track-${++made}.wav`);
	await run('sox', [...files, track]);
	return track;
};
