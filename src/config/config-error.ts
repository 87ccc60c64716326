/**
 * The settings cannot be used: every problem found, each a line naming the file (or flag), the key and
 * what was expected. The CLI prints them all and exits with code 2, before starting or writing anything.
 */
export class ConfigError extends Error {
	override readonly name = 'ConfigError';
	readonly problems: readonly string[];
	/** The exit code the CLI should use. */
	readonly exitCode = 2;
	/** Where the fix goes: the command line (every problem is a flag's), or the file. */
	readonly source: 'file' | 'flags';

	constructor(problems: readonly string[], source: 'file' | 'flags' = 'file') {
		super(problems.join('\n'));
		this.problems = problems;
		this.source = source;
	}
}
