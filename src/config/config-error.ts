/**
 * The settings cannot be used: every problem found, each a line naming the file (or flag), the key and
 * what was expected. The CLI prints them all and exits with code 2, before starting or writing anything.
 */
export class ConfigError extends Error {
	override readonly name = 'ConfigError';
	readonly problems: readonly string[];
	/** The exit code the CLI should use. */
	readonly exitCode = 2;

	constructor(problems: readonly string[]) {
		super(problems.join('\n'));
		this.problems = problems;
	}
}
