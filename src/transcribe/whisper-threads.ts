import os from 'node:os';

/** whisper.cpp's threads: every core, but past 8 more threads stop helping. */
export const defaultThreads = (): number => Math.max(1, Math.min(os.availableParallelism(), 8));
