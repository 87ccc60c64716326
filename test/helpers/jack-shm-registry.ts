/**
 * What a jackd that did not exit cleanly (`kill -9`, a crash) leaves in /dev/shm, and how to take it
 * back. A clean exit removes all of it; a killed server keeps, until a server *of the same name* starts
 * (which with the tests' unique names never happens):
 * - its slot in jackd2's registry (/dev/shm/jack-shm-registry), which has 8: with them all taken no
 *   jackd can start on the machine ("Too many servers already active");
 * - its memory segments (`jack-UID-N`, about 100 MB each on the dummy driver) and their registry entries
 *   (a starting jackd frees those of dead allocators, but only if one starts);
 * - its socket and semaphores (`jack_NAME_*`, `jack_sem.UID_NAME_*`);
 * - the metadata database (`jack_db-UID`), shared by all servers of the user: a clean exit removes it.
 *
 * Other people's servers run on the same machine: only what belongs to a process that is gone is touched,
 * and in the order jackd itself frees it, so that a server starting meanwhile never sees a half-freed
 * entry as free.
 */
import {closeSync, openSync, readdirSync, readSync, rmSync, writeSync} from 'node:fs';
import {isProcessAlive} from '../../src/util/process-alive.js';

const shmDir = '/dev/shm';
const registryPath = `${shmDir}/jack-shm-registry`;
// Layout (jackd2 1.9, common/shm.h): header {u32 magic 'JACK', u16 protocol, pad, i32 type, u32 size,
// u32 hdr_len, u32 entry_len}, then 8 servers {i32 pid; char name[257]} padded to 264 bytes; then the
// segment entries {i16 index; pad; i32 allocator; u32 size; char id[256]}, 268 bytes each.
const registryMagic = 0x4a_41_43_4b;
const headerBytes = 24;
const serverSlots = 8;
const serverBytes = 264;
const segmentsOffset = headerBytes + serverSlots * serverBytes;
const segmentBytes = 268;
const segmentIdOffset = 12;

const uid = (): number => process.getuid?.() ?? 0;

/** Zeroes byte ranges of the record at `at` in the order given: the field that marks it taken goes last. */
const zero = (fd: number, at: number, ...ranges: ReadonlyArray<readonly [number, number]>): void => {
	for (const [from, to] of ranges) {
		writeSync(fd, Buffer.alloc(to - from), 0, to - from, at + from);
	}
};

/**
 * Frees the registry's server slots and memory segments whose process is gone (what a starting jackd
 * does only for its own name and only when one starts). Returns how many live servers the registry holds.
 */
const reclaimRegistry = (): number => {
	let fd: number;
	try {
		fd = openSync(registryPath, 'r+');
	} catch {
		return 0;
	}
	try {
		const header = Buffer.alloc(headerBytes);
		readSync(fd, header, 0, headerBytes, 0);
		const size = header.readUInt32LE(12);
		// Only a layout we know: anything else is left alone.
		if (header.readUInt32LE(0) !== registryMagic || header.readUInt32LE(16) !== segmentsOffset || header.readUInt32LE(20) !== segmentBytes) {
			return 0;
		}
		const registry = Buffer.alloc(size);
		if (readSync(fd, registry, 0, size, 0) < size) {
			return 0;
		}
		let live = 0;
		for (let slot = 0; slot < serverSlots; slot++) {
			const at = headerBytes + slot * serverBytes;
			const pid = registry.readInt32LE(at);
			if (pid > 0 && isProcessAlive(pid)) {
				live++;
			} else if (pid > 0) {
				// The name, then the pid (a slot with pid 0 is free).
				zero(fd, at, [4, serverBytes], [0, 4]);
			}
		}
		for (let at = segmentsOffset; at + segmentBytes <= size; at += segmentBytes) {
			const allocator = registry.readInt32LE(at + 4);
			if (allocator <= 0 || isProcessAlive(allocator)) {
				continue;
			}
			const id = registry.toString('latin1', at + segmentIdOffset, at + segmentBytes).replace(/\0.*$/s, '');
			if (/^\/jack-\d+-\d+$/.test(id)) {
				rmSync(`${shmDir}${id}`, {force: true});
			}
			// The id, the allocator, then the size (an entry with size 0 is free). The index is the entry's own: kept.
			zero(fd, at, [segmentIdOffset, segmentBytes], [4, 8], [8, 12]);
		}
		return live;
	} finally {
		closeSync(fd);
	}
};

/** Removes the socket and semaphores server `name` left (a clean exit removes its own). */
const removeServerFiles = (name: string): void => {
	let entries: string[];
	try {
		entries = readdirSync(shmDir);
	} catch {
		return;
	}
	for (const entry of entries) {
		if (entry.startsWith(`jack_${name}_`) || entry.startsWith(`jack_sem.${uid()}_${name}_`)) {
			rmSync(`${shmDir}/${entry}`, {force: true, recursive: true});
		}
	}
};

/** Frees what dead servers hold in the registry, so that a new one can start. */
export const reclaimDeadServers = (): void => {
	reclaimRegistry();
};

/**
 * Takes back everything server `name` left once its process is gone: its files, its registry slot and
 * segments (and those of any other dead server), and the metadata database when no server is left to
 * use it (as a clean exit would).
 */
export const removeServerLeftovers = (name: string): void => {
	removeServerFiles(name);
	if (reclaimRegistry() === 0) {
		rmSync(`${shmDir}/jack_db-${uid()}`, {force: true, recursive: true});
	}
};
