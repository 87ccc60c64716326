import {spawn} from 'node:child_process';
import {createReadStream} from 'node:fs';
import {collect, programError} from '../session/encode-capture.js';
import {decodeSamples} from '../wav/sample-format.js';
import {readWav} from '../wav/wav-reader.js';
import type {Hertz} from '../util/units.js';

export type DecodedAudio = {readonly sampleRate: Hertz; readonly channels: number; readonly data: Float32Array};

/**
 * Decodes a WAV, FLAC or Ogg Opus file to interleaved floats. FLAC and Opus are fed to their decoders
 * through a pipe, not by name: opusdec then decodes every complete page of a file still being written
 * (or cut short by a crash), where opening it by name fails for want of its last page.
 */
export const decodeFile = async (file: string, format: {readonly sampleRate: Hertz; readonly channels: number}): Promise<DecodedAudio> => {
	if (file.endsWith('.wav') || file.endsWith('.wav.part')) {
		// A chunk still being written reads up to its last header refresh (twice a second).
		const wav = await readWav(file);
		return {sampleRate: wav.sampleRate, channels: wav.channels, data: wav.data};
	}
	const opus = file.endsWith('.opus') || file.endsWith('.opus.part');
	const program = opus ? 'opusdec' : 'flac';
	const args = opus
		? ['--quiet', '--float', '--rate', String(format.sampleRate), '-', '-']
		: ['--silent', '--decode', '--decode-through-errors', '--stdout', '--force-raw-format', '--endian=little', '--sign=signed', '-'];
	const bytes = await runDecoder(program, args, file);
	if (opus) {
		const data = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4));
		return {...format, data: new Float32Array(data.subarray(0, data.length - (data.length % format.channels)))};
	}
	// Our FLAC chunks are 24-bit (persisted float audio) or 16-bit; the bits are in the stream, flac says
	// nothing on a raw stdout, so the caller's format decides: 3 bytes a sample.
	const samples = Math.floor(bytes.length / 3);
	const data = new Float32Array(samples - (samples % format.channels));
	decodeSamples('int24', bytes, 0, data.length, data, 0);
	return {...format, data};
};

const runDecoder = async (program: string, args: readonly string[], file: string): Promise<Buffer> =>
	new Promise((resolve, reject) => {
		const child = spawn(program, args, {stdio: ['pipe', 'pipe', 'pipe']});
		const stderr = collect(child.stderr);
		const parts: Buffer[] = [];
		child.stdout.on('data', (part: Buffer) => parts.push(part));
		child.stdin.on('error', () => undefined);
		createReadStream(file).on('error', reject).pipe(child.stdin);
		child.once('error', error => {
			reject(programError(program, error));
		});
		child.once('close', code => {
			const out = Buffer.concat(parts);
			// A cut-off stream makes the decoders complain at its end; what they decoded is still good.
			if (code === 0 || out.length > 0) {
				resolve(out);
			} else {
				reject(new Error(`${program} could not decode ${file}: ${stderr().trim().split('\n').slice(-2).join(' / ') || `exit code ${code}`}`));
			}
		});
	});
