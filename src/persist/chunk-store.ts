import {readdir, rm, rmdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {decodeRange} from '../codec/decode-file.js';
import type {EpochMs, Frames} from '../util/units.js';
import type {AudioPiece} from './audio-piece.js';
import {parseChunkName, type ChunkName} from './chunk-name.js';

/** A finished chunk on disk. */
export type StoredChunk = ChunkName & {
	readonly path: string;
	readonly frames: Frames;
	readonly bytes: number;
};

/** A `.part` found on disk (being written by us, or left by a crash). */
export type PartFile = ChunkName & {readonly path: string};

export type ChunkListing = {
	/** Oldest first. */
	readonly chunks: readonly StoredChunk[];
	readonly parts: readonly PartFile[];
};

/**
 * Every chunk and `.part` under `root`, in every subfolder however deep (a retention that looks at one
 * level only never deletes anything in the folders it writes to). Files that are not ours are ignored.
 */
export const listChunks = async (root: string): Promise<ChunkListing> => {
	const chunks: StoredChunk[] = [];
	const parts: PartFile[] = [];
	let entries;
	try {
		entries = await readdir(root, {recursive: true, withFileTypes: true});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return {chunks, parts};
		}
		throw error;
	}
	for (const entry of entries) {
		const name = entry.isFile() ? parseChunkName(entry.name) : undefined;
		if (name === undefined) {
			continue;
		}
		const file = path.join(entry.parentPath, entry.name);
		if (name.frames === undefined) {
			parts.push({...name, path: file});
			continue;
		}
		try {
			chunks.push({...name, frames: name.frames, path: file, bytes: (await stat(file)).size});
		} catch {
			// Deleted while we looked.
		}
	}
	chunks.sort((a, b) => a.startTime - b.startTime);
	return {chunks, parts};
};

/** End time of a chunk on the time axis. */
export const chunkEnd = (chunk: Pick<ChunkName, 'startTime' | 'sampleRate'> & {readonly frames: Frames}): EpochMs =>
	chunk.startTime + (chunk.frames * 1000) / chunk.sampleRate;

/** A stored chunk as a piece of the audio history. */
export const chunkPiece = (chunk: ChunkName & {readonly path: string; readonly frames: Frames}): AudioPiece => ({
	startTime: chunk.startTime,
	sampleRate: chunk.sampleRate,
	channels: chunk.channels,
	frames: chunk.frames,
	read: async (offset, count) => decodeRange(chunk.path, chunk, offset, count),
});

export type RetentionRules = {
	/** Chunks that ended longer ago than this go. */
	readonly maxAgeMs: number;
	/** Past this many bytes in all, the oldest chunks go. */
	readonly maxBytes: number;
	/** A chunk this says no to stays whatever the rules say (not archived yet). */
	readonly mayDelete: (file: string) => boolean;
	readonly now?: EpochMs;
};

/**
 * Deletes the oldest chunks until the rest are within age and size, never one `mayDelete` refuses, and
 * removes the day folders left empty. Returns the chunks that remain and the ones deleted.
 */
export const applyRetention = async (
	root: string,
	chunks: readonly StoredChunk[],
	rules: RetentionRules,
): Promise<{kept: StoredChunk[]; deleted: StoredChunk[]}> => {
	const now = rules.now ?? Date.now();
	let total = chunks.reduce((sum, chunk) => sum + chunk.bytes, 0);
	const kept: StoredChunk[] = [];
	const deleted: StoredChunk[] = [];
	for (const chunk of chunks) {
		const tooOld = chunkEnd(chunk) < now - rules.maxAgeMs;
		if ((tooOld || total > rules.maxBytes) && rules.mayDelete(chunk.path)) {
			await rm(chunk.path, {force: true});
			total -= chunk.bytes;
			deleted.push(chunk);
		} else {
			kept.push(chunk);
		}
	}
	for (const folder of new Set(deleted.map(chunk => path.dirname(chunk.path)))) {
		if (folder !== root) {
			// Fails (and stays) while it holds anything.
			await rmdir(folder).catch(() => undefined);
		}
	}
	return {kept, deleted};
};
