import assert from 'node:assert/strict';
import {chmod, chown, mkdir, mkdtemp, rm, stat, symlink, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {Session} from '../src/session/session.js';
import {appDirs, ensureAppDir, ensurePrivateDir} from '../src/util/app-dirs.js';

let dir: string;
before(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'omega13-paths-'));
});
after(async () => {
	await rm(dir, {recursive: true, force: true});
});

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('appDirs', () => {
	it('follows the XDG variables', () => {
		const dirs = appDirs(
			{XDG_DATA_HOME: '/x/data', XDG_CONFIG_HOME: '/x/config', XDG_CACHE_HOME: '/x/cache', XDG_RUNTIME_DIR: '/run/user/1000'},
			'/home/someone',
		);
		assert.deepEqual(dirs, {
			data: '/x/data/omega13',
			sessions: '/x/data/omega13/sessions',
			config: '/x/config/omega13',
			cache: '/x/cache/omega13',
			runtime: '/run/user/1000/omega13',
		});
	});

	it('falls back to the home directory and a per-user temp directory, ignoring relative values', () => {
		const dirs = appDirs({XDG_DATA_HOME: 'relative/data', XDG_CONFIG_HOME: ''}, '/home/someone');
		assert.deepEqual(dirs, {
			data: '/home/someone/.local/share/omega13',
			sessions: '/home/someone/.local/share/omega13/sessions',
			config: '/home/someone/.config/omega13',
			cache: '/home/someone/.cache/omega13',
			runtime: path.join(os.tmpdir(), `omega13-${process.getuid!()}`),
		});
	});
});

describe('ensureAppDir', () => {
	it('creates a missing directory and its parents with mode 0700', async () => {
		const env = {XDG_DATA_HOME: path.join(dir, 'fresh', 'share')};
		const sessions = await ensureAppDir('sessions', env);
		assert.equal(sessions, path.join(dir, 'fresh', 'share', 'omega13', 'sessions'));
		assert.equal(await modeOf(sessions), 0o700);
		assert.equal(await modeOf(path.dirname(sessions)), 0o700);
	});

	it('tightens an existing directory of ours to 0700', async () => {
		const loose = path.join(dir, 'loose', 'omega13');
		await mkdir(loose, {recursive: true});
		await chmod(loose, 0o755);
		assert.equal(await ensureAppDir('cache', {XDG_CACHE_HOME: path.dirname(loose)}), loose);
		assert.equal(await modeOf(loose), 0o700);
	});

	it('leaves a shared sessions folder (setgid 2775) as it is, says so, and keeps what it makes inside private', async () => {
		const shared = path.join(dir, 'shared-sessions');
		await mkdir(shared);
		await chmod(shared, 0o2775);
		const warnings: string[] = [];
		assert.equal(await ensurePrivateDir(shared, {existing: 'warn', warn: line => warnings.push(line)}), shared);
		assert.equal((await stat(shared)).mode & 0o7777, 0o2775);
		assert.deepEqual(warnings, [`${shared} is open to others (mode 2775): omega13 leaves it as it is and keeps its own files in it private (0600, folders 0700)`]);
		const session = await Session.create(shared, {now: new Date(2026, 11, 3, 6, 0, 0)});
		assert.equal(await modeOf(session.dir), 0o700);
		assert.equal(await modeOf(path.join(session.dir, 'session.json')), 0o600);
		await session.dispose();
		// One it makes is private from the start, and a private one is not worth a word.
		const fresh = path.join(dir, 'new-sessions');
		await ensurePrivateDir(fresh, {existing: 'warn', warn: line => warnings.push(line)});
		await ensurePrivateDir(fresh, {existing: 'warn', warn: line => warnings.push(line)});
		assert.equal(await modeOf(fresh), 0o700);
		assert.equal(warnings.length, 1);
	});

	it('names the problem when a file stands where the directory should be', async () => {
		const file = path.join(dir, 'a-file');
		await writeFile(file, 'x');
		await assert.rejects(ensurePrivateDir(file), {message: `${file} cannot be a directory: it, or a folder above it, is a file; name a directory`});
		await assert.rejects(ensurePrivateDir(path.join(file, 'below')), /cannot be a directory: it, or a folder above it, is a file/);
	});

	it('refuses a symlink in place of the directory', async () => {
		const real = path.join(dir, 'elsewhere');
		await mkdir(real, {mode: 0o755});
		const link = path.join(dir, 'linked');
		await mkdir(link);
		await symlink(real, path.join(link, 'omega13'));
		await assert.rejects(ensureAppDir('config', {XDG_CONFIG_HOME: link}), {
			message: `${path.join(link, 'omega13')} is not a directory (a symlink or a file is in the way)`,
		});
		assert.equal(await modeOf(real), 0o755);
	});

	it('refuses a directory that belongs to another user', async (t) => {
		if (process.getuid?.() !== 0) {
			t.skip('needs root to make a directory owned by someone else');
			return;
		}
		const foreign = path.join(dir, 'foreign');
		await mkdir(foreign);
		await chmod(foreign, 0o777);
		await chown(foreign, 4321, 4321);
		await assert.rejects(ensurePrivateDir(foreign), {
			message: `${foreign} belongs to uid 4321, not to us (uid 0); refusing to keep our files there`,
		});
		assert.equal(await modeOf(foreign), 0o777);
	});
});
