/** Why the TUI will not start when stdin or stdout is not a terminal, and what to run instead. */
export const noTerminalMessage = (what: 'stdin' | 'stdout'): string =>
	`omega13: the terminal UI needs a terminal, but ${what} is not one; run \`omega13 --headless\` for services, scripts and pipes`;
