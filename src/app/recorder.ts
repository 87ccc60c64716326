import path from 'node:path';
import type {Options} from '../cli/parse-options.js';
import type {ControlHandler} from '../control/control-server.js';
import {ControlServer} from '../control/control-server.js';
import {controlSocketPath, type ControlResponse} from '../control/control-protocol.js';
import {AudioEngine, type TriggerResult} from '../engine/audio-engine.js';
import type {AudioSource} from '../engine/audio-source.js';
import {JackSource} from '../engine/jack-source.js';
import {appDirs, ensureAppDir, ensurePrivateDir} from '../session/paths.js';
import {repairSessions} from '../session/session-repair.js';
import type {ExitPath} from './exit-path.js';
import {eventLine} from './event-lines.js';
import {SessionCaptures} from './session-captures.js';
import {SourceSupervisor} from './source-supervisor.js';
import {statusReport} from './status-report.js';

/** Everything a running omega13 holds; each part is registered with the exit path as it is made. */
export type Recorder = {
	readonly engine: AudioEngine;
	readonly captures: SessionCaptures;
	readonly sessionsRoot: string;
	readonly socketPath: string;
};

const openJack = (options: Options): AudioSource =>
	JackSource.open({name: options.jackName, channels: options.channels, connect: options.connect});

/**
 * Repairs what a crash left, joins the audio source, starts the engine and the control socket.
 * `say` gets one line per thing worth knowing (headless prints them; the TUI shows the latest).
 */
export const startRecorder = async (options: Options, say: (line: string) => void, exitPath: ExitPath): Promise<Recorder> => {
	const sessionsRoot = await ensurePrivateDir(path.resolve(options.sessionsDir ?? appDirs().sessions));
	for (const report of await repairSessions(sessionsRoot)) {
		if (report.action === 'failed') {
			say(`could not repair ${report.line}`);
		} else if (report.action !== 'skipped') {
			say(`repaired ${report.line}`);
		}
	}

	const source = openJack(options);
	exitPath.add('audio source', () => {
		source.dispose();
	});
	const captures = new SessionCaptures({
		sessionsRoot,
		sampleFormat: options.sampleFormat,
		onSession: session => {
			engine.setSessionDir(session.dir);
		},
	});
	exitPath.add('session', async () => captures.dispose());
	const engine = new AudioEngine({
		source,
		bufferSeconds: options.bufferSeconds,
		silenceGate: {thresholdDb: options.silenceThresholdDb, windowSeconds: options.silenceWindowSeconds},
		openCapture: captures.open,
		// Without meters on screen, fewer wakeups: a trigger drains first, so nothing is late.
		drainIntervalMs: options.headless ? 100 : 40,
	});
	exitPath.add('audio engine (finishing the open capture)', async () => engine.dispose());
	engine.onEvent(event => {
		const line = eventLine(event, engine.source.sampleRate);
		if (line) {
			say(line);
		}
	});
	const supervisor = new SourceSupervisor(engine, {reopen: () => openJack(options)});
	exitPath.add('JACK reconnect', () => {
		supervisor.dispose();
	});

	const socketPath = controlSocketPath(await ensureAppDir('runtime'), options.jackName);
	const control = await ControlServer.listen(socketPath, controlHandler(engine, options.jackName));
	exitPath.add('control socket', async () => control.dispose());
	return {engine, captures, sessionsRoot, socketPath};
};

const controlHandler =
	(engine: AudioEngine, jackName: string): ControlHandler =>
	async ({command}) => {
		const respond = (result: TriggerResult | undefined): ControlResponse => {
			const status = statusReport(engine.getSnapshot(), jackName);
			if (!result) {
				return {ok: true, message: 'ok', status};
			}
			if (!result.ok) {
				return {ok: false, message: result.reason, status};
			}
			const line =
				result.action === 'started'
					? eventLine({type: 'capture-started', capture: result.capture}, engine.source.sampleRate)
					: eventLine({type: 'capture-saved', capture: result.capture}, engine.source.sampleRate);
			return {ok: true, message: line ?? result.action, status};
		};
		switch (command) {
			case 'toggle': {
				return respond(await engine.toggle());
			}
			case 'start': {
				return respond(engine.recording ? {ok: false, reason: 'already recording'} : await engine.start());
			}
			case 'stop': {
				return respond(engine.recording ? await engine.stop() : {ok: false, reason: 'not recording'});
			}
			case 'status': {
				return respond(undefined);
			}
		}
	};
