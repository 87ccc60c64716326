import {spawn} from 'node:child_process';
import type {Readable, Writable} from 'node:stream';
import {collect, programError, rawEncoders, type RawPcmFormat} from '../session/encode-capture.js';
import type {PcmBits} from './pcm-bytes.js';

/** The streamed encodings (WAV and raw PCM are written by us). */
export type StreamCodec = 'flac' | 'opus';

export type EncoderProcessOptions = RawPcmFormat & {
	readonly codec: StreamCodec;
	readonly bits: PcmBits;
	/** A file, or '-' for stdout. */
	readonly output: string;
	/** Opus bitrate for the whole stream. */
	readonly opusKbps: number;
	/**
	 * Opus: the most audio held back before a page is written. Shorter makes a growing file readable
	 * sooner, for a few percent more bytes. @default opusenc's 1000
	 */
	readonly opusMaxDelayMs?: number;
	/**
	 * Opus: constrained VBR, so the bitrate is what was asked for whatever the sound (plain VBR doubled
	 * it on test signals): what a store that must not outgrow its disk needs. @default false
	 */
	readonly opusConstrained?: boolean;
	/** FLAC to stdout: the PCM bytes to come, so the header states the length (it cannot seek back). */
	readonly inputBytes?: number;
	readonly env?: NodeJS.ProcessEnv;
};

/** A running flac/opusenc fed raw PCM on `stdin`. */
export type EncoderProcess = {
	readonly stdin: Writable;
	/** The encoded stream when `output` is '-'. */
	readonly stdout: Readable | null;
	/** Resolves when the encoder exited 0 after its input ended; rejects with its stderr otherwise. */
	readonly done: Promise<void>;
	kill(): void;
};

/** Starts flac or opusenc on raw little-endian signed PCM (the arguments captures are encoded with). */
export const startEncoder = (options: EncoderProcessOptions): EncoderProcess => {
	const {codec, bits, output} = options;
	const program = codec === 'flac' ? 'flac' : 'opusenc';
	const args =
		codec === 'flac'
			? [...(options.inputBytes === undefined ? [] : [`--input-size=${options.inputBytes}`]), ...rawEncoders.flac(options, bits, output)]
			: [
					...(options.opusMaxDelayMs === undefined ? [] : ['--max-delay', String(options.opusMaxDelayMs)]),
					...(options.opusConstrained === true ? ['--cvbr'] : []),
					// These streams are encoded live or while a client waits: complexity 6 halves opusenc's CPU on
					// speech (0.94 -> 0.46 s of a core for 66 s of stereo at 32 kbit/s here) for about 2 % more
					// bytes; captures, encoded once from their WAV, keep opusenc's best (10).
					'--comp',
					'6',
					...rawEncoders.opusenc(options, bits, output, options.opusKbps),
				];
	const child = spawn(program, args, {env: options.env ?? process.env, stdio: ['pipe', output === '-' ? 'pipe' : 'ignore', 'pipe']});
	const stdin = child.stdin!;
	const stderr = collect(child.stderr!);
	// A dead encoder fails our writes with EPIPE; its exit status says more, through `done`.
	stdin.on('error', () => undefined);
	const done = new Promise<void>((resolve, reject) => {
		child.once('error', error => {
			reject(programError(program, error));
		});
		child.once('close', (code, signal) => {
			if (code === 0) {
				resolve();
			} else {
				reject(new Error(`${program} failed (${signal ?? `exit code ${code}`}): ${stderr().trim().split('\n').slice(-2).join(' / ') || 'no message'}`));
			}
		});
	});
	return {
		stdin,
		stdout: child.stdout,
		done,
		kill() {
			child.kill('SIGKILL');
		},
	};
};
