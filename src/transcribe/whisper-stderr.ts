/** Reading whisper.cpp's stderr for the line that explains a failure. */

const telling = /error|fail|invalid|must be|cannot|unable|assert|abort/i;

const shorten = (line: string): string => (line.length > 300 ? `${line.slice(0, 300)}...` : line);

/** The most telling line of whisper.cpp's stderr: the last one that says error/failed, else the last one. */
export const lastError = (stderr: string, prefix = '', suffix = ''): string => {
	const lines = stderr
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line.length > 0);
	const line = lines.filter((text) => telling.test(text) && !/^whisper_print_timings/.test(text)).at(-1) ?? lines.at(-1);
	return line === undefined ? '' : `${prefix}${shorten(line)}${suffix}`;
};

/** Only a line that says what went wrong (whisper.cpp's progress lines explain nothing). */
export const tellingLine = (lines: readonly string[], prefix = ''): string => {
	const line = lines.map((text) => text.trim()).filter((text) => telling.test(text)).at(-1);
	return line === undefined ? '' : `${prefix}${shorten(line)}`;
};

/** whisper.cpp stopped before it got to the audio, while reading the model. */
export const failedLoadingModel = (stderr: string): boolean =>
	!stderr.includes('processing \'') && /failed to (initialize whisper context|load model)|bad magic|invalid model|GGML_ASSERT/i.test(stderr);

/** What whisper.cpp said about the model, e.g. ` (unknown tensor '' in model file)`. */
export const modelLoadError = (stderr: string): string => {
	const line = stderr
		.split('\n')
		.map((text) => text.trim())
		.filter((text) => /^whisper_model_load: .*(unknown|invalid|bad|fail|not|wrong|mismatch)|^GGML_ASSERT/i.test(text))
		.at(-1);
	return line === undefined ? lastError(stderr, ' (', ')') : ` (${line.replace(/^whisper_model_load: /, '')})`;
};
