import {useMemo, useState} from 'react';
import type {Notice} from './ui-status.js';

export type VisibleNotices = {
	/** The raised notices the person has not hidden, oldest first. */
	readonly visible: readonly Notice[];
	/** Hides the newest visible notice (x); absent while there is none. */
	readonly hideNewest: (() => void) | undefined;
};

/**
 * Which notices are on screen: hiding one is the person's choice about this screen, not a change to the
 * app's state, so it lives here. A notice raised again is a new object, so it shows again.
 */
export const useVisibleNotices = (raised: readonly Notice[]): VisibleNotices => {
	const [hidden, setHidden] = useState<ReadonlySet<Notice>>(new Set());
	const visible = useMemo(() => raised.filter(notice => !hidden.has(notice)), [raised, hidden]);
	const newest = visible.at(-1);
	return {
		visible,
		hideNewest:
			newest &&
			(() => {
				// Only notices still raised stay in the set, so it never outgrows the list.
				setHidden(new Set([...raised.filter(notice => hidden.has(notice)), newest]));
			}),
	};
};
