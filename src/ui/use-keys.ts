import {useInput, type Key} from 'ink';
import {useCallback, useRef} from 'react';

/**
 * `useInput` with a handler that is always the latest render's, and `isActive` checked when the key
 * arrives. Ink's own `isActive` (and a new handler each render) re-subscribe in an effect, which runs
 * after the frame is on screen: a key typed right after a screen change would reach the previous
 * screen's handler. Here the subscription is made once and reads what the last render decided (the
 * render sets it before its frame is written).
 *
 * A key that changes screens is not also handled by the next screen: each handler reads the `isActive`
 * of the last render, which the key's own state change has not replaced yet.
 */
export const useKeys = (handler: (input: string, key: Key) => void, isActive = true): void => {
	const latest = useRef({handler, isActive});
	latest.current = {handler, isActive};
	const dispatch = useCallback((input: string, key: Key) => {
		if (latest.current.isActive) {
			latest.current.handler(input, key);
		}
	}, []);
	useInput(dispatch);
};
