import {open, readFile} from 'node:fs/promises';
import {writeFileAtomic} from '../session/atomic-write.js';

/** One finished upload. */
export type JournalEntry = {readonly file: string; readonly key: string; readonly bytes: number; readonly at: string};

/** Past this many lines the journal is rewritten with the entries still wanted. */
const compactAbove = 10_000;

/**
 * What has been uploaded, kept across restarts: a JSON-lines file (mode 0600) appended and fsynced after
 * each upload, so a restart never uploads a chunk again and retention knows what it may delete. A torn
 * last line (a crash mid-append) is ignored; the HEAD before each upload covers that chunk.
 */
export class UploadJournal {
	readonly path: string;
	readonly #uploaded = new Map<string, JournalEntry>();
	#lines = 0;

	private constructor(path: string) {
		this.path = path;
	}

	static async open(path: string): Promise<UploadJournal> {
		const journal = new UploadJournal(path);
		let text = '';
		try {
			text = await readFile(path, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
				throw error;
			}
		}
		for (const line of text.split('\n')) {
			try {
				const entry = JSON.parse(line) as JournalEntry;
				if (typeof entry.file === 'string' && typeof entry.key === 'string') {
					journal.#uploaded.set(entry.file, entry);
					journal.#lines++;
				}
			} catch {
				// Blank, or torn by a crash.
			}
		}
		return journal;
	}

	has(file: string): boolean {
		return this.#uploaded.has(file);
	}

	/** Whether any uploaded file's id begins with `prefix`. */
	hasUnder(prefix: string): boolean {
		for (const file of this.#uploaded.keys()) {
			if (file.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	get size(): number {
		return this.#uploaded.size;
	}

	/** Records an upload durably (append + fsync). */
	async add(entry: JournalEntry): Promise<void> {
		this.#uploaded.set(entry.file, entry);
		const handle = await open(this.path, 'a', 0o600);
		try {
			await handle.appendFile(`${JSON.stringify(entry)}\n`);
			await handle.sync();
		} finally {
			await handle.close();
		}
		this.#lines++;
	}

	/** Forgets files that are gone locally (they can never be uploaded again), when the file has grown long. */
	async compact(stillThere: (file: string) => boolean): Promise<void> {
		if (this.#lines <= compactAbove) {
			return;
		}
		for (const file of this.#uploaded.keys()) {
			if (!stillThere(file)) {
				this.#uploaded.delete(file);
			}
		}
		await writeFileAtomic(this.path, [...this.#uploaded.values()].map(entry => `${JSON.stringify(entry)}\n`).join(''));
		this.#lines = this.#uploaded.size;
	}
}

