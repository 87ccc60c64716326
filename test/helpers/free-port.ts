import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it). Another process can take it
 * before ours binds, so a caller that fails to bind asks again.
 */
export const freeLoopbackPort = (): Promise<number> =>
	new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => {
				if (typeof address === 'object' && address !== null) {
					resolve(address.port);
				} else {
					reject(new Error('could not find a free port on 127.0.0.1'));
				}
			});
		});
	});
