import type {ServerResponse} from 'node:http';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {startEncoder} from '../codec/encoder-process.js';
import {floatBytes, floatToPcm, type PcmBits} from '../codec/pcm-bytes.js';
import {encodeHeader} from '../wav/wav-header.js';
import type {AudioClip, ClipFormat} from './audio-clip.js';
import {startStream} from './api-server.js';

/** Frames converted per piece: about 1.5 MB of stereo float, so a big clip never doubles in memory at once. */
const framesPerPiece = 1 << 17;

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

const contentTypes: Readonly<Record<ClipFormat, string>> = {
	wav: 'audio/wav',
	flac: 'audio/flac',
	opus: 'audio/ogg; codecs=opus',
	pcm: 'application/octet-stream',
};

/** Headers that say what the audio is, for every format (the only description raw PCM has). */
export const audioHeaders = (clip: Pick<AudioClip, 'sampleRate' | 'channels' | 'startTime'>, format: ClipFormat): Record<string, string> => ({
	'content-type': contentTypes[format],
	'x-audio-sample-rate': String(clip.sampleRate),
	'x-audio-channels': String(clip.channels),
	'x-audio-start': new Date(clip.startTime).toISOString(),
	...(format === 'pcm' ? {'x-audio-sample-format': 'f32le'} : {}),
});

/** The clip's samples in pieces, as `encode` makes them. */
function* pieces(clip: AudioClip, encode: (block: Float32Array, frames: number) => Buffer): Generator<Buffer> {
	for (let frame = 0; frame < clip.frames; frame += framesPerPiece) {
		const frames = Math.min(framesPerPiece, clip.frames - frame);
		yield encode(clip.data.subarray(frame * clip.channels, (frame + frames) * clip.channels), frames);
	}
}

/**
 * Writes `clip` to `response` as WAV (32-bit float, bit-exact), raw float32 PCM, FLAC (24-bit) or Ogg Opus.
 * FLAC and Opus come from flac/opusenc fed through a pipe (as captures are encoded), streamed as they
 * encode; a client that hangs up stops the encoder.
 */
export const sendClip = async (response: ServerResponse, clip: AudioClip, format: ClipFormat, opusKbps: number): Promise<void> => {
	const headers: Record<string, string | number> = {
		...audioHeaders(clip, format),
		'x-audio-frames': clip.frames,
		'content-disposition': `inline; filename="omega13-${new Date(clip.startTime).toISOString().replaceAll(':', '-')}.${format === 'pcm' ? 'f32' : format}"`,
	};
	const {channels} = clip;
	if (format === 'wav' || format === 'pcm') {
		const header = format === 'wav' ? encodeHeader({sampleRate: clip.sampleRate, channels, sampleFormat: 'float32'}, clip.frames) : Buffer.alloc(0);
		startStream(response, {...headers, 'content-length': header.length + clip.frames * channels * 4});
		const samples = clip.data.subarray(0, clip.frames * channels);
		// The clip is ours (a copy): on a little-endian host its bytes are the file's, sent without a copy.
		const body = littleEndian ? Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength) : undefined;
		await pipeline(
			Readable.from((function* () {
				yield header;
				yield* body === undefined ? pieces(clip, (block, frames) => floatBytes(block, frames, channels)) : [body];
			})()),
			response,
		);
		return;
	}
	const bits: PcmBits = format === 'flac' ? 24 : 16;
	const encoder = startEncoder({
		codec: format,
		bits,
		sampleRate: clip.sampleRate,
		channels,
		output: '-',
		opusKbps,
		inputBytes: clip.frames * channels * (bits / 8),
	});
	startStream(response, {...headers, 'transfer-encoding': 'chunked'});
	try {
		await Promise.all([
			pipeline(Readable.from(pieces(clip, (block, frames) => floatToPcm(block, frames, channels, bits))), encoder.stdin),
			pipeline(encoder.stdout!, response),
			encoder.done,
		]);
	} catch (error) {
		encoder.kill();
		throw error;
	}
};
