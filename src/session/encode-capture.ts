import {execFile, spawn} from 'node:child_process';
import {constants} from 'node:fs';
import {access, chmod, link, open, rm, stat, unlink} from 'node:fs/promises';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
import type {Frames, Hertz} from '../util/units.js';
import {bytesPerSample, decodeSamples, encodeSamples, type SampleFormat} from '../wav/sample-format.js';
import {syncDirectory} from '../util/sync-directory.js';
import {readWavInfo, type WavInfo} from '../wav/wav-reader.js';
import {CodedError} from '../util/coded-error.js';
import type {EncodeFormat} from './file-formats.js';

/** The programs each format needs and the Debian package that has them. */
export const encoderPrograms: {readonly [F in EncodeFormat]: {readonly programs: readonly string[]; readonly debianPackage: string}} = {
	flac: {programs: ['flac', 'metaflac'], debianPackage: 'flac'},
	opus: {programs: ['opusenc', 'opusinfo'], debianPackage: 'opus-tools'},
};

export type EncodeCaptureOptions = {
	readonly format: EncodeFormat;
	/**
	 * Keep the WAV once the encoded file is checked. The WAV is the safe first copy; when the user asked
	 * for FLAC or Opus it is not wanted after that.
	 * @default false
	 */
	readonly keepWav?: boolean;
	/** FLAC bits per sample. @default 16 for an int16 WAV, 24 for the rest (FLAC holds no floats) */
	readonly flacBits?: 16 | 24;
	/** Opus bitrate for the whole stream. @default 24 kbit/s per channel, at most 256 */
	readonly opusBitrateKbps?: number;
	readonly signal?: AbortSignal;
	/** The environment the encoders run with (their PATH). @default process.env */
	readonly env?: NodeJS.ProcessEnv;
};

export type EncodedCapture = {
	/** Absolute path of the encoded file. */
	readonly path: string;
	/** Its name in the session directory, e.g. `001.flac`. */
	readonly file: string;
	readonly format: EncodeFormat;
	/** The capture's length, checked against the encoded file. */
	readonly frames: Frames;
	readonly sampleRate: Hertz;
	readonly channels: number;
	/** FLAC only. */
	readonly bitsPerSample: 16 | 24 | undefined;
	readonly bytes: number;
	readonly wavRemoved: boolean;
	/** Conversions a person should know about, e.g. float samples stored as 24-bit. */
	readonly notes: readonly string[];
};

export const EncodeErrorCode = {
	/** flac/opusenc (or their checkers) are not installed. */
	missingProgram: 'missing-program',
	/** The encoded file's name is taken. */
	exists: 'exists',
	/** The WAV cannot be encoded as it is (unreadable, still being written). */
	badInput: 'bad-input',
	/** The encoder failed. */
	failed: 'failed',
	/** The encoded file did not decode to the capture's length, rate and channels. */
	verifyFailed: 'verify-failed',
} as const;
export type EncodeErrorCode = (typeof EncodeErrorCode)[keyof typeof EncodeErrorCode];

/** Encoding failed; the WAV is always left in place. */
export class EncodeError extends CodedError<EncodeErrorCode> {
	override readonly name = 'EncodeError';
}

/** Frames read per step: about 1.4 MB of 24-bit stereo output at a time. */
const framesPerStep = 1 << 18;
/** Opus frames are 20 ms; the decoded length may differ from the input by less than one. */
const opusToleranceSeconds = 0.02;

/**
 * Encodes a finished WAV capture to FLAC (`flac`) or Ogg Opus (`opusenc`) next to it, checks the result
 * by decoding it (`flac -t` + `metaflac`, `opusinfo`) against the WAV's length, rate and channels, and
 * only then removes the WAV (unless `keepWav`). The encoder writes a hidden `.NNN.flac.partial` that is
 * linked to its name once checked, so a crash or a failure never leaves a half file under the real name
 * and never loses the WAV. FLAC is fed raw PCM converted here, because flac cannot read float WAVs.
 */
export const encodeCapture = async (wavPath: string, options: EncodeCaptureOptions): Promise<EncodedCapture> => {
	if (typeof wavPath !== 'string' || !wavPath.toLowerCase().endsWith('.wav')) {
		throw new TypeError(`encodeCapture: wavPath must be a .wav file, got ${String(wavPath)}`);
	}
	const {format, keepWav = false, signal, env = process.env} = options;
	if (format !== 'flac' && format !== 'opus') {
		throw new TypeError(`encodeCapture: format must be "flac" or "opus", got ${String(format)}`);
	}
	if (options.flacBits !== undefined && options.flacBits !== 16 && options.flacBits !== 24) {
		throw new TypeError(`encodeCapture: flacBits must be 16 or 24, got ${String(options.flacBits)}`);
	}
	const bitrate = options.opusBitrateKbps;
	if (bitrate !== undefined && (!Number.isFinite(bitrate) || bitrate < 6 || bitrate > 512)) {
		throw new RangeError(`encodeCapture: opusBitrateKbps must be from 6 to 512, got ${bitrate}`);
	}
	const source = path.resolve(wavPath);
	const dir = path.dirname(source);
	const base = path.basename(source).slice(0, -'.wav'.length);
	const file = `${base}.${format}`;
	const target = path.join(dir, file);
	const partial = path.join(dir, `.${file}.partial`);

	const missing = await missingPrograms(format, env);
	if (missing.length > 0) {
		const {debianPackage} = encoderPrograms[format];
		throw new EncodeError(
			EncodeErrorCode.missingProgram,
			`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed, so ${path.basename(source)} stays a WAV file: ` +
				`install ${missing.length > 1 ? 'them' : 'it'} (Debian/Ubuntu: apt-get install ${debianPackage}) or set "format": "wav"`,
		);
	}
	let info: WavInfo;
	try {
		info = await readWavInfo(source);
	} catch (error) {
		throw new EncodeError(EncodeErrorCode.badInput, `cannot encode ${source}: ${(error as Error).message}`, {cause: error});
	}
	if (info.stale) {
		throw new EncodeError(
			EncodeErrorCode.badInput,
			`cannot encode ${source}: its header does not match its size (still being written, or it needs the start-up repair)`,
		);
	}
	if (await exists(target)) {
		throw new EncodeError(EncodeErrorCode.exists, `cannot encode ${source}: ${target} already exists (not overwriting it)`);
	}
	await rm(partial, {force: true});
	const notes: string[] = [];
	let bitsPerSample: 16 | 24 | undefined;
	try {
		if (format === 'flac') {
			bitsPerSample = options.flacBits ?? (info.sampleFormat === 'int16' ? 16 : 24);
			const note = conversionNote(info.sampleFormat, bitsPerSample);
			if (note !== undefined) {
				notes.push(note);
			}
			await encodeRaw('flac', rawEncoders.flac(info, bitsPerSample, partial), info, bitsPerSample, env, signal);
			await verifyFlac(info, bitsPerSample, partial, env, signal);
		} else {
			const kbps = bitrate ?? Math.min(256, 24 * info.channels);
			// Opus codes from floats internally: 24-bit input keeps everything a float capture holds that it can use.
			const bits = info.sampleFormat === 'int16' ? 16 : 24;
			await encodeRaw('opusenc', rawEncoders.opusenc(info, bits, partial, kbps), info, bits, env, signal);
			await verifyOpus(info, partial, env, signal);
		}
		// Captures are private (0600); the encoders create files with the umask's mode.
		await chmod(partial, 0o600);
		try {
			// link, not rename: it fails instead of replacing a file that appeared meanwhile.
			await link(partial, target);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
				throw new EncodeError(EncodeErrorCode.exists, `cannot encode ${source}: ${target} already exists (not overwriting it)`);
			}
			throw error;
		}
	} finally {
		await rm(partial, {force: true});
	}
	await syncDirectory(dir);
	if (!keepWav) {
		await unlink(source);
		await syncDirectory(dir);
	}
	return {
		path: target,
		file,
		format,
		frames: info.frames,
		sampleRate: info.sampleRate,
		channels: info.channels,
		bitsPerSample,
		bytes: (await stat(target)).size,
		wavRemoved: !keepWav,
		notes,
	};
};

/** The programs `format` needs that are not on the PATH. */
export const missingPrograms = async (format: EncodeFormat, env: NodeJS.ProcessEnv = process.env): Promise<string[]> => {
	const missing: string[] = [];
	for (const program of encoderPrograms[format].programs) {
		if ((await findProgram(program, env)) === undefined) {
			missing.push(program);
		}
	}
	return missing;
};

/** An executable named `name` on the PATH, without running it. */
export const findProgram = async (name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> => {
	for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
		if (dir === '') {
			continue;
		}
		const candidate = path.join(dir, name);
		try {
			await access(candidate, constants.X_OK);
			if ((await stat(candidate)).isFile()) {
				return candidate;
			}
		} catch {
			// Not here.
		}
	}
	return undefined;
};

const conversionNote = (from: SampleFormat, bits: 16 | 24): string | undefined => {
	if (from === 'float32') {
		return `FLAC holds no floats: the float32 samples are stored as ${bits}-bit integers (rounded, clipped at full scale)`;
	}
	if (bytesPerSample(from) * 8 > bits) {
		return `the ${from} samples are stored as ${bits}-bit (rounded, no dither)`;
	}
	if (bytesPerSample(from) * 8 < bits) {
		return `the ${from} samples are stored as ${bits}-bit (padded, the values are unchanged)`;
	}
	return undefined;
};

const pcmFormat = (bits: 16 | 24): SampleFormat => (bits === 16 ? 'int16' : 'int24');

/** The WAV's samples as little-endian signed PCM of `bits`, a step at a time. */
async function* rawPcm(info: WavInfo, bits: 16 | 24): AsyncGenerator<Buffer> {
	const outFormat = pcmFormat(bits);
	const same = info.sampleFormat === outFormat;
	const file = await open(info.path, 'r');
	try {
		const floats = same ? undefined : new Float32Array(framesPerStep * info.channels);
		for (let frame = 0; frame < info.frames; ) {
			const frames = Math.min(framesPerStep, info.frames - frame);
			const input = Buffer.alloc(frames * info.blockAlign);
			const {bytesRead} = await file.read(input, 0, input.length, info.dataOffset + frame * info.blockAlign);
			if (bytesRead !== input.length) {
				throw new Error(`${info.path} ended after ${frame} of ${info.frames} frames`);
			}
			frame += frames;
			if (floats === undefined) {
				yield input;
				continue;
			}
			const samples = frames * info.channels;
			decodeSamples(info.sampleFormat, input, 0, samples, floats, 0);
			const output = Buffer.alloc(samples * (bits / 8));
			encodeSamples(outFormat, floats, 0, samples, output, 0);
			yield output;
		}
	} finally {
		await file.close();
	}
}

/** What an encoder of raw PCM must be told about its input. */
export type RawPcmFormat = Pick<WavInfo, 'sampleRate' | 'channels'>;

/** The encoders' command lines for raw little-endian signed PCM on stdin (`output` '-' is stdout). */
export const rawEncoders = {
	flac: (info: RawPcmFormat, bits: 16 | 24, output: string): readonly string[] => [
		'--silent',
		'--force',
		'--force-raw-format',
		'--endian=little',
		'--sign=signed',
		`--channels=${info.channels}`,
		`--bps=${bits}`,
		`--sample-rate=${info.sampleRate}`,
		...(output === '-' ? ['--stdout'] : ['-o', output]),
		'-',
	],
	opusenc: (info: RawPcmFormat, bits: 16 | 24, output: string, kbps: number): readonly string[] => [
		'--quiet',
		'--bitrate',
		String(kbps),
		'--raw',
		`--raw-bits=${bits}`,
		`--raw-rate=${info.sampleRate}`,
		`--raw-chan=${info.channels}`,
		'--raw-endianness=0',
		'-',
		output,
	],
} as const;

/**
 * Feeds the capture to an encoder as raw PCM through a pipe rather than by its file name: neither flac
 * nor opusenc reads float WAV samples as they are, and opusenc cannot open RF64 (captures over 4 GiB).
 */
const encodeRaw = async (program: keyof typeof rawEncoders, args: readonly string[], info: WavInfo, bits: 16 | 24, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): Promise<void> => {
	const child = spawn(program, args, {env, signal, stdio: ['pipe', 'ignore', 'pipe']});
	const stderr = collect(child.stderr);
	const exited = new Promise<number | null>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', resolve);
	});
	// No --input-size for flac: with it flac stops reading and exits once it has that many bytes, which can
	// close its stdin before our end of the pipe finishes ("Premature close"). Without it, flac reads to our
	// EOF and fills in the length in STREAMINFO by seeking back in its output file.
	// If the encoder dies, writing its stdin fails with EPIPE; its exit status and stderr say more than that.
	const fed = pipeline(rawPcm(info, bits), child.stdin).then(
		() => undefined,
		(error: unknown) => error,
	);
	let code: number | null;
	try {
		code = await exited;
	} catch (error) {
		throw programError(program, error);
	}
	const feedError = await fed;
	if (code !== 0) {
		throw new EncodeError(EncodeErrorCode.failed, `${program} failed (exit code ${code}) encoding ${info.path}: ${stderr().trim() || 'no message'}`);
	}
	if (feedError !== undefined) {
		throw new EncodeError(EncodeErrorCode.failed, `could not feed ${info.path} to ${program}: ${(feedError as Error).message}`, {cause: feedError});
	}
};

const verifyFlac = async (info: WavInfo, bits: 16 | 24, file: string, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): Promise<void> => {
	// -t decodes every frame and compares the MD5 of the decoded audio with the one flac stored.
	await run('flac', ['--test', '--silent', file], env, signal, 'verify-failed');
	const shown = await run('metaflac', ['--show-total-samples', '--show-sample-rate', '--show-channels', '--show-bps', file], env, signal, 'verify-failed');
	const [frames, rate, channels, bps] = shown.trim().split('\n').map(Number);
	const expected = [info.frames, info.sampleRate, info.channels, bits];
	if (![frames, rate, channels, bps].every((value, i) => value === expected[i])) {
		throw new EncodeError(
			EncodeErrorCode.verifyFailed,
			`the FLAC file for ${info.path} holds ${frames} frames at ${rate} Hz, ${channels} channels, ${bps}-bit; ` +
				`expected ${info.frames} frames at ${info.sampleRate} Hz, ${info.channels} channels, ${bits}-bit`,
		);
	}
};

const verifyOpus = async (info: WavInfo, file: string, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): Promise<void> => {
	// opusinfo reads every page (checksums, packet structure) and exits 1 on a broken stream.
	const report = await run('opusinfo', [file], env, signal, 'verify-failed');
	const channels = Number(/^\s*Channels:\s*(\d+)/m.exec(report)?.[1]);
	const rate = Number(/^\s*Original sample rate:\s*(\d+)/m.exec(report)?.[1]);
	const length = /Playback length:\s*(?:(\d+)h:)?(\d+)m:([\d.]+)s/.exec(report);
	const seconds = length === null ? Number.NaN : Number(length[1] ?? 0) * 3600 + Number(length[2]) * 60 + Number(length[3]);
	const expected = info.frames / info.sampleRate;
	// opusinfo prints milliseconds: allow its rounding on top of one frame.
	if (channels !== info.channels || rate !== info.sampleRate || !(Math.abs(seconds - expected) <= opusToleranceSeconds + 0.0005)) {
		throw new EncodeError(
			EncodeErrorCode.verifyFailed,
			`the Opus file for ${info.path} plays ${seconds} s of ${channels} channels from ${rate} Hz; ` +
				`expected ${expected.toFixed(3)} s of ${info.channels} channels from ${info.sampleRate} Hz`,
		);
	}
};

/** Runs a program to the end; its stdout, or an `EncodeError` with its stderr. */
const run = (
	program: string,
	args: readonly string[],
	env: NodeJS.ProcessEnv,
	signal: AbortSignal | undefined,
	failure: EncodeErrorCode = EncodeErrorCode.failed,
): Promise<string> =>
	new Promise((resolve, reject) => {
		execFile(program, args, {env, signal, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8'}, (error, stdout, stderr) => {
			if (error === null) {
				resolve(stdout);
				return;
			}
			if (typeof error.code !== 'number') {
				reject(programError(program, error));
				return;
			}
			const detail = (stderr.trim() || stdout.trim()).split('\n').slice(-3).join(' / ');
			reject(new EncodeError(failure, `${program} ${args.at(-1)} failed (exit code ${error.code}): ${detail || 'no message'}`));
		});
	});

/** A program that could not be started at all. */
export const programError = (program: string, error: unknown): Error => {
	if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
		const format = (Object.keys(encoderPrograms) as EncodeFormat[]).find((key) => encoderPrograms[key].programs.includes(program));
		const debianPackage = format === undefined ? program : encoderPrograms[format].debianPackage;
		return new EncodeError(EncodeErrorCode.missingProgram, `${program} is not installed: install it (Debian/Ubuntu: apt-get install ${debianPackage})`, {cause: error});
	}
	return error as Error;
};

/** The last 8 KB a stream wrote (a failing encoder's message is at its end). */
export const collect = (stream: NodeJS.ReadableStream): (() => string) => {
	let text = '';
	stream.setEncoding('utf8');
	stream.on('data', (chunk: string) => {
		text = (text + chunk).slice(-8192);
	});
	return () => text;
};

const exists = async (file: string): Promise<boolean> => {
	try {
		await stat(file);
		return true;
	} catch {
		return false;
	}
};
