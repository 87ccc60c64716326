/**
 * The one way out of the process (after exit-hook): cleanups are registered once and run in reverse
 * order on quit, Ctrl+C, SIGTERM, SIGHUP or a crash, each awaited with a deadline, then the process
 * exits. The first cleanup registered (the engine) is the last to run only if registered last: register
 * in the order of acquisition, and the release order is right.
 */
export type Cleanup = () => void | Promise<void>;

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export type ExitPathOptions = {
	/** Where to say what is happening while shutting down. @default stderr */
	readonly say?: (line: string) => void;
	/** How long one cleanup may take before we give up on it. @default 10000 */
	readonly deadlineMs?: number;
	/** Replaces `process.exit`, for tests. */
	readonly exit?: (code: number) => void;
};

export class ExitPath {
	readonly #cleanups: Array<{name: string; run: Cleanup}> = [];
	readonly #say: (line: string) => void;
	readonly #deadlineMs: number;
	readonly #exit: (code: number) => void;
	#exiting: Promise<void> | undefined;
	#signalsSeen = 0;
	readonly #onSignal = (signal: NodeJS.Signals): void => {
		this.#signalsSeen++;
		if (this.#signalsSeen === 1) {
			void this.exit(0, `${signal}`);
		} else if (this.#signalsSeen === 2) {
			this.#say('still finishing the open capture; press Ctrl+C once more to quit at once (the file stays playable up to its last second)');
		} else {
			this.#exit(130);
		}
	};

	readonly #onCrash = (error: unknown): void => {
		// While quitting, errors are expected (a terminal that went away fails every write): saying them
		// would only raise more.
		if (this.#exiting === undefined) {
			this.#say(`omega13 crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		}
		void this.exit(1, 'crash');
	};

	constructor(options: ExitPathOptions = {}) {
		const say = options.say ?? (line => process.stderr.write(`${line}\n`));
		// Saying must never stop the way out (stderr may be a terminal that is gone).
		this.#say = line => {
			try {
				say(line);
			} catch {}
		};
		this.#deadlineMs = options.deadlineMs ?? 10_000;
		this.#exit = options.exit ?? (code => process.exit(code));
	}

	/** Catches the signals and crashes that would otherwise end the process without cleanups. */
	install(): this {
		for (const signal of signals) {
			process.on(signal, this.#onSignal);
		}
		process.on('uncaughtException', this.#onCrash);
		process.on('unhandledRejection', this.#onCrash);
		return this;
	}

	/** Registers a cleanup; returns a function that unregisters it (for resources released earlier). */
	add(name: string, run: Cleanup): () => void {
		const entry = {name, run};
		this.#cleanups.push(entry);
		return () => {
			const at = this.#cleanups.indexOf(entry);
			if (at !== -1) {
				this.#cleanups.splice(at, 1);
			}
		};
	}

	/** Runs every cleanup (newest first), then exits with `code`. Later calls wait for the first. */
	async exit(code: number, why = 'quit'): Promise<void> {
		this.#exiting ??= this.#run(code, why);
		return this.#exiting;
	}

	async #run(code: number, why: string): Promise<void> {
		let exitCode = code;
		// However the cleanups go, the process ends: a stuck one must not keep a dead terminal's app alive.
		const lastResort = setTimeout(() => {
			this.#exit(exitCode === 0 ? 1 : exitCode);
		}, this.#deadlineMs * 2);
		lastResort.unref();
		while (this.#cleanups.length > 0) {
			const {name, run} = this.#cleanups.pop()!;
			try {
				await withDeadline(Promise.resolve().then(run), this.#deadlineMs, `${name} did not finish within ${this.#deadlineMs / 1000} s`);
			} catch (error) {
				this.#say(`while quitting (${why}): ${name}: ${error instanceof Error ? error.message : String(error)}`);
				exitCode = exitCode === 0 ? 1 : exitCode;
			}
		}
		for (const signal of signals) {
			process.off(signal, this.#onSignal);
		}
		process.off('uncaughtException', this.#onCrash);
		process.off('unhandledRejection', this.#onCrash);
		this.#exit(exitCode);
	}
}

const withDeadline = async <T>(promise: Promise<T>, ms: number, message: string): Promise<T> => {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([
			promise,
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => {
					reject(new Error(message));
				}, ms);
			}),
		]);
	} finally {
		clearTimeout(timer);
	}
};
