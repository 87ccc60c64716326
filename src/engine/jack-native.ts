import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {GapCause, type SourceGap} from './audio-source.js';
import {JackError, JackErrorCode} from './jack-errors.js';
import {jackPortNamePattern} from './jack-names.js';
import type {EpochMs, Frames, Hertz, Seconds} from '../util/units.js';

export type JackClientOptions = {
	/** The client's name on the server (our ports are `NAME:in_1` ...): 1 to 64 characters, no ":". */
	readonly name: string;
	/** Input ports `in_1 .. in_N`, whose audio `read` returns interleaved. */
	readonly inputs: number;
	/** Output ports `out_1 .. out_M`, played from what `write` queued. @default 0 */
	readonly outputs?: number;
	/** Which JACK server to join. @default $JACK_DEFAULT_SERVER, else the default server */
	readonly serverName?: string;
	/**
	 * How much audio each ring holds, rounded up to a power of two frames. The input ring must outlast the
	 * longest stall of the reading thread (a GC pause, a slow disk write): when full, whole periods are
	 * dropped and counted. @default 8
	 */
	readonly ringSeconds?: Seconds;
};

export type PortDirection = 'output' | 'input';
export type PortType = 'audio' | 'midi' | 'other';

/** A port on the server, as `jack_lsp -c -p -t` would show it. */
export type PortInfo = {
	/** Full name, `client:port`. */
	readonly name: string;
	readonly client: string;
	/** The part after the first ":". */
	readonly shortName: string;
	readonly type: PortType;
	/** `output` ports produce audio (capture ports, players); `input` ports receive it (our `in_N`). */
	readonly direction: PortDirection;
	/** A port of a sound card (JACK's `system:capture_N` / `system:playback_N`). */
	readonly physical: boolean;
	readonly terminal: boolean;
	/** Full names of the ports connected to it. */
	readonly connections: readonly string[];
};

export type PortFilter = {
	readonly direction?: PortDirection;
	readonly type?: PortType;
	readonly physical?: boolean;
	/** Matched against the full name (a string is a regular expression, unanchored, as jack_lsp takes). */
	readonly namePattern?: string | RegExp;
};

/** Counters kept since the client opened. */
export type JackStats = {
	/** Xruns the server reported. */
	readonly xruns: number;
	/** Input frames thrown away (whole periods) because `read` fell more than the ring behind. */
	readonly droppedFrames: Frames;
	/** Output frames played as silence because `write` did not keep up (counted once output started). */
	readonly underrunFrames: Frames;
	/** Frames of cycles the server ran without running us (we were stalled). */
	readonly missedFrames: Frames;
	/** Every frame the process callback handled, dropped ones included. */
	readonly framesCaptured: Frames;
	/** Input frames waiting for `read`. */
	readonly readableFrames: Frames;
	/** Set once the server shut down (or died): its reason. */
	readonly shutdownReason: string | undefined;
	/** Changes whenever a port or client comes or goes or a connection is made or broken anywhere. */
	readonly graphVersion: number;
};

type NativeInfo = {
	name: string;
	sampleRate: number;
	periodFrames: number;
	inputPorts: string[];
	outputPorts: string[];
	ringFrames: number;
	outputRingFrames: number;
};

type NativePort = {name: string; type: string; input: boolean; physical: boolean; terminal: boolean; connections: string[]};

type NativeClient = {
	info(): NativeInfo;
	read(into: Float32Array): number;
	write(from: Float32Array, frames: number): number;
	writableFrames(): number;
	stats(): Omit<JackStats, 'shutdownReason'> & {shutdownReason?: string};
	anchor(): [wallMicros: number, frame: number] | undefined;
	takeGaps(): number[];
	periodFrames(): number;
	ports(): NativePort[];
	connections(port: string): string[];
	connect(source: string, destination: string): void;
	disconnect(source: string, destination: string): void;
	dispose(): void;
};

export type JackAddon = {
	JackClient: new (name: string, inputs: number, outputs: number, serverName: string, ringSeconds: number) => NativeClient;
	setErrorClass(errorClass: typeof JackError): void;
	maxClientNameLength: number;
	maxPortNameLength: number;
};

const addonFile = path.join('build', 'Release', 'omega13_jack.node');

/** The native side's cause code for a period dropped because the ring was full (gap-ring.h). */
const nativeRingOverflow = 2;

/** The package root: the nearest directory above this file that has a package.json. */
const packageRoot = (): string => {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	while (!existsSync(path.join(dir, 'package.json'))) {
		const parent = path.dirname(dir);
		if (parent === dir) {
			throw new JackError(JackErrorCode.addonMissing, `cannot find omega13's package.json above ${fileURLToPath(import.meta.url)}`);
		}
		dir = parent;
	}
	return dir;
};

const loaded = new Map<string, JackAddon>();

/**
 * Loads the compiled addon from `root/build/Release/omega13_jack.node` (once per root).
 * @param root The package root. @default the omega13 package this file belongs to
 */
export const loadJackAddon = (root: string = packageRoot()): JackAddon => {
	const cached = loaded.get(root);
	if (cached) {
		return cached;
	}
	const file = path.join(root, addonFile);
	if (!existsSync(file)) {
		throw new JackError(
			JackErrorCode.addonMissing,
			`the JACK addon is not built (${file} is missing): run \`npm install\` in ${root}; ` +
				'it compiles against libjack, so install libjack-jackd2-dev first (sudo apt-get install libjack-jackd2-dev)',
		);
	}
	let addon: JackAddon;
	try {
		addon = createRequire(import.meta.url)(file) as JackAddon;
	} catch (error) {
		throw new JackError(
			JackErrorCode.addonMissing,
			`the JACK addon ${file} cannot be loaded (${error instanceof Error ? error.message : String(error)}): ` +
				'install libjack (libjack-jackd2-0, or pipewire-jack) and run `npm rebuild`',
		);
	}
	addon.setErrorClass(JackError);
	loaded.set(root, addon);
	return addon;
};

const isWhole = (value: unknown, min: number, max: number): value is number =>
	typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

const maxPorts = 256;
const maxRingSeconds = 600;

const checkPortName = (value: unknown, what: string): string => {
	if (typeof value !== 'string') {
		throw new TypeError(`Expected ${what} to be a string`);
	}
	if (!jackPortNamePattern.test(value)) {
		throw new RangeError(`${what} must be a full JACK port name like "system:capture_1", got "${value}"`);
	}
	return value;
};

// A fresh RegExp: a caller's global or sticky one would carry lastIndex from one port to the next.
const toRegExp = (pattern: string | RegExp): RegExp =>
	typeof pattern === 'string' ? new RegExp(pattern) : new RegExp(pattern.source, pattern.flags.replaceAll(/[gy]/g, ''));

const toPortInfo = (port: NativePort): PortInfo => {
	const colon = port.name.indexOf(':');
	return {
		name: port.name,
		client: port.name.slice(0, colon),
		shortName: port.name.slice(colon + 1),
		type: port.type.endsWith('audio') ? 'audio' : port.type.endsWith('midi') ? 'midi' : 'other',
		direction: port.input ? 'input' : 'output',
		physical: port.physical,
		terminal: port.terminal,
		connections: port.connections,
	};
};

/**
 * A JACK client whose process callback (native, on JACK's real-time thread) copies the input ports into
 * a lock-free ring that `read` drains, and plays the output ports from a ring that `write` fills. Every
 * method is synchronous and cheap enough for a 20 ms drain timer. After the server shuts down, `read`
 * still returns what arrived before; calls that need the server throw JACK_CLIENT_CLOSED.
 */
export class JackClient {
	readonly name: string;
	readonly sampleRate: Hertz;
	readonly inputPorts: readonly string[];
	readonly outputPorts: readonly string[];
	/** Capacity of the input ring (and of the output ring), in frames. */
	readonly ringFrames: Frames;
	readonly #native: NativeClient;
	#disposed = false;

	private constructor(native: NativeClient) {
		this.#native = native;
		const info = native.info();
		this.name = info.name;
		this.sampleRate = info.sampleRate;
		this.inputPorts = Object.freeze(info.inputPorts);
		this.outputPorts = Object.freeze(info.outputPorts);
		this.ringFrames = info.ringFrames;
	}

	/** Opens and activates the client (never starts a server). Throws a JackError saying what to do. */
	static open(options: JackClientOptions): JackClient {
		if (typeof options !== 'object' || options === null) {
			throw new TypeError('Expected options to be an object');
		}
		const {name, inputs, outputs = 0, serverName, ringSeconds = 8} = options;
		const addon = loadJackAddon();
		if (typeof name !== 'string') {
			throw new TypeError('Expected options.name to be a string');
		}
		if (name.length === 0 || name.length > addon.maxClientNameLength || name.includes(':')) {
			throw new RangeError(`options.name must be 1 to ${addon.maxClientNameLength} characters without ":", got "${name}"`);
		}
		if (!isWhole(inputs, 0, maxPorts)) {
			throw new RangeError(`options.inputs must be a whole number from 0 to ${maxPorts}, got ${String(inputs)}`);
		}
		if (!isWhole(outputs, 0, maxPorts)) {
			throw new RangeError(`options.outputs must be a whole number from 0 to ${maxPorts}, got ${String(outputs)}`);
		}
		if (inputs + outputs === 0) {
			throw new RangeError('a JACK client needs at least one port: options.inputs and options.outputs are both 0');
		}
		if (serverName !== undefined && (typeof serverName !== 'string' || serverName.length === 0)) {
			throw new TypeError('Expected options.serverName to be a non-empty string');
		}
		if (typeof ringSeconds !== 'number' || !(ringSeconds > 0 && ringSeconds <= maxRingSeconds)) {
			throw new RangeError(`options.ringSeconds must be more than 0 and at most ${maxRingSeconds}, got ${String(ringSeconds)}`);
		}
		return new JackClient(new addon.JackClient(name, inputs, outputs, serverName ?? '', ringSeconds));
	}

	/** Frames per JACK period (follows the server if it changes the buffer size). */
	get periodFrames(): Frames {
		return this.#native.periodFrames();
	}

	get disposed(): boolean {
		return this.#disposed;
	}

	/**
	 * Moves every input frame waiting in the ring (up to `into.length / inputs` whole frames) into `into`,
	 * interleaved, and returns how many frames it moved. 0 when nothing arrived.
	 */
	read(into: Float32Array): Frames {
		if (!(into instanceof Float32Array)) {
			throw new TypeError('Expected into to be a Float32Array');
		}
		return this.#native.read(into);
	}

	/**
	 * Queues interleaved frames for the output ports; returns how many fit (the rest must be offered again).
	 * @param frames How many frames of `from` to offer. @default from.length / outputs
	 */
	write(from: Float32Array, frames?: Frames): Frames {
		if (!(from instanceof Float32Array)) {
			throw new TypeError('Expected from to be a Float32Array');
		}
		const available = this.outputPorts.length === 0 ? 0 : Math.floor(from.length / this.outputPorts.length);
		if (frames !== undefined && !isWhole(frames, 0, available)) {
			throw new RangeError(`frames must be a whole number from 0 to ${available} (the frames in from), got ${String(frames)}`);
		}
		return this.#native.write(from, frames ?? available);
	}

	/** Frames `write` would accept now. */
	writableFrames(): Frames {
		return this.#native.writableFrames();
	}

	stats(): JackStats {
		const stats = this.#native.stats();
		return {...stats, shutdownReason: stats.shutdownReason};
	}

	/**
	 * The wall-clock time at which input frame `frame` was captured, counting frames as `read` delivers
	 * them (0 is the first frame ever delivered; dropped periods are not counted). Derived from the
	 * latest period's start, so it is exact for recent frames and drifts only by the sound card's clock
	 * error for old ones.
	 */
	frameTime(frame: Frames): EpochMs {
		if (typeof frame !== 'number' || !Number.isFinite(frame)) {
			throw new TypeError(`Expected frame to be a finite number, got ${String(frame)}`);
		}
		const anchor = this.#native.anchor();
		if (!anchor) {
			// No period has run yet: the first frame is about to arrive.
			return Date.now() + (frame / this.sampleRate) * 1000;
		}
		const [wallMicros, anchorFrame] = anchor;
		return wallMicros / 1000 + ((frame - anchorFrame) / this.sampleRate) * 1000;
	}

	/**
	 * The gaps in the input found since the last call: cycles the server ran without us, and periods
	 * dropped because the ring was full. Each is told before the frame after it can be read.
	 */
	takeGaps(): SourceGap[] {
		const flat = this.#native.takeGaps();
		const gaps: SourceGap[] = [];
		for (let i = 0; i + 2 < flat.length; i += 3) {
			gaps.push({atFrame: flat[i]!, frames: flat[i + 1]!, cause: flat[i + 2] === nativeRingOverflow ? GapCause.ringOverflow : GapCause.missedCycles});
		}
		return gaps;
	}

	/** Every port on the server that passes `filter`, in the server's order. */
	ports(filter: PortFilter = {}): PortInfo[] {
		if (typeof filter !== 'object' || filter === null) {
			throw new TypeError('Expected filter to be an object');
		}
		const {direction, type, physical, namePattern} = filter;
		if (direction !== undefined && direction !== 'output' && direction !== 'input') {
			throw new RangeError(`filter.direction must be "output" or "input", got ${String(direction)}`);
		}
		if (type !== undefined && type !== 'audio' && type !== 'midi' && type !== 'other') {
			throw new RangeError(`filter.type must be "audio", "midi" or "other", got ${String(type)}`);
		}
		if (physical !== undefined && typeof physical !== 'boolean') {
			throw new TypeError('Expected filter.physical to be a boolean');
		}
		if (namePattern !== undefined && typeof namePattern !== 'string' && !(namePattern instanceof RegExp)) {
			throw new TypeError('Expected filter.namePattern to be a string or a RegExp');
		}
		const pattern = namePattern === undefined ? undefined : toRegExp(namePattern);
		return this.#native
			.ports()
			.map(port => toPortInfo(port))
			.filter(
				port =>
					(direction === undefined || port.direction === direction) &&
					(type === undefined || port.type === type) &&
					(physical === undefined || port.physical === physical) &&
					(pattern === undefined || pattern.test(port.name)),
			);
	}

	/** Full names of the ports connected to `port`. */
	connections(port: string): string[] {
		return this.#native.connections(checkPortName(port, 'port'));
	}

	/** Connects an output port to an input port (any clients'); nothing happens if they already are. */
	connect(source: string, destination: string): void {
		this.#native.connect(checkPortName(source, 'source'), checkPortName(destination, 'destination'));
	}

	/** Breaks a connection; nothing happens if there is none. */
	disconnect(source: string, destination: string): void {
		this.#native.disconnect(checkPortName(source, 'source'), checkPortName(destination, 'destination'));
	}

	/** Deactivates and closes the client, freeing its ports. Idempotent. */
	dispose(): void {
		this.#disposed = true;
		this.#native.dispose();
	}
}
