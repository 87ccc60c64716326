import {useCallback, useRef, useState} from 'react';

/**
 * `useReducer` whose latest state can be read at once: `current()` includes actions dispatched since
 * the last render. Keys arrive faster than renders (a pasted "↓↓⏎", a quick typist): the Enter must act
 * on the row the arrows moved to, not on the row last drawn.
 */
export const useSyncReducer = <S, A>(reducer: (state: S, action: A) => S, initial: S): readonly [S, (action: A) => void, () => S] => {
	const [state, setState] = useState(initial);
	const latest = useRef(initial);
	const dispatch = useCallback(
		(action: A) => {
			latest.current = reducer(latest.current, action);
			setState(latest.current);
		},
		[reducer],
	);
	const current = useCallback(() => latest.current, []);
	return [state, dispatch, current] as const;
};
