import {useCallback, useRef, useSyncExternalStore} from 'react';
import type {Store} from '../util/store.js';

type Cache<T, S> = {readonly snapshot: T; readonly select: (snapshot: T) => S; readonly selection: S};

/**
 * Reads a part of a store and re-renders only when that part changes (by `isEqual`), so a component that
 * shows the capture state does not re-render with every meter update. Selection is cached per snapshot,
 * which keeps `getSnapshot` stable between store changes as React requires (a selector may read the clock).
 */
export const useStoreSelector = <T, S>(store: Store<T>, select: (snapshot: T) => S, isEqual: (a: S, b: S) => boolean = Object.is): S => {
	const cache = useRef<Cache<T, S> | undefined>(undefined);
	const getSelection = (): S => {
		const snapshot = store.getSnapshot();
		const cached = cache.current;
		if (cached?.snapshot === snapshot && cached.select === select) {
			return cached.selection;
		}
		const selection = select(snapshot);
		const kept = cached !== undefined && isEqual(cached.selection, selection) ? cached.selection : selection;
		cache.current = {snapshot, select, selection: kept};
		return kept;
	};
	const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
	return useSyncExternalStore(subscribe, getSelection);
};

/** Reads a whole store. */
export const useStore = <T>(store: Store<T>): T => {
	const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
	return useSyncExternalStore(subscribe, () => store.getSnapshot());
};

/** Equal when both are objects with the same keys and `Object.is`-equal values. */
export const shallowEqual = <S>(a: S, b: S): boolean => {
	if (Object.is(a, b)) {
		return true;
	}
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
		return false;
	}
	const aKeys = Object.keys(a);
	if (aKeys.length !== Object.keys(b).length) {
		return false;
	}
	return aKeys.every(key => Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
};
