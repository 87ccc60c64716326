/**
 * How the recorder tells the person what happens. Headless mode prints every line as it comes; the TUI
 * shows the latest line on its status line and keeps each notice on screen until it is resolved or the
 * person dismisses it, so a stream of events cannot push a request to act out of sight.
 */
export type Reporter = {
	/** Something that happened (a capture saved, a server rejoined). */
	readonly say: (line: string) => void;
	/** Something the person has to act on. A later notice under the same `key` replaces it. */
	readonly notice: (key: string, line: string) => void;
	/** The notice under `key` no longer applies (a capture was saved after one failed). */
	readonly resolve: (key: string) => void;
};

/** Headless mode's reporter: every line printed once, in order; a log has nothing to keep in view. */
export const printingReporter = (print: (line: string) => void): Reporter => ({
	say: print,
	notice: (_key, line) => {
		print(line);
	},
	resolve: () => undefined,
});
