import {readdir, rm} from 'node:fs/promises';
import path from 'node:path';
import {decodeRange} from '../codec/decode-file.js';
import {repairWav} from '../wav/wav-repair.js';
import type {PartFile} from './chunk-store.js';
import {ChunkWriter, finalizePart, type ChunkFile} from './chunk-writer.js';

/** What the repair did with one `.part`. */
export type PartRepair =
	| {readonly part: string; readonly action: 'finalized'; readonly chunk: ChunkFile}
	| {readonly part: string; readonly action: 'removed'; readonly reason: string}
	| {readonly part: string; readonly action: 'failed'; readonly reason: string};

const repairSuffix = '.repair';

/**
 * Turns the `.part` chunks a crash left into finished chunks: a WAV by bringing its header up to date,
 * FLAC and Opus by decoding every complete frame or page and encoding them again beside the part
 * (`.part.repair`), which then replaces it. A part with no audio in it is removed. A `.repair` left by a
 * crash during an earlier repair is an incomplete copy (its part is still there) and is removed first.
 */
export const repairParts = async (root: string, parts: readonly PartFile[], opusKbps: number): Promise<PartRepair[]> => {
	await removeRepairLeftovers(root);
	const results: PartRepair[] = [];
	for (const part of parts) {
		try {
			results.push(await repairPart(root, part, opusKbps));
		} catch (error) {
			results.push({part: part.path, action: 'failed', reason: error instanceof Error ? error.message : String(error)});
		}
	}
	return results;
};

const repairPart = async (root: string, part: PartFile, opusKbps: number): Promise<PartRepair> => {
	if (part.format === 'wav') {
		const {frames} = await repairWav(part.path);
		if (frames === 0) {
			await rm(part.path, {force: true});
			return {part: part.path, action: 'removed', reason: 'it held no audio'};
		}
		return {part: part.path, action: 'finalized', chunk: await finalizePart(part.path, {...part, root, frames})};
	}
	const audio = await decodeRange(part.path, part, 0, Number.POSITIVE_INFINITY);
	const frames = audio.length / part.channels;
	if (frames === 0) {
		await rm(part.path, {force: true});
		return {part: part.path, action: 'removed', reason: 'not one complete page of audio in it'};
	}
	const writer = new ChunkWriter({...part, root, opusKbps, partPath: `${part.path}${repairSuffix}`});
	writer.write(audio, frames);
	const chunk = await writer.finish();
	await rm(part.path, {force: true});
	return {part: part.path, action: 'finalized', chunk};
};

const removeRepairLeftovers = async (root: string): Promise<void> => {
	let entries;
	try {
		entries = await readdir(root, {recursive: true, withFileTypes: true});
	} catch {
		return;
	}
	for (const entry of entries) {
		if (entry.isFile() && entry.name.endsWith(`.part${repairSuffix}`)) {
			await rm(path.join(entry.parentPath, entry.name), {force: true});
		}
	}
};
