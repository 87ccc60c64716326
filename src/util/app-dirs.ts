import {chmod, lstat, mkdir} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The environment variables the XDG base directory spec reads. */
export type XdgEnv = Readonly<Record<string, string | undefined>>;

/** Where omega13 keeps things, per the XDG base directory spec. */
export type AppDirs = {
	/** `$XDG_DATA_HOME/omega13`, or `~/.local/share/omega13`. */
	readonly data: string;
	/** The default sessions root: `<data>/sessions`. */
	readonly sessions: string;
	/** `$XDG_CONFIG_HOME/omega13`, or `~/.config/omega13`. */
	readonly config: string;
	/** `$XDG_CACHE_HOME/omega13`, or `~/.cache/omega13`. */
	readonly cache: string;
	/** `$XDG_RUNTIME_DIR/omega13`, or `<tmpdir>/omega13-<uid>` when there is no runtime dir. */
	readonly runtime: string;
};
export type AppDirKind = keyof AppDirs;

const appName = 'omega13';

/**
 * The directories, computed without touching the disk. The spec says relative values must be ignored,
 * so `XDG_DATA_HOME=foo` falls back like an unset variable.
 */
export const appDirs = (env: XdgEnv = process.env, home: string = os.homedir()): AppDirs => {
	const base = (variable: string, fallback: string): string => {
		const value = env[variable];
		return value !== undefined && path.isAbsolute(value) ? value : fallback;
	};
	const data = path.join(base('XDG_DATA_HOME', path.join(home, '.local', 'share')), appName);
	const uid = process.getuid?.() ?? os.userInfo().username;
	const runtimeBase = env['XDG_RUNTIME_DIR'];
	return {
		data,
		sessions: path.join(data, 'sessions'),
		config: path.join(base('XDG_CONFIG_HOME', path.join(home, '.config')), appName),
		cache: path.join(base('XDG_CACHE_HOME', path.join(home, '.cache')), appName),
		runtime:
			runtimeBase !== undefined && path.isAbsolute(runtimeBase)
				? path.join(runtimeBase, appName)
				: path.join(os.tmpdir(), `${appName}-${uid}`),
	};
};

/** One of the app's directories, created (mode 0700) if it is missing. */
export const ensureAppDir = async (kind: AppDirKind, env: XdgEnv = process.env, home: string = os.homedir()): Promise<string> =>
	ensurePrivateDir(appDirs(env, home)[kind]);

/**
 * Makes `dir` (and missing parents) with mode 0700. Refuses a symlink or a directory owned by someone
 * else: in a shared place such as /tmp that is how another user would get to read or plant our files.
 * An existing directory that others can reach is tightened to 0700 when it is one of the app's own
 * (`existing: 'tighten'`); a directory the user named (`existing: 'warn'`, the sessions folder) may be
 * shared on purpose (a setgid group folder), so it is left as it is and `warn` is told.
 */
export const ensurePrivateDir = async (
	dir: string,
	{existing = 'tighten', warn}: {existing?: 'tighten' | 'warn'; warn?: (line: string) => void} = {},
): Promise<string> => {
	let created: string | undefined;
	try {
		created = await mkdir(dir, {recursive: true, mode: 0o700});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EEXIST' || code === 'ENOTDIR') {
			throw new Error(`${dir} cannot be a directory: it, or a folder above it, is a file; name a directory`);
		}
		throw error;
	}
	const info = await lstat(dir);
	if (info.isSymbolicLink() || !info.isDirectory()) {
		throw new Error(`${dir} is not a directory (a symlink or a file is in the way)`);
	}
	const uid = process.getuid?.();
	if (uid !== undefined && info.uid !== uid) {
		throw new Error(`${dir} belongs to uid ${info.uid}, not to us (uid ${uid}); refusing to keep our files there`);
	}
	const mode = info.mode & 0o7777;
	if (created !== undefined || existing === 'tighten') {
		if ((mode & 0o777) !== 0o700) {
			await chmod(dir, 0o700);
		}
	} else if ((mode & 0o077) !== 0) {
		warn?.(`${dir} is open to others (mode ${mode.toString(8)}): omega13 leaves it as it is and keeps its own files in it private (0600, folders 0700)`);
	}
	return dir;
};
