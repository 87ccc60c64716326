import path from 'node:path';
import type {ControlResponse, TranscribeRequest} from '../control/control-protocol.js';
import type {Session} from '../session/session.js';
import {transcriptFinished, type TranscriptState} from '../session/transcript-state.js';
import {chooseCaptures, nothingToTranscribe} from '../transcribe/transcribe-session.js';

/**
 * `omega13 transcribe` asked of a running omega13 over its control socket (it owns the manifests of the
 * sessions it has open, so the command asks it rather than writing beside it). The captures are queued
 * like the TUI's `t`, with this omega13's engine; the answer comes once they are settled.
 */
export const transcribeOpenSession = async (
	request: TranscribeRequest,
	openSessions: readonly Session[],
	transcribe: ((session: Session, index: number) => Promise<TranscriptState> | undefined) | undefined,
): Promise<Omit<ControlResponse, 'status'>> => {
	const dir = path.resolve(request.session);
	const session = openSessions.find(candidate => candidate.dir === dir);
	if (session === undefined) {
		return {ok: false, message: `${dir} is not open in this omega13 (pid ${process.pid}): \`omega13 transcribe\` runs it by itself once no omega13 has it open`};
	}
	if (transcribe === undefined) {
		return {ok: false, message: `transcription is off in this omega13 (pid ${process.pid}, --no-transcribe): stop it, or start it with transcription, to transcribe ${dir}`};
	}
	const chosen = chooseCaptures(session.manifest, dir, request, 'is still recording: stop the capture first');
	if (chosen.length === 0) {
		return {ok: true, message: nothingToTranscribe(dir), transcripts: []};
	}
	const states = await Promise.all(chosen.map(async index => (await transcribe(session, index)) ?? {status: 'failed' as const, reason: 'transcription is off (--no-transcribe)'}));
	const transcripts = chosen.map((index, at) => ({index, state: states[at]!}));
	const finished = states.filter(state => transcriptFinished(state)).length;
	return {ok: finished === states.length, message: `${finished} of ${states.length} transcribed by the running omega13 (pid ${process.pid})`, transcripts};
};
