/** Why a file could not be read as WAV. */
export const WavReadErrorCode = {
	/** Not RIFF/WAVE at all. */
	notWav: 'WAV_NOT_WAV',
	/** RIFF/WAVE, but it ends before its format or data chunk. */
	truncated: 'WAV_TRUNCATED',
	/** A WAV encoding we do not read (8-bit, 64-bit float, compressed, RIFX, ...). */
	unsupported: 'WAV_UNSUPPORTED',
} as const;
export type WavReadErrorCode = (typeof WavReadErrorCode)[keyof typeof WavReadErrorCode];

export class WavReadError extends Error {
	override readonly name = 'WavReadError';
	readonly code: WavReadErrorCode;
	readonly path: string;

	constructor(code: WavReadErrorCode, filePath: string, detail: string) {
		super(`${filePath}: ${detail}`);
		this.code = code;
		this.path = filePath;
	}
}
