import type {z} from 'zod';
import type {AppDirs} from '../util/app-dirs.js';
import {parseDecimal} from '../util/decimal.js';

/**
 * How a flag's text becomes a setting's value. It only converts (`"13"` to 13); whether the value is
 * good is the schema's to say, in `mergeSettings`, so a flag and a config file are checked alike.
 */
export type FlagReader =
	| {readonly arg: string; readonly multiple: false; readonly read: (raw: string) => unknown}
	| {readonly arg: string; readonly multiple: true; readonly read: (raw: readonly string[]) => unknown};

/** A setting's flag, check, default, help line and config comment: one row of `settingSpecs`. */
export type SettingSpec<T> = {
	/** The flag without its dashes: `buffer-seconds` is `--buffer-seconds`; a boolean also gets `--no-...`. */
	readonly flag: string;
	/** How the flag's text is read; absent for a boolean (`--X` sets it, `--no-X` clears it). */
	readonly value?: FlagReader;
	/** Flag values that stand for other settings: `--connect none` is "no ports, and do not auto-connect". */
	readonly flagWords?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
	/** A path: `~/` is the home directory, and a relative one given as a flag is taken from the working directory. */
	readonly path?: 'directory' | 'file';
	readonly schema: z.ZodType<T>;
	/** "expected ..." in messages: what a good value looks like. */
	readonly expected: string;
	/** For a list: what one item looks like. */
	readonly itemExpected?: string;
	/** The value when neither the file nor a flag gives one; a function when it depends on the XDG directories. */
	readonly default: T | ((dirs: AppDirs) => T);
	/** `--help`'s line for the flag; `[default: ...]` is added from `default` (or `helpDefault`). */
	readonly help: string;
	/** The default as `--help` shows it, when the value itself would not say it well; `''` shows none. */
	readonly helpDefault?: string;
	/** The comment above the setting in the file `omega13 config init` writes. */
	readonly about: string;
};

/** The value type of a row. */
export type SpecValue<S> = S extends SettingSpec<infer T> ? T : never;

/** Text kept as typed (a name, a path, a URL). */
export const text = (arg: string): FlagReader => ({arg, multiple: false, read: raw => raw});

/** A number; text that is not one is passed on as it is, for the check to name it. */
export const number = (arg: string): FlagReader => ({arg, multiple: false, read: toNumber});

/** A number, or one word (`off`) in any case. */
export const numberOr = (arg: string, word: string): FlagReader => ({
	arg,
	multiple: false,
	read: raw => (raw.toLowerCase() === word ? word : toNumber(raw)),
});

/** A flag given once per item (`--connect a:1 --connect a:2`). */
export const list = (arg: string): FlagReader => ({arg, multiple: true, read: raw => [...raw]});

const toNumber = (raw: string): unknown => parseDecimal(raw) ?? raw;

/** The flags that set a row: `--channels`, or `--transcribe` and `--no-transcribe` for a boolean. */
export const flagNames = (spec: Pick<SettingSpec<unknown>, 'flag' | 'value'>): readonly string[] =>
	spec.value === undefined ? [`--${spec.flag}`, `--no-${spec.flag}`] : [`--${spec.flag}`];

/** The flag a value came from: `--no-transcribe` for `transcription: false`. */
export const flagFor = (spec: Pick<SettingSpec<unknown>, 'flag' | 'value'>, value: unknown): string =>
	spec.value === undefined && value === false ? `--no-${spec.flag}` : `--${spec.flag}`;
