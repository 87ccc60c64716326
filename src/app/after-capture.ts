import type {Settings} from '../config/settings-schema.js';
import {captureNumber, type Session} from '../session/session.js';
import type {TranscriptState} from '../session/transcript-state.js';
import type {SpeechEvidence} from '../transcribe/salience.js';
import type {SpeechQueueStats} from '../transcribe/speech-queue.js';
import type {Store} from '../util/store.js';
import {CaptureEncoder} from './capture-encoder.js';
import {discardCaptureAudio} from '../session/discard-audio.js';
import {Keep} from '../session/keep-mode.js';
import type {ExitPath} from './exit-path.js';
import {CaptureTranscriber, type EngineChoice} from './transcription.js';

/**
 * What happens to a capture once its file is final, in the background: whisper transcribes the WAV (and
 * copies the text to the clipboard, types it or shows it in a notification when asked), then the WAV is
 * encoded to FLAC or Opus. Each step is optional; with no transcription the capture goes straight to the
 * encoder. At the end of the chain the capture is `settled` (the archive uploads it then).
 */
export type AfterCapture = {
	/** A capture's file is final; `evidence` when the voice trigger made it (it joins the speech queue). */
	finished(session: Session, index: number, evidence?: SpeechEvidence): void;
	/** Transcribes a capture again (the TUI's retry, `omega13 transcribe`): its final state; undefined when transcription is off. */
	transcribe(session: Session, index: number): Promise<TranscriptState> | undefined;
	/** The speech queue; undefined when transcription is off. */
	readonly speechQueue: Store<SpeechQueueStats> | undefined;
};

/** Makes the chain the settings ask for, each part registered with the exit path. */
export const startAfterCapture = (
	settings: EngineChoice & Pick<Settings, 'format' | 'transcription' | 'clipboard' | 'type' | 'notify' | 'speechQueueSegments' | 'speechQueueSeconds'>,
	say: (line: string) => void,
	exitPath: ExitPath,
	/** Told when a capture has been through the whole chain (for the archive). */
	settled: (session: Session, index: number) => void = () => undefined,
): AfterCapture => {
	const encoder = settings.format === 'wav' ? undefined : new CaptureEncoder(settings.format, say, settled);
	if (encoder) {
		exitPath.add('encoding', async () => encoder.dispose());
	}
	// A session that keeps no audio (--keep transcript) deletes it once the transcript is settled (a
	// failed one too: privacy comes first); one stopped by a quit is left for the next start.
	const discard = (session: Session, index: number): void => {
		void discardCaptureAudio(session, index).then(
			() => settled(session, index),
			(error: unknown) => say(`capture ${captureNumber(index)}: its audio could not be deleted (--keep transcript): ${error instanceof Error ? error.message : String(error)}`),
		);
	};
	// Whisper reads the WAV: a capture is encoded once its transcript is settled.
	const transcriber = settings.transcription
		? new CaptureTranscriber(settings, say, (session, index, stopping) => {
				if (session.manifest.keep === Keep.transcript) {
					if (!stopping) {
						discard(session, index);
					}
				} else if (encoder) {
					encoder.encode(session, index);
				} else {
					settled(session, index);
				}
			})
		: undefined;
	if (transcriber) {
		exitPath.add('transcription', async () => transcriber.dispose());
	} else if (settings.type || settings.notify) {
		say(`${settings.type ? '--type' : '--notify'}: nothing to deliver: transcription is off (--no-transcribe, or \`transcription: false\` in the config)`);
	}
	return {
		finished(session, index, evidence) {
			if (transcriber) {
				void transcriber.transcribe(session, index, evidence);
			} else if (encoder) {
				encoder.encode(session, index);
			} else {
				settled(session, index);
			}
		},
		transcribe(session, index) {
			return transcriber?.transcribe(session, index);
		},
		speechQueue: transcriber?.speechQueue,
	};
};
