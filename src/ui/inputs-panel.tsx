import path from 'node:path';
import {Text} from 'ink';
import type {SourceKind} from '../engine/audio-source.js';
import type {Hertz} from '../util/units.js';
import {truncate} from './format.js';
import type {InputsView} from './inputs-view.js';
import {shortPortName} from './port-name.js';

export type InputsPanelProps = {
	readonly source: {readonly kind: SourceKind; readonly name: string; readonly sampleRate: Hertz};
	/** Our ports (from the meters) when there is no connection info. */
	readonly ports: readonly string[];
	readonly inputs: InputsView | undefined;
	readonly columns: number;
};

/** `INPUT omega13 · JACK 48 kHz · in_1 ← system:capture_1 · in_2 ← (nothing)` on one line. */
export const InputsPanel = ({source, ports, inputs, columns}: InputsPanelProps) => {
	const client = inputs?.client ?? source.name;
	const rate = `${formatRate(source.sampleRate)} kHz`;
	const feeds =
		source.kind === 'jack'
			? (inputs?.inputs ?? ports.map(port => ({port, sources: [] as readonly string[]}))).map(
					input => `${shortPortName(input.port)} ← ${input.sources.length > 0 ? input.sources.join(' + ') : inputs ? '(nothing)' : '?'}`,
				)
			: [];
	const text = (
		source.kind === 'jack'
			? [client, `JACK ${rate}`, ...feeds]
			: source.kind === 'demo'
				? ['the built-in demo clip', rate]
				: [path.basename(source.name), `file ${rate}`]
	).join(' · ');
	return (
		<Text wrap="truncate">
			{' '}
			<Text bold>INPUT</Text> {truncate(text, Math.max(0, columns - 8))}
		</Text>
	);
};

const formatRate = (rate: Hertz): string => {
	const khz = rate / 1000;
	return Number.isInteger(khz) ? String(khz) : khz.toFixed(1);
};
