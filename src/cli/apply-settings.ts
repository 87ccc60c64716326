import type {LoadedSettings} from '../config/load-config.js';
import {connectPlan, silenceThreshold} from '../config/settings-schema.js';
import type {Options} from './parse-options.js';

/** The options a command runs with: the config file's settings with the flags already merged in. */
export const applySettings = (options: Options, {settings}: LoadedSettings): Options => ({
	...options,
	jackName: settings.jackName,
	channels: settings.channels,
	bufferSeconds: settings.bufferSeconds,
	sessionsDir: settings.sessionsDir,
	connect: connectPlan(settings),
	silenceThresholdDb: silenceThreshold(settings),
	silenceWindowSeconds: settings.silenceWindowSeconds,
	sampleFormat: settings.sampleFormat,
	hotkey: settings.hotkey,
	transcribe: settings.transcription,
	model: settings.model,
	engineUrl: settings.engineUrl ?? undefined,
	clipboard: settings.clipboard,
	format: settings.format,
	fileNaming: settings.fileNaming,
	filePrefix: settings.filePrefix,
});
