import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {NotRunningError, sendControl} from './control-client.js';
import {controlSocketPath} from './control-protocol.js';

/** A running omega13, found by its control socket. */
export type Instance = {
	readonly jackName: string;
	readonly pid: number;
	readonly socketPath: string;
};

/** More than one omega13 runs and none was named: which one is meant is the user's to say. */
export class SeveralRunningError extends Error {
	override readonly name = 'SeveralRunningError';
	readonly code = 'OMEGA13_SEVERAL_RUNNING';
	readonly instances: readonly Instance[];

	constructor(instances: readonly Instance[]) {
		// JSON quoting: a name from another process reaches the terminal with any control character escaped.
		const names = instances.map(instance => `${JSON.stringify(instance.jackName)} (pid ${instance.pid})`).join(', ');
		super(`${instances.length} instances of omega13 are running: ${names}; name one with --jack-name NAME`);
		this.instances = instances;
	}
}

/**
 * The instances whose control sockets in `runtimeDir` answer, by name. A socket left by a killed
 * instance, or one that does not answer in time, is not an instance.
 */
export const runningInstances = async (runtimeDir: string, timeoutMs = 1000): Promise<Instance[]> => {
	let names: string[];
	try {
		names = await readdir(runtimeDir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return [];
		}
		throw error;
	}
	const answers = await Promise.all(
		names
			.filter(name => name.endsWith('.sock'))
			.sort()
			.map(async name => {
				const socketPath = path.join(runtimeDir, name);
				try {
					const {status} = await sendControl(socketPath, {command: 'status'}, {timeoutMs});
					return status === undefined ? undefined : {jackName: status.jackName, pid: status.pid, socketPath};
				} catch {
					return undefined;
				}
			}),
	);
	return answers.filter(instance => instance !== undefined);
};

/**
 * The control socket a command goes to: the named instance's when `jackName` is given (it may not be
 * running: the command then says so), else the only instance running. Throws `NotRunningError` when
 * none runs, `SeveralRunningError` when more than one does.
 */
export const findInstance = async (runtimeDir: string, jackName: string | undefined): Promise<string> => {
	if (jackName !== undefined) {
		return controlSocketPath(runtimeDir, jackName);
	}
	const instances = await runningInstances(runtimeDir);
	if (instances.length === 1) {
		return instances[0]!.socketPath;
	}
	if (instances.length > 1) {
		throw new SeveralRunningError(instances);
	}
	throw new NotRunningError(
		`omega13 is not running (no instance answers in ${runtimeDir}): start it with \`omega13\` or \`omega13 --headless\``,
	);
};
