/**
 * A plain external store, read with React's `useSyncExternalStore`: `getSnapshot` returns the same object
 * until something changed, and `subscribe` returns its own unsubscribe. The engine, the session code and
 * the app's small views implement it without importing React.
 */
export type Store<T> = {
	subscribe(listener: () => void): () => void;
	getSnapshot(): T;
};

/** A Store holding one value, replaced with `set`; for the app's small views and for tests. */
export type ValueStore<T> = Store<T> & {
	set(value: T): void;
	/** Replaces the value with `update(current)`. */
	update(update: (current: T) => T): void;
};

export const createValueStore = <T>(initial: T): ValueStore<T> => {
	let value = initial;
	const listeners = new Set<() => void>();
	const set = (next: T): void => {
		if (Object.is(next, value)) {
			return;
		}
		value = next;
		for (const listener of [...listeners]) {
			listener();
		}
	};
	return {
		subscribe: listener => {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		getSnapshot: () => value,
		set,
		update: update => set(update(value)),
	};
};
