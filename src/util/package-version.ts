import {readFileSync} from 'node:fs';

/** omega13's version, from its package.json. */
export const packageVersion = (): string => {
	const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {version: string};
	return manifest.version;
};
