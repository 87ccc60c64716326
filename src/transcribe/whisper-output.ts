import {plainText} from '../util/plain-text.js';
import type {EngineResult, EngineSegment} from './transcription-engine.js';

/**
 * A segment's words as omega13 keeps them: whatever wrote them (a remote server above all) could put
 * escape sequences in, and the text goes on to terminals, logs and Markdown.
 */
const segmentText = (value: unknown): string => (typeof value === 'string' ? plainText(value) : '');

/**
 * whisper.cpp's `-oj` (1.5.0 at least, which a `--whisper-bin` may be) writes its JSON by hand and
 * escapes only quotes and backslashes, so a control character in a segment's text makes the file
 * invalid JSON. Structural whitespace is only tabs and
 * newlines, so turning control characters into spaces (and dropping the rest) cannot change the shape.
 */
const parseLenient = (text: string): unknown => {
	try {
		return JSON.parse(text);
	} catch {
		return JSON.parse(text.replace(/[\t\n\r]/g, ' ').replace(/[\u0000-\u001f]/g, ''));
	}
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The `main -oj` output: `transcription[]` with `offsets.from/to` in milliseconds, `result.language`. */
export const parseMainJson = (text: string): EngineResult => {
	const json = parseLenient(text);
	if (!isRecord(json) || !Array.isArray(json['transcription'])) {
		throw new Error('whisper.cpp wrote JSON without a transcription list');
	}
	const segments: EngineSegment[] = json['transcription'].map((entry: unknown) => {
		const record = isRecord(entry) ? entry : {};
		const offsets = isRecord(record['offsets']) ? record['offsets'] : {};
		return {
			start: typeof offsets['from'] === 'number' ? offsets['from'] / 1000 : undefined,
			end: typeof offsets['to'] === 'number' ? offsets['to'] / 1000 : undefined,
			text: segmentText(record['text']),
		};
	});
	const result = isRecord(json['result']) ? json['result'] : {};
	return {segments, language: typeof result['language'] === 'string' ? result['language'] : undefined};
};

/**
 * An HTTP engine's answer: OpenAI's `verbose_json` (and whisper.cpp servers since 1.6) give `segments` with `start`/`end` in seconds; a plain answer has only `text`, which a
 * whisper.cpp server puts one segment to a line.
 */
export const parseVerboseJson = (json: unknown): EngineResult => {
	if (!isRecord(json)) {
		throw new Error('the answer is not a JSON object');
	}
	const language = typeof json['language'] === 'string' ? plainText(json['language']) : undefined;
	if (Array.isArray(json['segments'])) {
		return {
			language,
			segments: json['segments'].map((entry: unknown) => {
				const record = isRecord(entry) ? entry : {};
				return {
					start: typeof record['start'] === 'number' ? record['start'] : undefined,
					end: typeof record['end'] === 'number' ? record['end'] : undefined,
					text: segmentText(record['text']),
				};
			}),
		};
	}
	if (typeof json['text'] === 'string') {
		const lines = json['text'].split('\n').filter((line) => line.trim().length > 0);
		return {language, segments: lines.map((line) => ({start: undefined, end: undefined, text: segmentText(line)}))};
	}
	throw new Error('the answer has neither segments nor text');
};
