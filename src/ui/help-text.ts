/** One key and what it does, for the help line. */
export type HelpItem = {
	readonly keys: string;
	readonly label: string;
	/** A shorter label for narrow terminals. */
	readonly short?: string;
};

const separator = '  ';

/**
 * The help line in `width` columns: full labels if they fit, else short labels, else as many items as fit
 * (the items are in order of importance).
 */
export const fitHelp = (items: readonly HelpItem[], width: number): string => {
	const full = items.map(item => `${item.keys} ${item.label}`).join(separator);
	if ([...full].length <= width) {
		return full;
	}
	const short = items.map(item => `${item.keys} ${item.short ?? item.label}`);
	let line = '';
	for (const part of short) {
		const next = line === '' ? part : `${line}${separator}${part}`;
		if ([...next].length > width) {
			break;
		}
		line = next;
	}
	return line;
};

export const mainHelp: readonly HelpItem[] = [
	{keys: 'space', label: 'capture', short: 'rec'},
	{keys: 'q', label: 'quit'},
	{keys: 'i', label: 'inputs', short: 'in'},
	{keys: 'n', label: 'new session', short: 'new'},
	{keys: '↑↓', label: 'browse'},
	{keys: 'enter', label: 'transcript', short: 'text'},
	{keys: 's', label: 'past sessions', short: 'sessions'},
	{keys: 't', label: 'transcribe again', short: 'redo'},
];

export const pickerHelp: readonly HelpItem[] = [
	{keys: 'enter', label: '(dis)connect', short: 'link'},
	{keys: '↑↓', label: 'port'},
	{keys: '←→', label: 'input', short: 'in'},
	{keys: 'r', label: 'remember', short: 'keep'},
	{keys: 'esc', label: 'back'},
	{keys: 'space', label: 'capture', short: 'rec'},
];

export const transcriptHelp: readonly HelpItem[] = [
	{keys: 'esc', label: 'back'},
	{keys: '↑↓', label: 'scroll'},
	{keys: 't', label: 'transcribe again', short: 'redo'},
	{keys: 'space', label: 'capture', short: 'rec'},
];

/** The past-sessions browser, by level. Nothing in it changes a session, so there is no `t`. */
export const pastSessionsHelp = {
	list: [
		{keys: 'enter', label: 'open'},
		{keys: '↑↓', label: 'choose'},
		{keys: 'esc', label: 'back'},
		{keys: 'space', label: 'capture', short: 'rec'},
	],
	session: [
		{keys: 'enter', label: 'transcript', short: 'text'},
		{keys: '↑↓', label: 'browse'},
		{keys: 'esc', label: 'back'},
		{keys: 'space', label: 'capture', short: 'rec'},
	],
	transcript: [
		{keys: 'esc', label: 'back'},
		{keys: '↑↓', label: 'scroll'},
		{keys: 'space', label: 'capture', short: 'rec'},
	],
} as const satisfies Record<string, readonly HelpItem[]>;
