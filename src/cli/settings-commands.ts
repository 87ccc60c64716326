import {formatSettings, settingsReport} from '../config/format-settings.js';
import {initConfig} from '../config/init-config.js';
import type {LoadedSettings} from '../config/load-config.js';
import {doctorExitCode, formatDoctor, runDoctor} from '../app/doctor.js';
import {describeSession, describeSessionList, SessionLookupError} from '../session/describe-sessions.js';
import {exportSession} from '../session/export-session.js';
import type {Output} from './control-command.js';
import type {Options} from './parse-options.js';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `omega13 config init`: works when the file is missing or broken, as it is how a user starts over. */
export const runConfigInit = async (options: Options, {out, err}: Output): Promise<number> => {
	try {
		const file = await initConfig(options.configFile === undefined ? {} : {file: options.configFile});
		out(`wrote ${file}: every setting with its default, commented; edit what you need`);
		return 0;
	} catch (error) {
		err(`omega13: ${message(error)}`);
		return 1;
	}
};

/** `omega13 config [--json]`: the settings in effect and where each came from. */
export const runConfigShow = (options: Options, loaded: LoadedSettings, {out}: Output): number => {
	out(options.json ? JSON.stringify(settingsReport(loaded), null, 2) : formatSettings(loaded));
	return 0;
};

/** `omega13 sessions`, `sessions show ID`, `sessions export ID --to DIR [--format md|json|srt]`. */
export const runSessionsCommand = async (options: Options, loaded: LoadedSettings, {out, err}: Output): Promise<number> => {
	const root = loaded.settings.sessionsDir;
	const [verb, id = ''] = options.args;
	try {
		if (verb === undefined) {
			out(await describeSessionList(root));
		} else if (verb === 'show') {
			out(await describeSession(root, id));
		} else {
			const result = await exportSession(root, id, {to: options.exportTo!, format: options.exportFormat});
			out(`exported ${result.sessionId} to ${result.dir}: ${result.files.length} files`);
			for (const skipped of result.skipped) {
				out(`left out: ${typeof skipped === 'string' ? skipped : JSON.stringify(skipped)}`);
			}
		}
		return 0;
	} catch (error) {
		err(`omega13: ${message(error)}`);
		return error instanceof SessionLookupError ? 2 : 1;
	}
};

/** `omega13 doctor`: one line per check, OK or what to do. */
export const runDoctorCommand = async (loaded: LoadedSettings, {out}: Output): Promise<number> => {
	const lines = await runDoctor({settings: loaded.settings});
	out(formatDoctor(lines));
	return doctorExitCode(lines);
};
