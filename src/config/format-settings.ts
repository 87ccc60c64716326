import type {LoadedSettings} from './load-config.js';
import {bufferBytes, estimateRate, settingKeys, type SettingKey, type SettingOrigin, type Settings} from './settings-schema.js';

/** `4.8 MiB`: binary units, one decimal below 100. */
export const formatBytes = (bytes: number): string => {
	const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	if (unit === 0) {
		return `${bytes} bytes`;
	}
	return `${value < 100 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
};

/** One line saying what the pre-roll buffer will take, at 48 kHz (JACK's usual rate). */
export const bufferMemoryLine = (settings: Pick<Settings, 'bufferSeconds' | 'channels'>): string => {
	const {bufferSeconds, channels} = settings;
	return (
		`The ${bufferSeconds} s buffer takes ${formatBytes(bufferBytes(bufferSeconds, channels))} of memory ` +
		`(${bufferSeconds} s x ${estimateRate} Hz x ${channels} channel${channels === 1 ? '' : 's'} x 4 bytes; more at a higher server rate).`
	);
};

/** Things worth knowing about a combination of settings. */
export const settingNotes = (settings: Settings): string[] => {
	const notes: string[] = [];
	if (settings.format === 'flac' && settings.sampleFormat !== 'int16') {
		notes.push(`FLAC holds no floats: ${settings.sampleFormat} captures are kept as 24-bit FLAC.`);
	}
	if (settings.format === 'opus') {
		notes.push('Opus is lossy: fine for speech, not for masters. The WAV is removed once the .opus file is checked.');
	}
	if (settings.fileNaming === 'timestamp') {
		notes.push(`Capture files are named ${settings.filePrefix}YYYYMMDD_HHMMSS.${settings.format}.`);
	}
	return notes;
};

/** `omega13 config`: where the file is, every setting with its value and origin, the buffer's memory. */
export const formatSettings = (loaded: LoadedSettings): string => {
	const {settings, origins, file, fileFound} = loaded;
	const rows: Array<readonly [string, string, string]> = [
		['SETTING', 'VALUE', 'FROM'],
		...settingKeys.map((key: SettingKey) => [key, JSON.stringify(settings[key]), origins[key]] as const),
	];
	const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
	const table = rows.map(([key, value, origin]) => `${key.padEnd(widths[0]!)}  ${value.padEnd(widths[1]!)}  ${origin}`.trimEnd());
	const header = fileFound
		? `Config file: ${file}`
		: `Config file: ${file} (not there, so every setting not given as a flag is the default; \`omega13 config init\` writes a starting file)`;
	return [header, '', ...table, '', bufferMemoryLine(settings), ...settingNotes(settings)].join('\n');
};

/** `omega13 config --json`. */
export type SettingsReport = {
	readonly file: string;
	readonly fileFound: boolean;
	readonly settings: Settings;
	readonly origins: {readonly [K in SettingKey]: SettingOrigin};
	/** Bytes the pre-roll buffer takes at 48 kHz. */
	readonly bufferBytes: number;
};

export const settingsReport = (loaded: LoadedSettings): SettingsReport => ({
	file: loaded.file,
	fileFound: loaded.fileFound,
	settings: loaded.settings,
	origins: loaded.origins,
	bufferBytes: bufferBytes(loaded.settings.bufferSeconds, loaded.settings.channels),
});
