/**
 * The flags that are not settings (they are not in the config file): how to run, what to print, and the
 * options of one command. Settings' flags come from `settingSpecs`; `--help` is made from both tables.
 */
export type GeneralFlag = {
	/** Without its dashes. */
	readonly name: string;
	readonly short?: string;
	/** The value's placeholder in `--help`; absent for a switch. */
	readonly arg?: string;
	readonly help: string;
	/** The default as `--help` shows it. */
	readonly helpDefault?: string;
	/** Where `--help` lists it: before the settings, after them, or under the one command that takes it. */
	readonly section: 'before' | 'after' | 'sessions export';
	/** The flag is a setting's too, and means this only with its command (`--format` of `sessions export`). */
	readonly sharesSettingFlag?: true;
};

export const generalFlags: readonly GeneralFlag[] = [
	{name: 'config', arg: 'FILE', help: 'Settings file', helpDefault: '$XDG_CONFIG_HOME/omega13/config.json', section: 'before'},
	{name: 'headless', help: 'Run without the terminal UI', section: 'before'},
	{
		name: 'source',
		arg: 'SOURCE',
		help: 'auto (JACK when a server runs, else the built-in demo), jack, demo, or file:PATH (loop a WAV file, in real time)',
		helpDefault: 'auto',
		section: 'before',
	},
	{name: 'json', help: 'With status and config: print it as JSON (for bars and widgets)', section: 'before'},
	{name: 'help', short: 'h', help: 'Show this help', section: 'after'},
	{name: 'version', short: 'v', help: 'Show the version', section: 'after'},
	{name: 'to', arg: 'DIR', help: 'The directory to copy the audio and transcripts into (required)', section: 'sessions export'},
	{
		name: 'format',
		arg: 'md|json|srt',
		help: 'The transcripts as Markdown, JSON or SubRip subtitles',
		helpDefault: 'md',
		section: 'sessions export',
		sharesSettingFlag: true,
	},
];
