/** Reading whisper.cpp's stderr for the line that explains a failure. */

const telling = /error|fail|invalid|must be|cannot|unable|assert|abort/i;

/**
 * What gdb prints when ggml's abort handler attaches it for a backtrace (`[New LWP ...]`, `#0 0x... in`,
 * `30 ../sysdeps/unix/sysv/linux/wait4.c: No such file or directory.`): it says nothing to a person,
 * and it would push whisper.cpp's own line (`GGML_ASSERT(...) failed`) out of the reason.
 */
const debuggerNoise =
	/^(\[New LWP \d+\]|\[Thread debugging using|Using host libthread_db|\[Inferior \d+ \(process|#\d+\s|0x[\da-f]+ in |\d+\s.*: No such file or directory\.?$|Attaching to |Reading symbols from|Downloading separate debug info|warning: (Unable to find libthread_db|.*debuginfod))|\.\.\/sysdeps\//;

/** whisper.cpp's stderr lines that may explain something: not empty, not gdb's. */
export const meaningfulLines = (lines: readonly string[]): string[] =>
	lines.map((line) => line.trim()).filter((line) => line.length > 0 && !debuggerNoise.test(line));

const shorten = (line: string): string => (line.length > 300 ? `${line.slice(0, 300)}...` : line);

/** The most telling line of whisper.cpp's stderr: the last one that says error/failed, else the last one. */
export const lastError = (stderr: string, prefix = '', suffix = ''): string => {
	const lines = meaningfulLines(stderr.split('\n'));
	const line = lines.filter((text) => telling.test(text) && !/^whisper_print_timings/.test(text)).at(-1) ?? lines.at(-1);
	return line === undefined ? '' : `${prefix}${shorten(line)}${suffix}`;
};

/** Only a line that says what went wrong (whisper.cpp's progress lines explain nothing). */
export const tellingLine = (lines: readonly string[], prefix = ''): string => {
	const line = meaningfulLines(lines).filter((text) => telling.test(text)).at(-1);
	return line === undefined ? '' : `${prefix}${shorten(line)}`;
};

/** whisper.cpp stopped before it got to the audio, while reading the model. */
export const failedLoadingModel = (stderr: string): boolean =>
	!stderr.includes('processing \'') && /failed to (initialize whisper context|load model)|bad magic|invalid model|GGML_ASSERT/i.test(stderr);

/** What whisper.cpp said about the model, e.g. ` (unknown tensor '' in model file)`. */
export const modelLoadError = (stderr: string): string => {
	const line = meaningfulLines(stderr.split('\n'))
		.filter((text) => /^whisper_model_load: .*(unknown|invalid|bad|fail|not|wrong|mismatch)|^GGML_ASSERT/i.test(text))
		.at(-1);
	return line === undefined ? lastError(stderr, ' (', ')') : ` (${line.replace(/^whisper_model_load: /, '')})`;
};
