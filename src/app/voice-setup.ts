import {existsSync} from 'node:fs';
import type {Settings} from '../config/settings-schema.js';
import {Trigger} from '../config/trigger.js';
import type {AudioEngine} from '../engine/audio-engine.js';
import {sileroModelName} from '../transcribe/model-catalog.js';
import {resolveModel} from '../transcribe/model-resolve.js';
import {WhisperChild} from '../transcribe/whisper-child.js';
import type {ExitPath} from './exit-path.js';
import {VoiceTrigger} from './voice-trigger.js';

/**
 * The voice trigger the settings ask for (none with `--trigger key`), with a Silero VAD process of its
 * own: a transcription under way in the whisper process (seconds to minutes) must not hold up the
 * decision that speech has begun. Throws, saying how to get it, when the Silero model is missing.
 */
export const startVoiceTrigger = (settings: Settings, engine: AudioEngine, say: (line: string) => void, exitPath: ExitPath): VoiceTrigger | undefined => {
	if (settings.trigger === Trigger.key) {
		return undefined;
	}
	const silero = resolveModel(sileroModelName);
	if (!existsSync(silero.path)) {
		throw new Error(`--trigger ${settings.trigger} needs the Silero VAD model (${silero.path}): run \`omega13 models download silero\` (about 0.9 MB), then start again`);
	}
	const detector = new WhisperChild({vadModel: silero.path, background: false});
	exitPath.add('speech detector', async () => detector.dispose());
	const trigger = new VoiceTrigger(
		engine,
		detector,
		{
			beginDb: settings.voiceBeginDb,
			endDb: settings.voiceEndDb,
			sustainSeconds: settings.voiceSustainSeconds,
			prerollSeconds: settings.voicePrerollSeconds,
			hangoverSeconds: settings.voiceHangoverSeconds,
			maxSeconds: settings.voiceMaxSeconds,
			minSpeechSeconds: settings.voiceMinSpeechSeconds,
		},
		say,
	);
	// Before the engine finishes the open capture: no new one may start meanwhile.
	exitPath.add('voice trigger', () => {
		trigger.dispose();
	});
	say(
		`voice trigger on: speech starts a capture ${settings.voicePrerollSeconds} s before it began and ${settings.voiceHangoverSeconds} s without speech ends it` +
			(settings.trigger === Trigger.both ? '; the hotkey starts and stops early' : ''),
	);
	return trigger;
};
