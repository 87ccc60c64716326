import type {RepairReport} from '../session/session-repair.js';
import {Session} from '../session/session.js';
import {transcriptFinished} from '../session/transcript-state.js';

/**
 * Captures the start-up repair recovered (cut off by a crash, or missing from their manifest) go through
 * the same chain as a capture just finished: transcription, then FLAC/Opus encoding, then the archive.
 * Their sessions are opened (locked) for that, and each is closed once its last capture has settled.
 */
export class RecoveredCaptures {
	readonly #open = new Map<string, {readonly session: Session; readonly pending: Set<number>}>();
	readonly #say: (line: string) => void;

	constructor(say: (line: string) => void) {
		this.#say = say;
	}

	/** Hands each capture the repair recovered to `finished` (the after-capture chain). */
	async queue(reports: readonly RepairReport[], finished: (session: Session, index: number) => void): Promise<void> {
		const byDir = new Map<string, string[]>();
		for (const report of reports) {
			if ((report.action === 'recovered' || report.action === 'added' || report.action === 'private') && report.file !== undefined) {
				byDir.set(report.sessionDir, [...(byDir.get(report.sessionDir) ?? []), report.file]);
			}
		}
		for (const [dir, files] of byDir) {
			let session: Session;
			try {
				session = await Session.open(dir);
			} catch (error) {
				this.#say(`recovered captures in ${dir} are not transcribed now (${error instanceof Error ? error.message : String(error)}): run \`omega13 transcribe ${dir}\``);
				continue;
			}
			// A capture whose header alone was stale may have been transcribed already: it is left as it is.
			const indices = session.manifest.captures
				.filter((record) => files.includes(record.file) && !transcriptFinished(record.transcript))
				.map((record) => record.index);
			if (indices.length === 0) {
				await session.dispose();
				continue;
			}
			this.#open.set(dir, {session, pending: new Set(indices)});
			for (const index of indices) {
				finished(session, index);
			}
		}
	}

	/** The sessions open for their recovered captures. */
	sessions(): Session[] {
		return [...this.#open.values()].map((entry) => entry.session);
	}

	/** A capture went through the whole chain; its session closes after its last one. */
	settled(session: Session, index: number): void {
		const entry = this.#open.get(session.dir);
		if (entry?.session !== session || !entry.pending.delete(index) || entry.pending.size > 0) {
			return;
		}
		this.#open.delete(session.dir);
		void session.dispose();
	}

	/** Closes the sessions still open (after the chain has stopped). Idempotent. */
	async dispose(): Promise<void> {
		const sessions = [...this.#open.values()].map((entry) => entry.session);
		this.#open.clear();
		await Promise.all(sessions.map(async (session) => session.dispose()));
	}
}
