import {flagNames, type SettingSpec} from '../config/setting-spec.js';
import {settingKeys, specOf} from '../config/settings-schema.js';
import {wrapLines} from '../util/wrap-lines.js';
import {generalFlags, type GeneralFlag} from './general-flags.js';
import {defaultModelsBaseUrl} from '../transcribe/model-catalog.js';

const usage = `
  omega13: always keeps the last 13 seconds; a trigger saves a file that starts in the past

  Usage
    $ omega13 [options]            the terminal UI (needs a terminal)
    $ omega13 --headless [options] no UI: one line per event, for services and scripts
    $ omega13 toggle               start a capture, or stop the one running, in the running omega13
    $ omega13 start | stop         start or stop a capture (no change if already so)
    $ omega13 status [--json]      what the running omega13 is doing
    $ omega13 save-last SECONDS    save just the last SECONDS held in memory as a capture (no live tail)
    $ omega13 inputs save          remember what feeds in_1..in_N now; restored at every start and
                                   whenever those ports appear (unless --connect is given)
    $ omega13 config [--json]      the settings in effect and where each came from
    $ omega13 config init          write a commented starting config file (never overwrites one)
    $ omega13 sessions             list sessions: date, captures, length, transcripts done/failed
    $ omega13 sessions show ID     a session's captures with their transcripts (ID, its start, or "last")
    $ omega13 sessions export ID --to DIR [--format md|json|srt]
                                   copy a session's audio and transcripts to DIR
    $ omega13 serve token          print the HTTP API's bearer token (made on first use, mode 0600)
    $ omega13 doctor               check JACK, ports, X display, whisper, model, disk, permissions
    $ omega13 setup                check that the bundled whisper.cpp loads (nothing is compiled)
    $ omega13 transcribe SESSION [CAPTURE]
                                   transcribe a session's captures again (SESSION: a directory,
                                   a session id or its start, or "last"; CAPTURE: a number, or "all");
                                   a running omega13 that has it open is asked to do it
    $ omega13 models               the whisper models installed
    $ omega13 models download NAME fetch a model (tiny.en, base.en, small.en, large-v3-turbo-q5_0,
                                   ...) or the Silero VAD (silero) with its checksum
`;

const epilogue = `
  Commands talk to the running instance over a unix socket in $XDG_RUNTIME_DIR/omega13: the one started
  with --jack-name NAME when that is given (or set in the config file), else the only one running.

  Exit codes: 0 done; 1 failed (no JACK server, no running instance, ...); 2 bad command line or config
  file, or several instances running and none named.

  Examples
    $ omega13 --headless --connect system:capture_1
    $ omega13 toggle
`;

/** Where the description starts, and how wide a line may be. */
const labelWidth = 27;
const indent = '    ';
const lineWidth = 104;

/**
 * One option: its flags and value on the left, what it does on the right (wrapped), then its default
 * (never split across lines).
 */
export const optionLines = (label: string, help: string, helpDefault: string | undefined): string[] => {
	const width = lineWidth - indent.length - labelWidth;
	const text = wrapLines(help, width);
	if (helpDefault !== undefined && helpDefault !== '') {
		const tag = `[default: ${helpDefault}]`;
		const last = text.at(-1)!;
		if (last.length + 2 + tag.length <= width) {
			text[text.length - 1] = `${last}  ${tag}`;
		} else {
			text.push(tag);
		}
	}
	const pad = ' '.repeat(indent.length + labelWidth);
	const first = `${indent}${label}`;
	// A label too wide for its column gets the text on the lines below it.
	const head = first.length < pad.length ? [`${first.padEnd(pad.length)}${text[0]}`] : [first, `${pad}${text[0]}`];
	return [...head, ...text.slice(1).map(line => `${pad}${line}`)];
};

/** `--channels N`, `--[no-]clipboard`: a setting's flags as `--help` shows them. */
export const settingLabel = (spec: SettingSpec<unknown>): string =>
	spec.value === undefined ? `--[no-]${spec.flag}` : `${flagNames(spec)[0]} ${spec.value.arg}`;

/** A setting's default as `--help` shows it: the value, or the flag that is in effect for a boolean. */
export const settingDefault = (spec: SettingSpec<unknown>): string | undefined => {
	if (spec.helpDefault !== undefined) {
		return spec.helpDefault;
	}
	if (typeof spec.default === 'boolean') {
		return spec.default ? `--${spec.flag}` : `--no-${spec.flag}`;
	}
	return Array.isArray(spec.default) ? spec.default.join(', ') : String(spec.default);
};

const generalLabel = (flag: GeneralFlag): string =>
	`${flag.short === undefined ? '' : `-${flag.short}, `}--${flag.name}${flag.arg === undefined ? '' : ` ${flag.arg}`}`;

const generalLines = (section: GeneralFlag['section']): string[] =>
	generalFlags.filter(flag => flag.section === section).flatMap(flag => optionLines(generalLabel(flag), flag.help, flag.helpDefault));

/** The options section: the general flags, then every setting's flag from the table, in its order. */
export const optionsHelp = (): string =>
	[
		'  Options (each setting may also be set in $XDG_CONFIG_HOME/omega13/config.json; flags win)',
		...generalLines('before'),
		...settingKeys.flatMap(key => {
			const spec = specOf(key);
			return optionLines(settingLabel(spec), spec.help, settingDefault(spec));
		}),
		...generalLines('after'),
		'',
		'  With sessions export',
		...generalLines('sessions export'),
	].join('\n');

/** The help text is the specification of the command line: every flag the parser accepts is here. */
/** The environment variables omega13 reads (the XDG ones aside), in the options' layout. */
const environmentHelp = (): string =>
	[
		'  Environment',
		...optionLines('OMEGA13_MODELS_DIR', 'Where models are kept', '$XDG_DATA_HOME/omega13/models'),
		...optionLines('OMEGA13_MODELS_URL', '`omega13 models download NAME` fetches URL/ggml-NAME.bin from here (a mirror, or a server of your own)', defaultModelsBaseUrl),
		...optionLines('OMEGA13_ENGINE_KEY', 'The key for an OpenAI-compatible --engine-url (else OPENAI_API_KEY, else --engine-key-file)', undefined),
		...optionLines('JACK_DEFAULT_SERVER', 'The JACK server to join', undefined),
	].join('\n');

export const helpText = (): string => `${usage}\n${optionsHelp()}\n\n${environmentHelp()}\n${epilogue}`.trim();
