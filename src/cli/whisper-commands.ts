import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {engineConfig, transcriptionLine} from '../app/transcription.js';
import type {Output} from '../app/output.js';
import type {Settings} from '../config/settings-schema.js';
import {sendControl} from '../control/control-client.js';
import {runningInstances, type Instance} from '../control/find-instance.js';
import {manifestFile, parseManifest} from '../session/session-manifest.js';
import {sessionLockHolder} from '../session/session-lock.js';
import {appDirs} from '../util/app-dirs.js';
import {findSession} from '../session/describe-sessions.js';
import {captureNumber} from '../session/session.js';
import {transcriptFinished} from '../session/transcript-state.js';
import {downloadModel, formatDownloadProgress} from '../transcribe/model-download.js';
import {listInstalledModels, modelsDir} from '../transcribe/model-resolve.js';
import {runSetup} from '../transcribe/run-setup.js';
import {nothingToTranscribe, transcribeSession} from '../transcribe/transcribe-session.js';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `omega13 setup`: checks that the prebuilt whisper.cpp loads here, and lists the models. */
export const runSetupCommand = async ({out, err}: Output): Promise<number> => {
	try {
		const result = await runSetup();
		out(`${result.engine} loads: nothing to build`);
		out(`models in ${result.modelsDir}: ${result.models.map(model => model.name).join(', ') || 'none yet'}`);
		for (const line of result.advice) {
			out(line);
		}
		return 0;
	} catch (error) {
		err(`omega13: setup failed: ${message(error)}`);
		return 1;
	}
};

/** SESSION as a directory path, or an id (or its start, or "last") under the sessions dir. */
const sessionDir = async (query: string, sessionsDir: string): Promise<string> => {
	const asPath = path.resolve(query);
	if (query.includes('/') || query === '.') {
		const info = await stat(asPath).catch(() => undefined);
		if (!info?.isDirectory()) {
			throw new Error(`no session directory at ${asPath}`);
		}
		return asPath;
	}
	return (await findSession(sessionsDir, query)).dir;
};

/** `omega13 transcribe SESSION [CAPTURE|all]`: waits for each transcript, one line per capture. */
export const runTranscribeCommand = async (args: readonly string[], settings: Settings, {out, err}: Output): Promise<number> => {
	const [query = '', which] = args;
	let capture: number | undefined;
	if (which !== undefined && which !== 'all') {
		capture = Number(which);
		if (!Number.isInteger(capture) || capture < 1) {
			err(`omega13: CAPTURE must be a capture number (1 for 001.wav) or "all", got "${which}"`);
			return 2;
		}
	}
	try {
		const dir = await sessionDir(query, settings.sessionsDir);
		const holder = await sessionLockHolder(dir);
		const instance = holder === undefined ? undefined : (await runningInstances(appDirs().runtime)).find(candidate => candidate.pid === holder);
		if (instance !== undefined) {
			return await transcribeByInstance(instance, dir, {...(capture === undefined ? {} : {capture}), all: which === 'all'}, {out, err});
		}
		const result = await transcribeSession(dir, {
			...engineConfig(settings),
			...(capture === undefined ? {} : {capture}),
			all: which === 'all',
			copyToClipboard: settings.clipboard,
			onRepair: report => {
				if (report.action === 'failed') {
					err(`omega13: ${report.line}`);
				} else {
					out(`repaired ${report.line}`);
				}
			},
			onEvent: event => {
				const line = transcriptionLine(event);
				if (line) {
					out(line);
				}
			},
		});
		if (result.unrepaired.length > 0) {
			err(`omega13: ${describeCaptures(result.unrepaired)} in ${dir} ${result.unrepaired.length === 1 ? 'was' : 'were'} cut off and could not be repaired (see above); not transcribed`);
		} else if (result.captures.length === 0) {
			out(nothingToTranscribe(dir));
		}
		return result.unrepaired.length === 0 && result.captures.every(entry => transcriptFinished(entry.state)) ? 0 : 1;
	} catch (error) {
		err(`omega13: ${message(error)}`);
		return 1;
	}
};

/**
 * The session is open in a running omega13, which owns its manifest: it is asked over its control socket
 * to transcribe (with its own engine and model), and answers once the captures are settled.
 */
const transcribeByInstance = async (instance: Instance, dir: string, request: {capture?: number; all: boolean}, {out, err}: Output): Promise<number> => {
	out(`${dir} is open in the running omega13 ${JSON.stringify(instance.jackName)} (pid ${instance.pid}): it transcribes, with its own engine and model`);
	const manifestPath = path.join(dir, manifestFile);
	const {captures} = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
	// Only a bound for a hung instance: the queue itself times each capture out (120 s + 10 × its length).
	const timeoutMs = (300 + captures.reduce((sum, record) => sum + 150 + 12 * record.durationSeconds, 0)) * 1000;
	const response = await sendControl(instance.socketPath, {command: 'transcribe', session: dir, ...request}, {timeoutMs});
	const transcripts = response.transcripts ?? [];
	for (const {index, state} of transcripts) {
		const line = transcriptionLine({type: 'state', sessionDir: dir, index, state});
		if (line) {
			out(line);
		}
	}
	if (transcripts.length === 0) {
		(response.ok ? out : err)(response.ok ? response.message : `omega13: ${response.message}`);
	}
	return response.ok ? 0 : 1;
};

/** `omega13 models` and `omega13 models download NAME`. */
export const runModelsCommand = async (args: readonly string[], {out, err}: Output): Promise<number> => {
	const [, name] = args;
	if (name === undefined) {
		const models = await listInstalledModels();
		out(models.length === 0 ? `no models in ${modelsDir()} yet: run \`omega13 models download base.en\`` : models.map(model => `${model.name}  ${model.path}`).join('\n'));
		return 0;
	}
	try {
		let last = 0;
		const result = await downloadModel(name, {
			onProgress: progress => {
				// A line a second: a progress bar that also reads well in a log.
				if (Date.now() - last >= 1000 || progress.receivedBytes === progress.totalBytes) {
					last = Date.now();
					out(`${name} ${formatDownloadProgress(progress)}`);
				}
			},
		});
		out(result.alreadyPresent ? `${result.name} is already installed: ${result.path}` : `${result.name} installed (sha256 ${result.sha256}): ${result.path}`);
		return 0;
	} catch (error) {
		err(`omega13: ${message(error)}`);
		return 1;
	}
};

const describeCaptures = (indices: readonly number[]): string => `capture${indices.length === 1 ? '' : 's'} ${indices.map(captureNumber).join(', ')}`;
