import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {writeFileAtomic, writeJsonAtomic} from '../src/session/atomic-write.js';

let dir: string;
before(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'omega13-atomic-'));
});
after(async () => {
	await rm(dir, {recursive: true, force: true});
});

describe('writeJsonAtomic', () => {
	it('ends many concurrent saves with the latest content, valid JSON and no temp files', async () => {
		const target = path.join(dir, 'session.json');
		const saves = Array.from({length: 300}, async (_, n) => {
			await writeJsonAtomic(target, {n, padding: 'x'.repeat(n * 10)});
			// Resolving means content at least this new is in place.
			const seen = JSON.parse(readFileSync(target, 'utf8')) as {n: number};
			assert.ok(seen.n >= n, `save ${n} resolved while the file held ${seen.n}`);
		});
		await Promise.all(saves);
		assert.deepEqual(JSON.parse(await readFile(target, 'utf8')), {n: 299, padding: 'x'.repeat(2990)});
		assert.deepEqual(await readdir(dir), ['session.json']);
	});

	it('writes tab-indented JSON with mode 0600, whatever the umask and the old file mode', async () => {
		const target = path.join(dir, 'private.json');
		await writeFile(target, 'old', {mode: 0o644});
		const umask = process.umask(0);
		try {
			await writeJsonAtomic(target, {a: [1]});
		} finally {
			process.umask(umask);
		}
		assert.equal(await readFile(target, 'utf8'), '{\n\t"a": [\n\t\t1\n\t]\n}\n');
		assert.equal((await stat(target)).mode & 0o777, 0o600);
	});

	it('rejects when the directory is missing and keeps working for the next save', async () => {
		const target = path.join(dir, 'missing', 'x.json');
		await assert.rejects(writeFileAtomic(target, '1'), {code: 'ENOENT'});
		const other = path.join(dir, 'after-failure.json');
		await writeFileAtomic(other, '2');
		assert.equal(await readFile(other, 'utf8'), '2');
		await assert.rejects(writeFileAtomic('', '1'), new TypeError('writeFileAtomic: target must be a non-empty string'));
	});
});
