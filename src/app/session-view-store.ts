import type {Session} from '../session/session.js';
import type {SessionManifest} from '../session/session-manifest.js';
import type {SessionView} from '../ui/session-view.js';
import {createValueStore, type ValueStore} from '../util/store.js';

const toView = (dir: string, manifest: SessionManifest): SessionView => ({
	dir,
	captures: manifest.captures.map(record => ({
		index: record.index,
		file: record.file,
		startedAt: record.startedAt,
		durationSeconds: record.durationSeconds,
		state: record.state,
		...(record.transcript
			? {
					transcript: {
						status: record.transcript.status,
						...(record.transcript.text === undefined ? {} : {text: record.transcript.text}),
						...(record.transcript.reason === undefined ? {} : {reason: record.transcript.reason}),
					},
				}
			: {}),
	})),
});

/** The session panel's view of the current session, following its manifest as captures land. */
export class SessionViewStore {
	readonly store: ValueStore<SessionView> = createValueStore<SessionView>({dir: undefined, captures: []});
	#unsubscribe: (() => void) | undefined;

	follow(session: Session): void {
		this.#unsubscribe?.();
		const update = (): void => {
			this.store.set(toView(session.dir, session.getSnapshot()));
		};
		this.#unsubscribe = session.subscribe(update);
		update();
	}

	/** A new session is about to start: show an empty panel until its first capture. */
	reset(): void {
		this.#unsubscribe?.();
		this.#unsubscribe = undefined;
		this.store.set({dir: undefined, captures: []});
	}

	dispose(): void {
		this.#unsubscribe?.();
		this.#unsubscribe = undefined;
	}
}
