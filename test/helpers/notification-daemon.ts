import {spawn, execFile, type ChildProcess} from 'node:child_process';
import {promisify} from 'node:util';

const run = promisify(execFile);

type Running = {readonly child: ChildProcess; readonly exited: Promise<void>};

const stop = async ({child, exited}: Running): Promise<void> => {
	if (child.exitCode === null && child.signalCode === null) {
		child.kill('SIGTERM');
	}
	await exited;
};

/** A notification as dunst keeps it in its history. */
export type ShownNotification = {readonly appname: string; readonly summary: string; readonly body: string};

/**
 * A private D-Bus session bus with dunst on it, drawing on the given X display: notify-send talks to it
 * as to a desktop's, and `dunstctl history` reads back what was shown.
 */
export class NotificationDaemon {
	readonly env: NodeJS.ProcessEnv;
	readonly #bus: Running;
	readonly #dunst: Running;

	private constructor(env: NodeJS.ProcessEnv, bus: Running, dunst: Running) {
		this.env = env;
		this.#bus = bus;
		this.#dunst = dunst;
	}

	static async start(display: string, timeoutMs = 60_000): Promise<NotificationDaemon> {
		const busChild = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {stdio: ['ignore', 'pipe', 'ignore']});
		const bus = {child: busChild, exited: new Promise<void>(resolve => busChild.once('exit', () => resolve()))};
		const address = await new Promise<string>((resolve, reject) => {
			let text = '';
			const timer = setTimeout(() => reject(new Error(`dbus-daemon gave no address within ${timeoutMs} ms`)), timeoutMs);
			busChild.stdout!.on('data', (chunk: Buffer) => {
				text += chunk.toString();
				const line = /^(.+)\n/.exec(text);
				if (line) {
					clearTimeout(timer);
					resolve(line[1]!);
				}
			});
			busChild.once('exit', code => {
				clearTimeout(timer);
				reject(new Error(`dbus-daemon exited with ${code}`));
			});
		}).catch(async (error: unknown) => {
			await stop(bus);
			throw error;
		});
		const env: NodeJS.ProcessEnv = {...process.env, DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: address};
		delete env['WAYLAND_DISPLAY'];
		const dunstChild = spawn('dunst', [], {env, stdio: 'ignore'});
		const dunst = {child: dunstChild, exited: new Promise<void>(resolve => dunstChild.once('exit', () => resolve()))};
		const daemon = new NotificationDaemon(env, bus, dunst);
		try {
			// dunst is up once it answers on the bus (until then dunstctl fails).
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const ready = await run('dunstctl', ['count', 'displayed'], {env, timeout: timeoutMs}).then(() => true, () => false);
				if (ready) {
					break;
				}
				if (Date.now() > deadline || dunstChild.exitCode !== null) {
					throw new Error(`dunst did not answer on the bus within ${timeoutMs} ms`);
				}
				await new Promise(resolve => setTimeout(resolve, 50));
			}
			return daemon;
		} catch (error) {
			await daemon.dispose();
			throw error;
		}
	}

	/** How many notifications are on the screen now. */
	async displayed(): Promise<number> {
		const {stdout} = await run('dunstctl', ['count', 'displayed'], {env: this.env, timeout: 30_000});
		return Number(stdout.trim());
	}

	/** Closes what is shown and reads every notification back, newest first. */
	async history(): Promise<ShownNotification[]> {
		await run('dunstctl', ['close-all'], {env: this.env, timeout: 30_000});
		const {stdout} = await run('dunstctl', ['history'], {env: this.env, timeout: 30_000});
		const parsed = JSON.parse(stdout) as {data: Array<Array<Record<string, {data: unknown}>>>};
		return (parsed.data[0] ?? []).map(entry => ({
			appname: String(entry['appname']?.data),
			summary: String(entry['summary']?.data),
			body: String(entry['body']?.data),
		}));
	}

	async dispose(): Promise<void> {
		await stop(this.#dunst);
		await stop(this.#bus);
	}
}
