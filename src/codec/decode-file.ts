import {spawn} from 'node:child_process';
import {createReadStream} from 'node:fs';
import type {Frames, Hertz} from '../util/units.js';
import {collect, programError} from '../session/encode-capture.js';
import {decodeSamples} from '../wav/sample-format.js';
import {readWav} from '../wav/wav-reader.js';

export type DecodeFormat = {readonly sampleRate: Hertz; readonly channels: number};

/** How each encoded format is decoded to raw samples on stdout, and how wide those samples are. */
const decoders = {
	opus: {program: 'opusdec', args: (format: DecodeFormat) => ['--quiet', '--float', '--rate', String(format.sampleRate), '-', '-'], width: 4},
	// Persisted FLAC is 24-bit; flac says nothing about the bits on a raw stdout.
	flac: {program: 'flac', args: () => ['--silent', '--decode', '--decode-through-errors', '--stdout', '--force-raw-format', '--endian=little', '--sign=signed', '-'], width: 3},
} as const;

/**
 * Frames `[offset, offset + count)` of a WAV, FLAC (24-bit) or Ogg Opus file as interleaved floats;
 * fewer when the file ends first. FLAC and Opus are fed to their decoders through a pipe, not by name:
 * opusdec then decodes every complete page of a file still being written (or cut short by a crash),
 * where opening it by name fails for want of its last page. The decoder is stopped once the range is out.
 * `count` Infinity reads to the end.
 */
export const decodeRange = async (file: string, format: DecodeFormat, offset: Frames, count: Frames): Promise<Float32Array> => {
	const kind = /\.(wav|flac|opus)(?:\.part)?$/.exec(file)?.[1];
	if (kind === 'wav') {
		// A chunk still being written reads up to its last header refresh (twice a second).
		return (await readWav(file, {startFrame: offset, frameCount: count})).data;
	}
	if (kind !== 'flac' && kind !== 'opus') {
		throw new Error(`cannot decode ${file}: only WAV, FLAC and Opus files`);
	}
	const decoder = decoders[kind];
	const frameBytes = decoder.width * format.channels;
	const bytes = await runDecoder(decoder.program, decoder.args(format), file, offset * frameBytes, count * frameBytes);
	const samples = Math.floor(bytes.length / frameBytes) * format.channels;
	const data = new Float32Array(samples);
	decodeSamples(kind === 'opus' ? 'float32' : 'int24', bytes, 0, samples, data, 0);
	return data;
};

/** The decoder's stdout from byte `skip`, at most `take` bytes. */
const runDecoder = async (program: string, args: readonly string[], file: string, skip: number, take: number): Promise<Buffer> =>
	new Promise((resolve, reject) => {
		const child = spawn(program, args, {stdio: ['pipe', 'pipe', 'pipe']});
		const stderr = collect(child.stderr);
		// To the end (take = Infinity): the pieces as they come; else one buffer of the size asked for.
		const whole: Buffer[] = [];
		let out = Number.isFinite(take) ? Buffer.alloc(take) : Buffer.alloc(0);
		let seen = 0;
		let kept = 0;
		child.stdout.on('data', (part: Buffer) => {
			const from = Math.max(0, skip - seen);
			seen += part.length;
			if (from >= part.length || kept >= take) {
				return;
			}
			if (Number.isFinite(take)) {
				kept += part.copy(out, kept, from);
			} else {
				whole.push(part.subarray(from));
				kept += part.length - from;
			}
			if (kept === take) {
				child.kill();
			}
		});
		child.stdin.on('error', () => undefined);
		createReadStream(file).on('error', reject).pipe(child.stdin);
		child.once('error', error => {
			reject(programError(program, error));
		});
		child.once('close', (code, signal) => {
			// Stopped by us once it had enough, or a cut-off stream it complained about at its end: what it
			// decoded is good.
			if (code === 0 || kept === take || seen > 0 || signal !== null) {
				if (!Number.isFinite(take)) {
					out = Buffer.concat(whole);
				}
				resolve(out.subarray(0, kept));
			} else {
				reject(new Error(`${program} could not decode ${file}: ${stderr().trim().split('\n').slice(-2).join(' / ') || `exit code ${code}`}`));
			}
		});
	});
