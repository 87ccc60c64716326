import {formatSettings, settingsReport} from '../config/format-settings.js';
import {initConfig} from '../config/init-config.js';
import type {LoadedSettings} from '../config/load-config.js';
import {doctorExitCode, formatDoctor, runDoctor} from '../app/doctor.js';
import {describeSession, describeSessionList, SessionLookupError} from '../session/describe-sessions.js';
import {exportSession} from '../session/export-session.js';
import type {Output} from '../app/output.js';
import type {Settings} from '../config/settings-schema.js';
import type {CommandLine} from './parse-options.js';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `omega13 config init`: works when the file is missing or broken, as it is how a user starts over. */
export const runConfigInit = async (configFile: string | undefined, {out, err}: Output): Promise<number> => {
	try {
		const file = await initConfig(configFile === undefined ? {} : {file: configFile});
		out(`wrote ${file}: every setting with its default, commented; edit what you need`);
		return 0;
	} catch (error) {
		err(`omega13: ${message(error)}`);
		return 1;
	}
};

/** `omega13 config [--json]`: the settings in effect and where each came from. */
export const runConfigShow = (json: boolean, loaded: LoadedSettings, {out}: Output): number => {
	out(json ? JSON.stringify(settingsReport(loaded), null, 2) : formatSettings(loaded));
	return 0;
};

/** `omega13 sessions`, `sessions show ID`, `sessions export ID --to DIR [--format md|json|srt]`. */
export const runSessionsCommand = async (
	line: Pick<CommandLine, 'args' | 'exportTo' | 'exportFormat'>,
	settings: Settings,
	{out, err}: Output,
): Promise<number> => {
	const root = settings.sessionsDir;
	const [verb, id = ''] = line.args;
	try {
		if (verb === undefined) {
			out(await describeSessionList(root));
		} else if (verb === 'show') {
			out(await describeSession(root, id));
		} else {
			const result = await exportSession(root, id, {to: line.exportTo!, format: line.exportFormat});
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
export const runDoctorCommand = async (settings: Settings, {out}: Output): Promise<number> => {
	const lines = await runDoctor({settings});
	out(formatDoctor(lines));
	return doctorExitCode(lines);
};
