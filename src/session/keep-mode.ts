/**
 * What a capture leaves on disk: its audio and transcript, or (`--keep transcript`, the privacy mode)
 * the transcript alone: the audio is deleted once the transcript is written and synced.
 */
export const Keep = {
	audio: 'audio',
	transcript: 'transcript',
} as const;
export type Keep = (typeof Keep)[keyof typeof Keep];

/** Shown while a privacy mode is on: on the TUI's banner, and said at start. */
export const privateMarker = 'PRIVATE: audio is not kept';
