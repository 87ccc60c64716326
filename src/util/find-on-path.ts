import {accessSync, constants} from 'node:fs';
import path from 'node:path';

/** The first executable `name` in `env`'s PATH, as a shell would find it, or undefined. */
export const findOnPath = (name: string, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined => {
	for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
		if (dir.length === 0) {
			continue;
		}
		const candidate = path.join(dir, name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// Not in this directory.
		}
	}
	return undefined;
};
