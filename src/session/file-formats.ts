/**
 * The choices a session's files come in: how captures are named, what they are kept as, and what a
 * session is exported as. Apart from the code that does the work, so the settings table can name them.
 */

/** How capture files are named. */
export const FileNaming = {
	/** `001.wav`, `002.wav`, ... */
	sequential: 'sequential',
	/** `{prefix}YYYYMMDD_HHMMSS.wav`, from the capture's first sample. */
	timestamp: 'timestamp',
} as const;
export type FileNaming = (typeof FileNaming)[keyof typeof FileNaming];

/** The encoded formats (WAV is what captures are recorded as). */
export const EncodeFormat = {
	flac: 'flac',
	opus: 'opus',
} as const;
export type EncodeFormat = (typeof EncodeFormat)[keyof typeof EncodeFormat];

/** What a finished capture is kept as. Captures are always written as WAV first, then encoded. */
export const AudioFormat = {
	/** The capture as recorded (sample format from `sampleFormat`). */
	wav: 'wav',
	/** Lossless, 16- or 24-bit (float captures are stored as 24-bit). */
	flac: 'flac',
	/** Ogg Opus: small, for speech. */
	opus: 'opus',
} as const satisfies Record<string, 'wav' | EncodeFormat>;
export type AudioFormat = (typeof AudioFormat)[keyof typeof AudioFormat];

/** What the session's text is exported as, besides the copied files. */
export const ExportFormat = {
	/** `<id>.md`: the session's `transcript.md` (a heading per capture with its transcript). */
	md: 'md',
	/** `<id>.json`: the manifest, each capture with its audio file, text and segments. */
	json: 'json',
	/** `<id>.srt`: subtitles, times from the session's first capture. */
	srt: 'srt',
} as const;
export type ExportFormat = (typeof ExportFormat)[keyof typeof ExportFormat];

export const exportFormats: readonly ExportFormat[] = Object.values(ExportFormat);

/** What rolling persistence keeps its chunk files as. */
export const PersistFormat = {
	/** Ogg Opus, constrained VBR (about 14 MB an hour at 32 kbit/s). */
	opus: 'opus',
	/** 24-bit FLAC (float audio rounded). */
	flac: 'flac',
	/** 32-bit float WAV, bit-exact. */
	wav: 'wav',
} as const;
export type PersistFormat = (typeof PersistFormat)[keyof typeof PersistFormat];
