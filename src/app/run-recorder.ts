import type {Settings} from '../config/settings-schema.js';
import {ringBytes} from '../engine/audio-ring.js';
import {withMessage, withNotice, withoutNotice, type UiStatus} from '../ui/ui-status.js';
import {loadTerminalUi} from '../ui/load-terminal-ui.js';
import {noTerminalMessage} from '../ui/no-terminal-message.js';
import {createValueStore} from '../util/store.js';
import {appCommands} from './app-commands.js';
import type {Output} from './output.js';
import {ExitPath} from './exit-path.js';
import {InputsViewStore} from './inputs-view-store.js';
import {TimeLeftWatch} from './time-left-watch.js';
import {startRecorder, type Recorder, type RunOptions} from './recorder.js';
import {describePersist} from '../persist/describe-persist.js';
import {printingReporter, type Reporter} from './reporter.js';
import {describeSpeechQueue} from '../transcribe/speech-queue.js';
import {Keep, privateMarker} from '../session/keep-mode.js';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The start-up lines for the API, persistence and the archive. */
const servicesLines = ({services}: Recorder): string[] => {
	const {api, persist, archive} = services.status();
	return [
		...(api ? [`HTTP API on ${api.url} (the token: \`omega13 serve token\`; routes: GET /openapi.json)`] : []),
		...(persist ? [`${describePersist(persist)} in ${persist.root} (${persist.format})`] : []),
		...(archive ? [`archiving chunks to ${archive.target} (${archive.pending} waiting)`] : []),
	];
};

/** The TUI's view of the services: persistence's line, and a notice while it is paused or uploads fail. */
const servicesView = (current: UiStatus, {services}: Recorder): UiStatus => {
	const {persist, archive} = services.status();
	const warning = persist?.state === 'paused' ? describePersist(persist) : archive?.failing === undefined ? undefined : `archive uploads failing: ${archive.failing}`;
	const next = {...current, services: persist && describePersist(persist)};
	return warning === undefined ? withoutNotice(next, 'services') : withNotice(next, 'services', warning);
};

/**
 * `omega13 [--headless]`: runs until quit or a signal, then leaves through the exit path, which
 * finalizes an open capture before anything else is released.
 */
export const runRecorder = async (settings: Settings, run: RunOptions, io: Output): Promise<number> =>
	run.headless ? runHeadless(settings, run, io) : runTui(settings, run, io);

/** Starts the recorder or exits 1 with the reason; the exit path ends the process in both cases. */
const start = async (
	settings: Settings,
	run: RunOptions,
	io: Output,
	exitPath: ExitPath,
	report: Reporter,
): Promise<Recorder | undefined> => {
	try {
		return await startRecorder(settings, run, report, exitPath);
	} catch (error) {
		io.err(`omega13: ${message(error)}`);
		await exitPath.exit(1, 'start failed');
		return undefined;
	}
};

const runHeadless = async (settings: Settings, run: RunOptions, io: Output): Promise<number> => {
	const exitPath = new ExitPath({say: io.err}).install();
	const report = printingReporter(line => {
		io.out(`${new Date().toISOString().slice(11, 19)} ${line}`);
	});
	const {say} = report;
	const recorder = await start(settings, run, io, exitPath, report);
	if (recorder) {
		const {source} = recorder.engine;
		say(
			`omega13 ready: ${source.kind} source "${source.name}" at ${source.sampleRate} Hz, period ${source.periodFrames}, ` +
				`inputs ${source.portNames.join(', ')}; keeping ${settings.bufferSeconds} s ` +
				`(${(ringBytes(settings.bufferSeconds, source.sampleRate, source.channels) / 1e6).toFixed(1)} MB)`,
		);
		say(`sessions in ${recorder.sessionsRoot}; trigger with \`omega13 toggle\` (control socket ${recorder.socketPath})`);
		for (const line of servicesLines(recorder)) {
			say(line);
		}
		void recorder.startHotkey();
	}
	// The exit path ends the process; until then the engine's timer and the socket keep it alive.
	return new Promise<number>(() => {});
};

const runTui = async (settings: Settings, run: RunOptions, io: Output): Promise<number> => {
	for (const [stream, name] of [
		[process.stdin, 'stdin'],
		[process.stdout, 'stdout'],
	] as const) {
		if (!stream.isTTY) {
			io.err(noTerminalMessage(name));
			return 1;
		}
	}
	const status = createValueStore<UiStatus>({hotkey: 'hotkey: checking the display'});
	const report: Reporter = {
		say: line => {
			status.update(current => withMessage(current, line));
		},
		notice: (key, line) => {
			status.update(current => withNotice(current, key, line));
		},
		resolve: key => {
			status.update(current => withoutNotice(current, key));
		},
	};
	const exitPath = new ExitPath({say: io.err}).install();
	// The terminal can vanish (window closed, ssh dropped): that is a quit, not a stream of write errors.
	const hangUp = (): void => {
		void exitPath.exit(0, 'terminal closed');
	};
	process.stdout.on('error', hangUp);
	process.stderr.on('error', () => undefined);
	process.stdin.on('end', hangUp);
	process.stdin.on('error', hangUp);
	const recorder = await start(settings, run, io, exitPath, report);
	if (!recorder) {
		return new Promise<number>(() => {});
	}
	const timeLeft = new TimeLeftWatch(recorder.engine, recorder.captures, report);
	exitPath.add('recording time left', () => {
		timeLeft.dispose();
	});
	const inputs = new InputsViewStore(recorder.engine);
	exitPath.add('inputs view', () => {
		inputs.dispose();
	});
	const {renderApp} = await loadTerminalUi();
	const app = renderApp({
		engine: recorder.engine,
		commands: appCommands(recorder, inputs, exitPath, report.say),
		session: recorder.sessionView.store,
		inputs: inputs.store,
		status,
	});
	if (!app.ok) {
		io.err(app.error);
		await exitPath.exit(1, 'no terminal');
		return new Promise<number>(() => {});
	}
	// Registered last, so it runs first on the way out: the terminal is restored before other messages.
	exitPath.add('terminal UI', () => {
		app.dispose();
	});
	void recorder.startHotkey().then(hotkey => {
		status.update(current => ({...current, hotkey}));
	});
	const showServices = (): void => {
		status.update(current => servicesView(current, recorder));
	};
	showServices();
	exitPath.add('services view', recorder.services.subscribe(showServices));
	if (settings.keep === Keep.transcript) {
		status.update(current => ({...current, badges: [privateMarker, ...(current.badges ?? [])]}));
	}
	const {voice, speechQueue} = recorder;
	if (voice !== undefined) {
		const showVoice = (): void => {
			const badge = `voice: ${voice.state}`;
			status.update(current => ({
				...current,
				voice: speechQueue && describeSpeechQueue(speechQueue.getSnapshot()),
				badges: [...(current.badges ?? []).filter(shown => !shown.startsWith('voice: ')), badge],
			}));
		};
		showVoice();
		exitPath.add('voice view', voice.subscribe(showVoice));
		if (speechQueue !== undefined) {
			exitPath.add('speech queue view', speechQueue.subscribe(showVoice));
		}
	}
	return new Promise<number>(() => {});
};
