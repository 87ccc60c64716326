import {connectPlan, silenceThreshold, type Settings} from '../config/settings-schema.js';
import {ControlServer, removeStaleSocket, type ControlHandler} from '../control/control-server.js';
import {controlSocketPath, type ControlResponse} from '../control/control-protocol.js';
import {AudioEngine, type TriggerResult} from '../engine/audio-engine.js';
import {GlobalHotkey, isHotkeyOff} from '../hotkey/global-hotkey.js';
import {ensureAppDir, ensurePrivateDir} from '../util/app-dirs.js';
import {repairSessions} from '../session/session-repair.js';
import type {ExitPath} from './exit-path.js';
import {eventLine} from './event-lines.js';
import {EventReporter} from './event-reporter.js';
import {openJackSource, openSource} from './open-source.js';
import type {SourceChoice} from './source-choice.js';
import {SessionCaptures} from '../session/session-captures.js';
import {SessionViewStore} from './session-view-store.js';
import {JackSource} from '../engine/jack-source.js';
import {RoutingKeeper} from './routing-keeper.js';
import {describeRouting, loadRouting, saveRouting} from './routing-memory.js';
import {SourceSupervisor} from './source-supervisor.js';
import {startAfterCapture} from './after-capture.js';
import {startVoiceTrigger} from './voice-setup.js';
import type {VoiceTrigger} from './voice-trigger.js';
import {missingModelNotice} from './transcription.js';
import {RecoveredCaptures} from './recovered-captures.js';
import {transcribeOpenSession} from './control-transcribe.js';
import {captureNumber, type Session} from '../session/session.js';
import {Keep, privateMarker} from '../session/keep-mode.js';
import {statusReport} from './status-report.js';
import {startAudioServices, type AudioServices} from './audio-services.js';
import type {StatusReport, TranscribeRequest} from '../control/control-protocol.js';
import {packageVersion} from '../util/package-version.js';
import type {Reporter} from './reporter.js';
import type {SpeechQueueStats} from '../transcribe/speech-queue.js';
import type {Store} from '../util/store.js';

/** How to run, besides the settings: with or without the terminal UI, and from which source. */
export type RunOptions = {
	readonly headless: boolean;
	readonly source: SourceChoice;
	/** --serve-host was given on the command line: only then may the API listen beyond loopback. @default false */
	readonly serveHostFromFlag?: boolean;
};

/**
 * `--keep transcript` checked against the other settings: it needs transcription (a refusal saying
 * how), and it turns rolling persistence off (said). The settings the audio services then get, and the
 * lines to say at start.
 */
const checkKeep = (settings: Settings): {settings: Settings; lines: string[]} => {
	if (settings.keep !== Keep.transcript) {
		return {settings, lines: []};
	}
	if (!settings.transcription) {
		throw new Error('--keep transcript keeps only transcripts, but transcription is off (--no-transcribe, or `transcription: false` in the config): turn it on, or use --keep audio');
	}
	const lines = [`${privateMarker} (--keep transcript): each capture's audio is deleted once its transcript is written`];
	if (settings.persist > 0) {
		lines.push('--keep transcript: rolling persistence (--persist) is off: it would keep hours of audio');
		return {settings: {...settings, persist: 0}, lines};
	}
	return {settings, lines};
};

/** Everything a running omega13 holds; each part is registered with the exit path as it is made. */
export type Recorder = {
	readonly engine: AudioEngine;
	readonly captures: SessionCaptures;
	readonly sessionView: SessionViewStore;
	readonly sessionsRoot: string;
	readonly socketPath: string;
	/** The HTTP API, persistence and archive (each only when asked for). */
	readonly services: AudioServices;
	/** Starts and ends captures on speech (`--trigger voice|both`). */
	readonly voice: VoiceTrigger | undefined;
	/** Voice captures waiting for transcripts (undefined when transcription is off). */
	readonly speechQueue: Store<SpeechQueueStats> | undefined;
	/** Starts the next capture in a new session directory; refused while recording. */
	newSession(): string;
	/** Queues a capture of the current session for transcription (again). */
	transcribe(index: number): void;
	/** Saves what feeds in_1..in_N now as the routing to restore; resolves to a line to show. */
	rememberInputs(): Promise<string>;
	/**
	 * Starts the global hotkey (it may take a moment to check the display) and reports how it went (a
	 * notice when it could not start); resolves to its state in a few words, e.g. `hotkey ctrl+alt+space`.
	 */
	startHotkey(): Promise<string>;
};

/**
 * Repairs what a crash left, opens the audio source, starts the engine and the control socket, and tells
 * `report` each thing worth knowing.
 */
export const startRecorder = async (settings: Settings, run: RunOptions, report: Reporter, exitPath: ExitPath): Promise<Recorder> => {
	const {say} = report;
	const privacy = checkKeep(settings);
	// Before anything is made or opened: a second instance with the same name is refused leaving no trace.
	const socketPath = controlSocketPath(await ensureAppDir('runtime'), settings.jackName);
	await removeStaleSocket(socketPath);
	const sessionsRoot = await ensurePrivateDir(settings.sessionsDir, {existing: 'warn', warn: say});
	for (const line of privacy.lines) {
		say(line);
	}
	const repairs = await repairSessions(sessionsRoot);
	for (const repair of repairs) {
		if (repair.action === 'failed') {
			// The file is left as it was: the person decides what becomes of it.
			report.notice(`repair ${repair.line}`, `could not repair ${repair.line}`);
		} else {
			say(repair.action === 'skipped' ? `session ${repair.line}` : `repaired ${repair.line}`);
		}
	}

	// Remembered routing stands in for the default (physical) connections; explicit ports win over it.
	const connect = connectPlan(settings);
	const remembered = connect === 'physical' ? await loadRouting(settings.jackName) : undefined;
	const sourceSettings = {source: run.source, jackName: settings.jackName, channels: settings.channels, connect: remembered ? 'none' : connect};
	const {source, fellBack} = await openSource(sourceSettings);
	const releaseSource = exitPath.add('audio source', () => {
		source.dispose();
	});
	if (fellBack) {
		say(fellBack);
	}
	const sessionView = new SessionViewStore();
	exitPath.add('session view', () => {
		sessionView.dispose();
	});
	const captures = new SessionCaptures({
		sessionsRoot,
		sampleFormat: settings.sampleFormat,
		fileNaming: settings.fileNaming,
		filePrefix: settings.filePrefix,
		onSession: session => {
			engine.setSessionDir(session.dir);
			sessionView.follow(session);
		},
		keep: settings.keep,
		onCaptureFinished: (session, index) => {
			const voiceEnd = voice?.takeFinished(index);
			const drop = voiceEnd?.drop;
			if (drop === undefined) {
				afterCapture.finished(session, index, voiceEnd?.evidence);
				return;
			}
			session.removeCapture(index).then(
				() => say(drop),
				(error: unknown) => say(`capture ${captureNumber(index)} could not be dropped: ${error instanceof Error ? error.message : String(error)}`),
			);
		},
	});
	exitPath.add('session', async () => captures.dispose());
	// The API, persistence and archive start last (they need the control handler); the chain and `status` reach them late.
	let services: AudioServices | undefined;
	// Sessions reopened for captures the repair recovered; closed after the chain below has stopped.
	const recovered = new RecoveredCaptures(say);
	exitPath.add('recovered sessions', async () => recovered.dispose());
	// Registered after the session, so it finishes (and stops writing to the manifest) before the session closes.
	const afterCapture = startAfterCapture(settings, say, exitPath, (session, index) => {
		services?.captureSettled(session, index);
		recovered.settled(session, index);
	});
	if (settings.transcription) {
		void missingModelNotice(settings).then(line => line && report.notice('whisper model', line));
	}
	const engine = new AudioEngine({
		source,
		bufferSeconds: settings.bufferSeconds,
		silenceGate: {thresholdDb: silenceThreshold(settings), windowSeconds: settings.silenceWindowSeconds},
		openCapture: captures.open,
		// Without meters on screen, fewer wakeups: a trigger drains first, so nothing is late. With them,
		// 15 frames a second: each Ink frame redraws the whole screen (about 5 ms at 80x24).
		drainIntervalMs: run.headless ? 100 : 33,
		publishIntervalMs: 66,
	});
	// The engine owns the source from here on (and disposes whichever source it has at the end).
	releaseSource();
	// Registered before the engine, so it is still listening when the engine saves the open capture.
	const events = new EventReporter(engine, report);
	exitPath.add('event reports', () => {
		events.dispose();
	});
	exitPath.add('audio engine (finishing the open capture)', async () => engine.dispose());
	const supervisor = new SourceSupervisor(engine, {
		reopen: () => openJackSource(sourceSettings),
		retryMs: fellBack ? 5000 : 2000,
	});
	exitPath.add('JACK reconnect', () => {
		supervisor.dispose();
	});
	if (fellBack) {
		// Join the first JACK server that appears (only while idle; a demo capture is never cut).
		supervisor.watch();
	}

	if (remembered) {
		say(`restoring remembered inputs: ${describeRouting(remembered)}`);
		const keeper = new RoutingKeeper(engine, remembered, say);
		exitPath.add('remembered routing', () => {
			keeper.dispose();
		});
	}

	const rememberInputs = async (): Promise<string> => {
		const current = engine.source;
		if (!(current instanceof JackSource)) {
			throw new Error(`the ${current.kind} source has no JACK ports to remember: run with --source jack`);
		}
		const routing = current.portNames.map(port => current.client.connections(port));
		await saveRouting(settings.jackName, routing);
		return `remembered ${describeRouting(routing)}: restored at every start (unless --connect is given)`;
	};
	// `status` says what the services do too; they exist once the handler does, so it asks late.
	let voice: VoiceTrigger | undefined;
	const fullStatus = (): StatusReport => ({
		...statusReport(engine.getSnapshot(), settings.jackName),
		...services?.status(),
		keep: settings.keep,
		...(voice === undefined ? {} : {voice: voice.state}),
		...(voice === undefined || afterCapture.speechQueue === undefined ? {} : {speechQueue: afterCapture.speechQueue.getSnapshot()}),
	});
	const openSessions = async (): Promise<Session[]> => {
		const current = await captures.current();
		return [...(current === undefined ? [] : [current]), ...recovered.sessions()];
	};
	const handler = controlHandler(engine, fullStatus, rememberInputs, async request =>
		transcribeOpenSession(request, await openSessions(), settings.transcription ? afterCapture.transcribe : undefined),
	);
	const control = await ControlServer.listen(socketPath, handler);
	exitPath.add('control socket', async () => control.dispose());
	services = await startAudioServices({
		settings: privacy.settings,
		serveHostFromFlag: run.serveHostFromFlag ?? false,
		engine,
		sessionsRoot,
		control: handler,
		report: fullStatus,
		version: packageVersion(),
		say,
		exitPath,
	});
	// Last, so the archive is there when they settle.
	await recovered.queue(repairs, afterCapture.finished);

	voice = startVoiceTrigger(settings, engine, say, exitPath);

	return {
		engine,
		captures,
		sessionView,
		sessionsRoot,
		socketPath,
		services,
		voice,
		speechQueue: afterCapture.speechQueue,
		newSession() {
			if (engine.recording) {
				return 'stop the capture first: a new session starts with the next capture';
			}
			captures.renew();
			sessionView.reset();
			engine.setSessionDir(undefined);
			return 'new session: the next capture goes into a new directory';
		},
		rememberInputs,
		transcribe(index) {
			void captures.current().then(session => {
				if (session && afterCapture.transcribe(session, index) === undefined) {
					say('transcription is off (--no-transcribe)');
				}
			});
		},
		async startHotkey() {
			if (settings.trigger === 'voice') {
				say('global hotkey off: speech starts and ends captures (--trigger both keeps the hotkey too); `omega13 toggle` works');
				return 'hotkey off (voice)';
			}
			if (settings.hotkey === 'off') {
				say('global hotkey off (--hotkey off); `omega13 toggle` works');
				return 'hotkey off';
			}
			const hotkey = await GlobalHotkey.start(settings.hotkey, () => {
				void engine.toggle();
			});
			if (isHotkeyOff(hotkey)) {
				// Until it is dealt with (a shortcut bound to `omega13 toggle`), the person has no hotkey.
				report.notice('hotkey', hotkey.off);
				return 'hotkey off';
			}
			exitPath.add('global hotkey', () => {
				hotkey.dispose();
			});
			say(`global hotkey: ${settings.hotkey}`);
			return `hotkey ${settings.hotkey}`;
		},
	};
};

const controlHandler =
	(
		engine: AudioEngine,
		report: () => StatusReport,
		rememberInputs: () => Promise<string>,
		transcribe: (request: TranscribeRequest) => Promise<Omit<ControlResponse, 'status'>>,
	): ControlHandler =>
	async request => {
		const {command, seconds} = request;
		const respond = (result: TriggerResult | undefined): ControlResponse => {
			const status = report();
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
			// Already so is no failure (the help says "no change"): a script with `set -e` goes on.
			case 'start': {
				return engine.recording ? {ok: true, message: 'already recording: no change', status: report()} : respond(await engine.start());
			}
			case 'stop': {
				return engine.recording ? respond(await engine.stop()) : {ok: true, message: 'not recording: no change', status: report()};
			}
			case 'status': {
				return respond(undefined);
			}
			case 'inputs-save': {
				const status = report();
				try {
					return {ok: true, message: await rememberInputs(), status};
				} catch (error) {
					return {ok: false, message: error instanceof Error ? error.message : String(error), status};
				}
			}
			case 'save-last': {
				const asked = seconds ?? 0;
				const result = await engine.saveLast(asked);
				const response = respond(result);
				// Less than asked when the ring holds less (it is shorter, or still filling): say so.
				if (result.ok && result.action === 'saved' && asked * engine.source.sampleRate - result.capture.frames >= 1) {
					const held = result.capture.duration.toFixed(1);
					return {...response, message: `${response.message} (asked for ${asked} s: the ring held only ${held} s)`};
				}
				return response;
			}
			case 'transcribe': {
				const {session, capture, all} = request;
				const result = await transcribe({session: session ?? '', ...(capture === undefined ? {} : {capture}), ...(all === undefined ? {} : {all})});
				return {...result, status: report()} as ControlResponse;
			}
		}
	};
