import {Box, Text} from 'ink';
import {truncate} from './format.js';
import {StateKind, type StateView} from './state-view.js';

export type StateBannerProps = {
	readonly view: StateView;
	readonly columns: number;
	/** A rounded box around it when there are rows to spare. */
	readonly border: boolean;
	/** At the right of the first line (the voice trigger's state, a privacy marker); they win over the summary. */
	readonly badges?: readonly string[];
};

const colors: Readonly<Record<StateKind, string>> = {
	[StateKind.recording]: 'red',
	[StateKind.blocked]: 'yellow',
	[StateKind.failed]: 'red',
	[StateKind.noServer]: 'magenta',
	[StateKind.sourceStopped]: 'magenta',
	[StateKind.demo]: 'cyan',
	[StateKind.file]: 'cyan',
	[StateKind.idle]: 'green',
};

/** The state, big and plain: the label in reverse video, what it means beside and under it. */
export const StateBanner = ({view, columns, border, badges = []}: StateBannerProps) => {
	const inner = Math.max(1, columns - (border ? 4 : 2));
	const marker = view.kind === StateKind.recording ? '● ' : '';
	const label = ` ${marker}${view.label} `;
	const right = truncate(badges.join('  ·  '), Math.max(0, inner - [...label].length - 2));
	const summary = truncate(view.summary, Math.max(0, inner - [...label].length - 2 - (right === '' ? 0 : [...right].length + 2)));
	return (
		<Box
			flexDirection="column"
			borderStyle={border ? 'round' : undefined}
			borderColor={colors[view.kind]}
			paddingX={border ? 1 : 1}
			width={columns}
		>
			<Box>
				<Text wrap="truncate">
					<Text bold inverse color={colors[view.kind]}>
						{label}
					</Text>
					{summary === '' ? '' : `  ${summary}`}
				</Text>
				<Box flexGrow={1} />
				{right === '' ? null : <Text bold>{right}</Text>}
			</Box>
			<Text wrap="truncate">{truncate(view.detail, inner)}</Text>
		</Box>
	);
};
