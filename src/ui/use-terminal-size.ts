import {useStdout} from 'ink';
import {useCallback, useRef, useSyncExternalStore} from 'react';

export type TerminalSize = {readonly columns: number; readonly rows: number};

/** What we assume when the stream does not say (not a TTY, or a test stream). */
export const fallbackSize: TerminalSize = {columns: 80, rows: 24};

/**
 * The terminal's size, re-rendering on resize. Ink re-lays out on resize but does not re-render components,
 * and the layout here is computed from the size (meter widths, list heights), so it needs its own subscription.
 */
export const useTerminalSize = (): TerminalSize => {
	const {stdout} = useStdout();
	const cache = useRef<TerminalSize>(fallbackSize);
	const subscribe = useCallback(
		(listener: () => void) => {
			stdout.on('resize', listener);
			return () => {
				stdout.off('resize', listener);
			};
		},
		[stdout],
	);
	const getSize = (): TerminalSize => {
		const columns = stdout.columns || fallbackSize.columns;
		const rows = stdout.rows || fallbackSize.rows;
		if (cache.current.columns !== columns || cache.current.rows !== rows) {
			cache.current = {columns, rows};
		}
		return cache.current;
	};
	return useSyncExternalStore(subscribe, getSize);
};
