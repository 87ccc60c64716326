import {z} from 'zod';
import {GapCause} from '../engine/audio-source.js';
import type {CaptureGap} from '../engine/capture-sink.js';
import type {Frames, Hertz, Seconds} from '../util/units.js';
import {sampleFormats, type SampleFormat} from '../wav/sample-format.js';
import {TranscriptStatus, type TranscriptState} from './transcript-state.js';
import {Keep} from './keep-mode.js';

/** The manifest's file name inside a session directory. */
export const manifestFile = 'session.json';
export const manifestVersion = 1;

export const CaptureState = {
	/** The file is being written (or the process died while it was). */
	recording: 'recording',
	/** Finalized by the writer. */
	complete: 'complete',
	/** Repaired at a later start: the process died while recording, or the record was lost. */
	recovered: 'recovered',
} as const;
export type CaptureState = (typeof CaptureState)[keyof typeof CaptureState];

/** One capture file of a session. Instants are ISO 8601 strings. */
export type CaptureRecord = {
	/** 1-based capture number: 001.wav is 1. */
	readonly index: number;
	/** File name relative to the session directory, e.g. `001.wav`. */
	readonly file: string;
	readonly state: CaptureState;
	/** Wall-clock time of the first sample: the start of the pre-roll, not the trigger. */
	readonly startedAt: string;
	readonly triggeredAt: string;
	/** When the last sample was recorded; absent while recording or when a repair could not know. */
	readonly endedAt?: string;
	readonly frames: Frames;
	readonly durationSeconds: Seconds;
	readonly channels: number;
	readonly sampleRate: Hertz;
	readonly sampleFormat: SampleFormat;
	readonly prerollFrames: Frames;
	/** Frames that never arrived inside the capture, filled with silence (the sum of `gaps`; normally 0). */
	readonly droppedFrames: Frames;
	/** Where those frames are: the file holds silence of their exact length there, so its times stay true. */
	readonly gaps?: readonly CaptureGap[];
	/** Why the capture ended before its stop (`disk full`, `file too large`); absent when it was stopped. */
	readonly ended?: string;
	readonly transcript?: TranscriptState;
	/** When its audio was deleted (`--keep transcript`): `file` names what it was. */
	readonly audioDiscardedAt?: string;
};

/** `session.json`. */
export type SessionManifest = {
	readonly version: typeof manifestVersion;
	/** The directory name, e.g. `2025-11-23_14-05-09`. */
	readonly id: string;
	readonly createdAt: string;
	/** `transcript`: the session keeps no audio (`--keep transcript`); absent: it keeps it. */
	readonly keep?: Keep;
	/** Sorted by index. */
	readonly captures: readonly CaptureRecord[];
};

const isoInstant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 date');
const count = z.number().int().nonnegative();

/**
 * The transcription side owns this object and may grow it, so anything with a known status is kept
 * verbatim, and anything else is dropped rather than making the whole manifest unreadable.
 */
const transcriptSchema = z.unknown().transform((value): TranscriptState | undefined =>
	typeof value === 'object' &&
	value !== null &&
	'status' in value &&
	(Object.values(TranscriptStatus) as unknown[]).includes(value.status)
		? (value as TranscriptState)
		: undefined,
);

/** Unknown fields pass through, so a newer build's additions survive an older build's rewrite. */
export const captureRecordSchema = z.looseObject({
	index: z.number().int().positive(),
	file: z.string().min(1).refine((value) => !value.includes('/') && value !== '.' && value !== '..', 'expected a file name'),
	state: z.enum(Object.values(CaptureState) as [CaptureState, ...CaptureState[]]),
	startedAt: isoInstant,
	triggeredAt: isoInstant,
	endedAt: isoInstant.optional(),
	frames: count,
	durationSeconds: z.number().nonnegative(),
	channels: z.number().int().positive(),
	sampleRate: z.number().int().positive(),
	sampleFormat: z.enum(sampleFormats as [SampleFormat, ...SampleFormat[]]),
	prerollFrames: count,
	droppedFrames: count,
	gaps: z.array(z.looseObject({atFrame: count, frames: count, cause: z.enum(Object.values(GapCause) as [GapCause, ...GapCause[]])})).optional(),
	ended: z.string().optional(),
	transcript: transcriptSchema.optional(),
	audioDiscardedAt: isoInstant.optional(),
});

export const sessionManifestSchema = z.looseObject({
	version: z.literal(manifestVersion),
	id: z.string().min(1),
	createdAt: isoInstant,
	keep: z.enum(Keep).optional(),
	captures: z.array(captureRecordSchema),
});

/** Why a manifest could not be used. */
export class ManifestError extends Error {
	override readonly name = 'ManifestError';
	readonly path: string;
	/** `unsupported` is a newer version: leave it alone. `corrupt` may be set aside and rebuilt. */
	readonly kind: 'corrupt' | 'unsupported';
	/** The message without the path. */
	readonly detail: string;

	constructor(filePath: string, kind: ManifestError['kind'], detail: string) {
		super(`${filePath}: ${detail}`);
		this.path = filePath;
		this.kind = kind;
		this.detail = detail;
	}
}

/** Parses `session.json` text, or throws a `ManifestError` saying what is wrong. */
export const parseManifest = (text: string, filePath: string): SessionManifest => {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new ManifestError(filePath, 'corrupt', `not valid JSON (${(error as Error).message})`);
	}
	if (typeof json === 'object' && json !== null && 'version' in json && typeof json.version === 'number' && json.version > manifestVersion) {
		throw new ManifestError(filePath, 'unsupported', `manifest version ${json.version} is newer than this omega13 reads (${manifestVersion})`);
	}
	const result = sessionManifestSchema.safeParse(json);
	if (!result.success) {
		throw new ManifestError(filePath, 'corrupt', `not a session manifest: ${oneLine(result.error)}`);
	}
	const indices = new Set<number>();
	for (const capture of result.data.captures) {
		if (indices.has(capture.index)) {
			throw new ManifestError(filePath, 'corrupt', `capture ${capture.index} appears twice`);
		}
		indices.add(capture.index);
	}
	return freezeManifest({...result.data, captures: sortCaptures(dropUndefined(result.data.captures))} as SessionManifest);
};

/** Validates a record given to the session; throws a `TypeError` naming the caller and the first problems. */
export const validateCaptureRecord = (record: unknown, caller: string): CaptureRecord => {
	const result = captureRecordSchema.safeParse(record);
	if (!result.success) {
		throw new TypeError(`${caller}: invalid capture record: ${oneLine(result.error)}`);
	}
	return dropUndefined([result.data])[0] as CaptureRecord;
};

export const sortCaptures = (captures: readonly CaptureRecord[]): CaptureRecord[] => [...captures].sort((a, b) => a.index - b.index);

/** File names in a manifest are trusted only as plain names inside the session directory. */
export const plainFileName = (name: string | undefined): string | undefined =>
	name !== undefined && name !== '' && !name.includes('/') && name !== '.' && name !== '..' ? name : undefined;

/** The file holding a transcript's text, when the manifest names one. */
export const transcriptTextFile = (transcript: TranscriptState): string | undefined => plainFileName(transcript.files?.txt);

/**
 * What is saved as `session.json`: a transcript's text lives in its own file (`NNN.txt`, named by
 * `files.txt`), so the manifest stays small and rewriting it at each capture costs the same whatever was
 * said. Text without a file of its own (older manifests) stays inline.
 */
export const manifestForDisk = (manifest: SessionManifest): SessionManifest => ({
	...manifest,
	captures: manifest.captures.map((capture) => {
		const {transcript} = capture;
		if (transcript?.text === undefined || transcriptTextFile(transcript) === undefined) {
			return capture;
		}
		const {text: _text, ...rest} = transcript;
		return {...capture, transcript: rest};
	}),
});

/** Snapshots are shared with the UI by identity, so they must not change under it. */
export const freezeManifest = (manifest: SessionManifest): SessionManifest => {
	for (const capture of manifest.captures) {
		deepFreeze(capture);
	}
	Object.freeze(manifest.captures);
	return Object.freeze(manifest);
};

const deepFreeze = (value: unknown): void => {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const inner of Object.values(value)) {
			deepFreeze(inner);
		}
	}
};

/** A transcript dropped as unreadable leaves `transcript: undefined`; keep the records tidy. */
const dropUndefined = <T extends object>(records: readonly T[]): T[] =>
	records.map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T);

const oneLine = (error: z.ZodError): string =>
	error.issues
		.slice(0, 3)
		.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
		.join('; ');
