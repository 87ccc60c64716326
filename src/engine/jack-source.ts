import type {AudioSource, SourceGap, SourceStats} from './audio-source.js';
import {JackError, JackErrorCode, isJackError} from './jack-errors.js';
import {JackClient} from './jack-native.js';
import type {EpochMs, Frames, Hertz, Seconds} from '../util/units.js';

export type JackSourceOptions = {
	/** JACK client name (the ports are `NAME:in_1 ..`). */
	readonly name: string;
	readonly channels: number;
	/** @default $JACK_DEFAULT_SERVER, else the default server */
	readonly serverName?: string;
	/**
	 * What to connect to `in_1, in_2, ...` in order: the sound card's capture ports (`'physical'`), the
	 * given output ports, or nothing. @default 'physical'
	 */
	readonly connect?: readonly string[] | 'physical' | 'none';
	/** See JackClientOptions.ringSeconds. @default 8 */
	readonly ringSeconds?: Seconds;
};

/** What `open` connected, and what it could not, for the user to read. */
export type ConnectionReport = {
	readonly connected: ReadonlyArray<{readonly source: string; readonly destination: string}>;
	/** Our input ports that `open` left unconnected although asked to connect them. */
	readonly unconnected: readonly string[];
	/** One line for the user when something was left unconnected, else undefined. */
	readonly message: string | undefined;
};

/** The JACK client as the engine's AudioSource: its input ports, read interleaved. */
export class JackSource implements AudioSource {
	readonly kind = 'jack';
	readonly name: string;
	readonly sampleRate: Hertz;
	readonly channels: number;
	readonly portNames: readonly string[];
	readonly connectionReport: ConnectionReport;
	/** The client, for port listing and routing. */
	readonly client: JackClient;
	#lastStats: SourceStats = {xruns: 0, droppedFrames: 0, shutdownReason: undefined};
	#periodFrames: Frames;
	#disposed = false;

	private constructor(client: JackClient, channels: number, report: ConnectionReport) {
		this.client = client;
		this.name = client.name;
		this.sampleRate = client.sampleRate;
		this.channels = channels;
		this.portNames = client.inputPorts;
		this.connectionReport = report;
		this.#periodFrames = client.periodFrames;
	}

	/**
	 * Opens the client with `channels` inputs and makes the connections asked for. A named port that does
	 * not exist is a JACK_PORT_NOT_FOUND error (and no client is left behind); fewer physical capture
	 * ports than channels is not an error: `connectionReport` says which inputs stayed unconnected.
	 */
	static open(options: JackSourceOptions): JackSource {
		if (typeof options !== 'object' || options === null) {
			throw new TypeError('Expected options to be an object');
		}
		const {name, channels, serverName, connect = 'physical', ringSeconds} = options;
		if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1 || channels > 256) {
			throw new RangeError(`options.channels must be a whole number from 1 to 256, got ${String(channels)}`);
		}
		if (connect !== 'physical' && connect !== 'none') {
			if (!Array.isArray(connect) || connect.some(port => typeof port !== 'string')) {
				throw new TypeError('Expected options.connect to be "physical", "none" or an array of port names');
			}
			if (connect.length > channels) {
				throw new RangeError(`options.connect lists ${connect.length} ports but there are only ${channels} channels`);
			}
		}
		const client = JackClient.open({
			name,
			inputs: channels,
			...(serverName === undefined ? {} : {serverName}),
			...(ringSeconds === undefined ? {} : {ringSeconds}),
		});
		try {
			return new JackSource(client, channels, connectInputs(client, connect));
		} catch (error) {
			client.dispose();
			throw error;
		}
	}

	/** Follows the server's buffer size; after dispose, the last one seen. */
	get periodFrames(): Frames {
		if (!this.#disposed) {
			this.#periodFrames = this.client.periodFrames;
		}
		return this.#periodFrames;
	}

	/** Interleaved frames that arrived since the last call; 0 once disposed. */
	read(into: Float32Array): Frames {
		return this.#disposed ? 0 : this.client.read(into);
	}

	frameTime(frame: Frames): EpochMs {
		return this.client.frameTime(frame);
	}

	takeGaps(): SourceGap[] {
		return this.#disposed ? [] : this.client.takeGaps();
	}

	/** The counters; after dispose, the last ones seen. */
	stats(): SourceStats {
		if (!this.#disposed) {
			const {xruns, droppedFrames, shutdownReason} = this.client.stats();
			this.#lastStats = {xruns, droppedFrames, shutdownReason};
		}
		return this.#lastStats;
	}

	dispose(): void {
		if (this.#disposed) {
			return;
		}
		this.stats();
		this.#periodFrames = this.client.periodFrames;
		this.#disposed = true;
		this.client.dispose();
	}
}

const connectInputs = (client: JackClient, connect: readonly string[] | 'physical' | 'none'): ConnectionReport => {
	if (connect === 'none') {
		return {connected: [], unconnected: [], message: undefined};
	}
	const sources = connect === 'physical' ? client.ports({direction: 'output', type: 'audio', physical: true}).map(port => port.name) : connect;
	const connected: Array<{source: string; destination: string}> = [];
	for (const [index, source] of sources.entries()) {
		const destination = client.inputPorts[index];
		if (destination === undefined) {
			break;
		}
		try {
			client.connect(source, destination);
		} catch (error) {
			if (isJackError(error, JackErrorCode.portNotFound)) {
				throw new JackError(
					JackErrorCode.portNotFound,
					`cannot connect "${source}" to ${destination}: there is no such JACK port (list the ports with jack_lsp)`,
				);
			}
			throw error;
		}
		connected.push({source, destination});
	}
	const unconnected = client.inputPorts.slice(connected.length);
	let message: string | undefined;
	if (connect === 'physical' && unconnected.length > 0) {
		message =
			sources.length === 0
				? `no physical capture ports on the JACK server: ${unconnected.join(', ')} left unconnected (connect them with --connect, or a patchbay)`
				: `only ${sources.length} physical capture port${sources.length === 1 ? '' : 's'} (${sources.join(', ')}): ${unconnected.join(', ')} left unconnected`;
	}
	return {connected, unconnected: connect === 'physical' ? unconnected : [], message};
};
