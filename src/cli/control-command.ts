import type {Output} from '../app/output.js';
import {Keep, privateMarker} from '../session/keep-mode.js';
import {describeSpeechQueue} from '../transcribe/speech-queue.js';
import {NotRunningError, sendControl} from '../control/control-client.js';
import type {ControlCommand, StatusReport} from '../control/control-protocol.js';
import {findInstance, SeveralRunningError} from '../control/find-instance.js';
import {framesToSeconds} from '../util/units.js';
import {appDirs} from '../util/app-dirs.js';
import {captureNumber} from '../session/session.js';
import {describePersist} from '../persist/describe-persist.js';

/**
 * `omega13 toggle|status|start|stop|save-last|inputs save`: one request to the running instance (the one
 * named by `jackName`, else the only one running); returns the exit code.
 */
export const runControlCommand = async (
	command: ControlCommand,
	{jackName, json}: {jackName: string | undefined; json: boolean},
	{out, err}: Output,
	seconds?: number,
): Promise<number> => {
	try {
		const socketPath = await findInstance(appDirs().runtime, jackName);
		const response = await sendControl(socketPath, seconds === undefined ? {command} : {command, seconds});
		if (json) {
			out(JSON.stringify(command === 'status' ? (response.status ?? response) : response));
		} else if (command === 'status' && response.status) {
			out(describeStatus(response.status));
		} else {
			(response.ok ? out : err)(response.ok ? response.message : `omega13: ${response.message}`);
		}
		return response.ok ? 0 : 1;
	} catch (error) {
		if (error instanceof NotRunningError && json) {
			out(JSON.stringify({ok: false, running: false, message: error.message}));
		}
		if (error instanceof SeveralRunningError && json) {
			out(JSON.stringify({ok: false, running: true, message: error.message, instances: error.instances.map(({jackName, pid}) => ({jackName, pid}))}));
		}
		err(`omega13: ${error instanceof Error ? error.message : String(error)}`);
		return error instanceof SeveralRunningError ? 2 : 1;
	}
};

/** A status a person reads at a glance: state first, then the details. */
export const describeStatus = (status: StatusReport): string => {
	const rate = status.source.sampleRate;
	const lines: string[] = [];
	const {capture} = status;
	if (capture.kind === 'recording') {
		const elapsed = framesToSeconds(capture.frames, rate).toFixed(1);
		const preroll = framesToSeconds(capture.prerollFrames, rate).toFixed(1);
		lines.push(`RECORDING capture ${captureNumber(capture.index)}: ${elapsed} s (pre-roll ${preroll} s) -> ${capture.path}`);
	} else if (status.state === 'stopped') {
		lines.push(`STOPPED: ${status.source.message ?? 'the audio source is gone'}`);
	} else {
		lines.push('IDLE');
	}
	if (status.lastFailure) {
		lines.push(`CAPTURE FAILED: ${status.lastFailure.reason}`);
	}
	lines.push(
		`source: ${status.source.kind} "${status.source.name}" at ${rate} Hz, period ${status.source.periodFrames}; ` +
			`pid ${status.pid}`,
		`pre-roll: ${status.bufferFilledSeconds.toFixed(1)} / ${status.bufferSeconds} s`,
		`session: ${status.sessionDir ?? '(created at the first capture)'}`,
	);
	if (status.lastCapture) {
		const last = status.lastCapture;
		const ended = last.ended === undefined ? '' : ` (ended: ${last.ended})`;
		lines.push(`last capture: ${captureNumber(last.index)}, ${last.duration.toFixed(1)} s${ended} -> ${last.path}`);
	}
	if (status.lastRefusal) {
		lines.push(`last refusal: ${status.lastRefusal.reason}`);
	}
	if (status.api) {
		lines.push(`HTTP API: ${status.api.url}`);
	}
	if (status.persist) {
		lines.push(describePersist(status.persist));
	}
	if (status.archive) {
		const {target, uploaded, pending, failing} = status.archive;
		lines.push(`archive: ${target}, ${uploaded} uploaded, ${pending} waiting${failing === undefined ? '' : `; failing: ${failing}`}`);
	}
	if (status.keep === Keep.transcript) {
		lines.push(`${privateMarker}: each capture's audio is deleted once transcribed (--keep transcript)`);
	}
	if (status.voice !== undefined) {
		lines.push(`voice trigger: ${status.voice}` + (status.speechQueue === undefined ? '' : `; ${describeSpeechQueue(status.speechQueue)}`));
	}
	if (status.xruns > 0 || status.droppedFrames > 0) {
		lines.push(`xruns: ${status.xruns}; dropped frames: ${status.droppedFrames}`);
	}
	return lines.join('\n');
};
