import fs from 'node:fs/promises';
import net from 'node:net';
import {isControlCommand, saveLastProblem, transcribeRequest, type ControlRequest, type ControlResponse} from './control-protocol.js';

export type ControlHandler = (request: ControlRequest) => Promise<ControlResponse>;

/** A request line longer than this is not ours: drop the connection rather than buffer it. */
const maxRequestBytes = 4096;

/**
 * A client has this long to send its request line; one that connects and says nothing would otherwise
 * hold a connection (and its buffer) for as long as omega13 runs.
 */
export const requestTimeoutMs = 5000;

export class ControlSocketInUseError extends Error {
	readonly code = 'CONTROL_SOCKET_IN_USE';
}

/**
 * Listens on a unix socket (mode 0600 inside a 0700 directory) for `toggle`, `status`, ... from
 * `omega13 toggle` and desktop shortcuts.
 */
export class ControlServer {
	readonly socketPath: string;
	readonly #server: net.Server;
	readonly #connections = new Set<net.Socket>();
	#disposed: Promise<void> | undefined;

	private constructor(socketPath: string, server: net.Server) {
		this.socketPath = socketPath;
		this.#server = server;
	}

	static async listen(socketPath: string, handler: ControlHandler): Promise<ControlServer> {
		await removeStaleSocket(socketPath);
		const server = net.createServer();
		const control = new ControlServer(socketPath, server);
		server.on('connection', socket => {
			control.#serve(socket, handler);
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(socketPath, () => {
				server.off('error', reject);
				resolve();
			});
		});
		// The directory is already private; this keeps the socket private if it is ever moved elsewhere.
		await fs.chmod(socketPath, 0o600);
		return control;
	}

	/** Stops listening and removes the socket file. Idempotent. */
	async dispose(): Promise<void> {
		this.#disposed ??= (async () => {
			for (const socket of this.#connections) {
				socket.destroy();
			}
			await new Promise<void>(resolve => {
				this.#server.close(() => {
					resolve();
				});
			});
			await fs.rm(this.socketPath, {force: true});
		})();
		return this.#disposed;
	}

	#serve(socket: net.Socket, handler: ControlHandler): void {
		this.#connections.add(socket);
		socket.on('close', () => this.#connections.delete(socket));
		socket.on('error', () => {
			// A client that hangs up early is its own problem; nothing to report here.
		});
		let buffered = '';
		let refused = false;
		/** Answers a client that is not speaking our protocol, and reads no more from it. */
		const refuse = (message: string): void => {
			refused = true;
			buffered = '';
			socket.end(`${JSON.stringify({ok: false, message: `bad request: ${message}`})}\n`);
		};
		socket.setEncoding('utf8');
		// A deadline from the connection, not an idle time-out: a byte every few seconds must not hold it for hours.
		const deadline = setTimeout(() => {
			refuse(`no request line within ${requestTimeoutMs / 1000} s`);
			// A client that does not read the answer either is not waited for.
			setTimeout(() => socket.destroy(), requestTimeoutMs).unref();
		}, requestTimeoutMs);
		deadline.unref();
		socket.on('close', () => clearTimeout(deadline));
		socket.on('data', (chunk: string) => {
			if (refused) {
				return;
			}
			buffered += chunk;
			const newline = buffered.indexOf('\n');
			if (newline === -1) {
				if (buffered.length > maxRequestBytes) {
					refuse(`no newline in the first ${maxRequestBytes} bytes`);
				}
				return;
			}
			// The request is in: the handler may take its time (a stop finishes the file first).
			clearTimeout(deadline);
			socket.pause();
			void respond(buffered.slice(0, newline), handler).then(response => {
				socket.end(`${JSON.stringify(response)}\n`);
			});
		});
	}
}

const respond = async (line: string, handler: ControlHandler): Promise<ControlResponse> => {
	let request: unknown;
	try {
		request = JSON.parse(line);
	} catch {
		return {ok: false, message: 'bad request: not JSON (send {"command":"toggle"} and a newline)'};
	}
	const command = (request as {command?: unknown} | null)?.command;
	if (!isControlCommand(command)) {
		return {ok: false, message: `bad request: unknown command ${JSON.stringify(command)}`};
	}
	const seconds = (request as {seconds?: unknown}).seconds;
	const secondsProblem = command === 'save-last' && saveLastProblem(typeof seconds === 'number' ? seconds : undefined, JSON.stringify(seconds) ?? 'nothing');
	if (secondsProblem) {
		return {ok: false, message: `bad request: ${secondsProblem} (in "seconds")`};
	}
	const transcribe = command === 'transcribe' ? transcribeRequest(request as Record<string, unknown>) : undefined;
	if (typeof transcribe === 'string') {
		return {ok: false, message: transcribe};
	}
	try {
		return await handler(transcribe !== undefined ? {command, ...transcribe} : typeof seconds === 'number' ? {command, seconds} : {command});
	} catch (error) {
		return {ok: false, message: error instanceof Error ? error.message : String(error)};
	}
};

/** A socket file left by a killed instance is removed; one with a live instance behind it is an error. */
export const removeStaleSocket = async (socketPath: string): Promise<void> => {
	const alive = await new Promise<boolean>(resolve => {
		const probe = net.connect(socketPath);
		probe.once('connect', () => {
			probe.destroy();
			resolve(true);
		});
		probe.once('error', () => {
			resolve(false);
		});
	});
	if (alive) {
		throw new ControlSocketInUseError(
			`another omega13 is already running with this --jack-name (control socket ${socketPath}): ` +
				'stop it, or start this one with another --jack-name',
		);
	}
	await fs.rm(socketPath, {force: true});
};
