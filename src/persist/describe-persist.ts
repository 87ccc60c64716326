import type {Seconds} from '../util/units.js';
import type {PersistStatus} from './persister.js';

/** `3 h 12 min`, `12 min`, `40 s`. */
export const spokenDuration = (seconds: Seconds): string => {
	const minutes = Math.floor(seconds / 60);
	if (minutes === 0) {
		return `${Math.floor(seconds)} s`;
	}
	const hours = Math.floor(minutes / 60);
	return hours === 0 ? `${minutes} min` : `${hours} h ${minutes % 60} min`;
};

/** `persisting: 3 h 12 min on disk, 41 MB`, or the pause and its reason. */
export const describePersist = (status: PersistStatus): string => {
	const held = `${spokenDuration(status.seconds)} on disk, ${Math.round(status.bytes / 1e6)} MB`;
	return status.state === 'paused' ? `persistence PAUSED (${held}): ${status.reason ?? ''}` : `persisting: ${held}`;
};
