import type {Store} from './engine-store.js';

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
