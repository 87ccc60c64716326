import type {Store} from '../util/store.js';

/** One of our input ports and what feeds it. */
export type InputView = {
	/** Full name, e.g. `omega13:in_1`. */
	readonly port: string;
	/** Full names of the output ports connected to it. */
	readonly sources: readonly string[];
};

/** The JACK client and its connections, as the input panel and the port picker show them. */
export type InputsView = {
	/** Our JACK client name. */
	readonly client: string;
	readonly inputs: readonly InputView[];
};

export type InputsStore = Store<InputsView>;
