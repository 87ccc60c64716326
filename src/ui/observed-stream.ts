/**
 * The same terminal stream, but `after` hears each chunk once it has been written. Everything else
 * (size, resize events, `isTTY`) is the stream's own, so Ink cannot tell the difference.
 */
export const observedStream = (stream: NodeJS.WriteStream, after: (text: string) => void): NodeJS.WriteStream =>
	new Proxy(stream, {
		get(target, key) {
			if (key === 'write') {
				return (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
					const result = (target.write as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean)(chunk, ...rest);
					after(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
					return result;
				};
			}
			const value: unknown = Reflect.get(target, key, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
