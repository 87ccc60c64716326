import {useInput, type Key} from 'ink';
import {useCallback, useRef} from 'react';

/**
 * `useInput` with a handler that is always the latest render's, and `isActive` checked when the key
 * arrives. Ink's own `isActive` (and a new handler each render) re-subscribe in an effect, which runs
 * after the frame is on screen: a key typed right after a screen change would reach the previous
 * screen's handler. Here the subscription is made once and reads what the last render decided, or,
 * when `isActive` is a function, what the state is now (see `useSyncReducer`).
 */
export const useKeys = (handler: (input: string, key: Key) => void, isActive: boolean | (() => boolean) = true): void => {
	const latest = useRef({handler, isActive});
	latest.current = {handler, isActive};
	const dispatch = useCallback((input: string, key: Key) => {
		const active = latest.current.isActive;
		if (typeof active === 'function' ? active() : active) {
			latest.current.handler(input, key);
		}
	}, []);
	useInput(dispatch);
};
