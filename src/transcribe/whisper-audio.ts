import {open, rm} from 'node:fs/promises';
import os from 'node:os';
import type {Frames, Hertz, Seconds} from '../util/units.js';
import {readWav, readWavInfo} from '../wav/wav-reader.js';
import {decodeToWav, isWav} from './decode-audio.js';
import {Resampler, downmixToMono} from './resampler.js';

/** whisper.cpp reads 16 kHz, 16-bit PCM, mono or stereo; anything else it refuses. */
export const whisperSampleRate: Hertz = 16_000;

export type WhisperAudio = {
	/** The 16 kHz mono 16-bit WAV written. */
	readonly path: string;
	readonly frames: Frames;
	readonly seconds: Seconds;
	readonly sourceRate: Hertz;
	readonly sourceChannels: number;
};

/** Frames read per step: 4 s at 48 kHz (about 1.5 MB of stereo float), so a long capture never sits in memory whole. */
const chunkFrames = 192_000;
const headerBytes = 44;

/**
 * Converts a capture (any rate, any channel count, any sample format the session writes) to what
 * whisper.cpp reads: channels averaged to mono, resampled to 16 kHz with the anti-aliasing resampler,
 * rounded to 16-bit with clipping. Streams through the file in chunks.
 */
export const writeWhisperWav = async (sourcePath: string, targetPath: string): Promise<WhisperAudio> => {
	if (!isWav(sourcePath)) {
		// A capture kept as FLAC or Opus: decode it beside the target first, then convert as usual.
		const decoded = `${targetPath}.decoded.wav`;
		await decodeToWav(sourcePath, decoded);
		try {
			return await writeWhisperWav(decoded, targetPath);
		} finally {
			await rm(decoded, {force: true});
		}
	}
	const info = await readWavInfo(sourcePath);
	const resampler = info.sampleRate === whisperSampleRate ? undefined : new Resampler(info.sampleRate, whisperSampleRate);
	const file = await open(targetPath, 'w', 0o600);
	try {
		let position = headerBytes;
		let frames = 0;
		const write = async (mono: Float32Array): Promise<void> => {
			if (mono.length === 0) {
				return;
			}
			const bytes = encodePcm16(mono);
			await file.write(bytes, 0, bytes.length, position);
			position += bytes.length;
			frames += mono.length;
		};
		for (let start = 0; start < info.frames; start += chunkFrames) {
			const {data} = await readWav(sourcePath, {startFrame: start, frameCount: Math.min(chunkFrames, info.frames - start)});
			const mono = downmixToMono(data, info.channels);
			await write(resampler === undefined ? mono : resampler.process(mono));
		}
		if (resampler !== undefined) {
			await write(resampler.flush());
		}
		await file.write(pcm16Header(frames, whisperSampleRate), 0, headerBytes, 0);
		return {
			path: targetPath,
			frames,
			seconds: frames / whisperSampleRate,
			sourceRate: info.sampleRate,
			sourceChannels: info.channels,
		};
	} finally {
		await file.close();
	}
};

const littleEndian = os.endianness() === 'LE';

/** Rounds to 16-bit with clipping (NaN becomes 0). */
export const encodePcm16 = (samples: Float32Array): Buffer => {
	const pcm = new Int16Array(samples.length);
	for (let i = 0; i < samples.length; i++) {
		const value = Math.round(samples[i]! * 32767);
		pcm[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
	}
	const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
	return littleEndian ? bytes : bytes.swap16();
};

/** A canonical 44-byte header for mono 16-bit PCM. */
export const pcm16Header = (frames: Frames, sampleRate: Hertz): Buffer => {
	const dataBytes = frames * 2;
	const header = Buffer.alloc(headerBytes);
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(36 + dataBytes, 4);
	header.write('WAVE', 8, 'latin1');
	header.write('fmt ', 12, 'latin1');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(1, 22);
	header.writeUInt32LE(sampleRate, 24);
	header.writeUInt32LE(sampleRate * 2, 28);
	header.writeUInt16LE(2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36, 'latin1');
	header.writeUInt32LE(dataBytes, 40);
	return header;
};
