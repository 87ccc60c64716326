import assert from 'node:assert/strict';
import {mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {ConfigExistsError, initConfig} from '../src/config/init-config.js';
import {loadConfig} from '../src/config/load-config.js';
import {defaultSettings, settingKeys} from '../src/config/settings-schema.js';

let root: string;
before(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'omega13-config-init-'));
});
after(async () => {
	await rm(root, {recursive: true, force: true});
});

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('initConfig', () => {
	it('writes a commented file (0600, in a 0700 directory) that loads back as the defaults', async () => {
		const home = path.join(root, 'home-a');
		const env = {XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share')};
		const written = await initConfig({env, home});
		assert.equal(written, path.join(home, '.config', 'omega13', 'config.json'));
		assert.equal(await modeOf(written), 0o600);
		assert.equal(await modeOf(path.dirname(written)), 0o700);
		const text = await readFile(written, 'utf8');
		assert.match(text, /^\/\/ omega13 settings/);
		for (const key of settingKeys) {
			assert.match(text, new RegExp(`^\\t"${key}": `, 'm'), `${key} is in the file`);
		}
		assert.match(text, /\t\/\/ Flag: --buffer-seconds\n\t"bufferSeconds": 13,/);
		// The sessions directory is written home-relative, so the file still works if home moves.
		assert.match(text, /"sessionsDir": "~\/\.local\/share\/omega13\/sessions"/);
		const loaded = await loadConfig({env, home});
		assert.equal(loaded.fileFound, true);
		assert.deepEqual(loaded.settings, defaultSettings(env, home));
		assert.ok(settingKeys.every((key) => loaded.origins[key] === `config file ${written}`));
	});

	it('refuses to overwrite an existing file and leaves it as it was', async () => {
		const file = path.join(root, 'mine.json');
		await writeFile(file, '{"channels": 1}\n');
		await assert.rejects(
			initConfig({file, home: root}),
			(error: unknown) =>
				error instanceof ConfigExistsError &&
				error.message === `${file} already exists; not overwriting it (edit it, or move it away and run \`omega13 config init\` again)`,
		);
		assert.equal(await readFile(file, 'utf8'), '{"channels": 1}\n');
	});

	it('refuses the second time it is run', async () => {
		const file = path.join(root, 'twice', 'config.json');
		await initConfig({file, home: root});
		const first = await readFile(file, 'utf8');
		await assert.rejects(initConfig({file, home: root}), ConfigExistsError);
		assert.equal(await readFile(file, 'utf8'), first);
	});

	it('makes a missing parent of a --config file 0700 and leaves an existing one alone', async () => {
		const made = path.join(root, 'new-parent', 'config.json');
		await initConfig({file: made, home: root});
		assert.equal(await modeOf(path.dirname(made)), 0o700);
		const shared = path.join(root, 'shared');
		await mkdir(shared, {mode: 0o755});
		await initConfig({file: path.join(shared, 'config.json'), home: root});
		assert.equal(await modeOf(shared), 0o755);
	});
});
