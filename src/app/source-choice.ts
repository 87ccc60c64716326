/** Where audio comes from. `auto`: JACK when a server answers, else the built-in demo. */
export type SourceChoice = {readonly kind: 'auto' | 'jack' | 'demo'} | {readonly kind: 'file'; readonly path: string};

/** `--source auto|jack|demo|file:PATH`; undefined when it is none of those. */
export const parseSourceChoice = (raw: string): SourceChoice | undefined => {
	if (raw === 'auto' || raw === 'jack' || raw === 'demo') {
		return {kind: raw};
	}
	if (raw.startsWith('file:') && raw.length > 'file:'.length) {
		return {kind: 'file', path: raw.slice('file:'.length)};
	}
	return undefined;
};
