import {JackSource} from '../engine/jack-source.js';
import type {EngineCommands, PortChoice} from '../ui/engine-store.js';
import type {ExitPath} from './exit-path.js';
import type {InputsViewStore} from './inputs-view-store.js';
import {pastSessionCommands} from './past-sessions.js';
import type {Recorder} from './recorder.js';

/** What the screen's keys do, in terms of the recorder. */
export const appCommands = (
	recorder: Recorder,
	inputs: InputsViewStore,
	exitPath: ExitPath,
	say: (line: string) => void,
): EngineCommands => {
	const {engine} = recorder;
	const client = () => {
		const {source} = engine;
		if (!(source instanceof JackSource)) {
			throw new Error(`the ${source.kind} source has no ports to connect: start JACK (or PipeWire) and run with --source jack`);
		}
		return source.client;
	};
	return {
		...pastSessionCommands(recorder.sessionsRoot),
		toggle() {
			void engine.toggle();
		},
		newSession() {
			say(recorder.newSession());
		},
		transcribe(index) {
			recorder.transcribe(index);
		},
		quit() {
			void exitPath.exit(0, 'quit');
		},
		async listPorts(): Promise<readonly PortChoice[]> {
			return client()
				.ports({direction: 'output', type: 'audio'})
				.map(port => ({name: port.name, physical: port.physical}));
		},
		rememberInputs: async () => recorder.rememberInputs(),
		async connect(output, input) {
			client().connect(output, input);
			inputs.refresh(true);
		},
		async disconnect(output, input) {
			client().disconnect(output, input);
			inputs.refresh(true);
		},
	};
};
