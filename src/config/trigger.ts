/** What starts and stops captures. */
export const Trigger = {
	/** The global hotkey and `omega13 toggle` (and the API's capture routes). */
	key: 'key',
	/** Speech: an energy gate wakes Silero VAD, which confirms speech. */
	voice: 'voice',
	/** Speech, and the hotkey too: it starts a capture early or stops one early. */
	both: 'both',
} as const;
export type Trigger = (typeof Trigger)[keyof typeof Trigger];
