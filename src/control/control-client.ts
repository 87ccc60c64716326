import net from 'node:net';
import type {ControlRequest, ControlResponse} from './control-protocol.js';

export class NotRunningError extends Error {
	readonly code = 'OMEGA13_NOT_RUNNING';
}

/** Sends one request to the running instance and returns its response. */
export const sendControl = async (
	socketPath: string,
	request: ControlRequest,
	{timeoutMs = 5000}: {timeoutMs?: number} = {},
): Promise<ControlResponse> =>
	new Promise((resolve, reject) => {
		const socket = net.connect(socketPath);
		let received = '';
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new Error(`omega13 did not answer within ${timeoutMs / 1000} s on ${socketPath}`));
		}, timeoutMs);
		socket.setEncoding('utf8');
		socket.once('connect', () => {
			socket.write(`${JSON.stringify(request)}\n`);
		});
		socket.on('data', (chunk: string) => {
			received += chunk;
		});
		socket.once('end', () => {
			clearTimeout(timer);
			try {
				resolve(JSON.parse(received) as ControlResponse);
			} catch {
				reject(new Error(`omega13 sent an unreadable answer on ${socketPath}`));
			}
		});
		socket.once('error', (error: NodeJS.ErrnoException) => {
			clearTimeout(timer);
			if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
				reject(
					new NotRunningError(
						`omega13 is not running (no instance answers on ${socketPath}): ` +
							'start it with `omega13` or `omega13 --headless` (with the same --jack-name)',
					),
				);
				return;
			}
			reject(error);
		});
	});
