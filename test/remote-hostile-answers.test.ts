import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtemp, readFile, readdir, rm} from 'node:fs/promises';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {replyLimitBytes} from '../src/transcribe/http-transcribe.js';
import {transcriptLines} from '../src/ui/transcript-pane.js';
import {truncate} from '../src/ui/format.js';
import {plainLines, plainText} from '../src/util/plain-text.js';
import {wrapLines} from '../src/util/wrap-lines.js';
import {RecorderProcess, runCli} from './helpers/recorder-process.js';
import {jfkWav, makeSession, whisperTestEnv} from './helpers/whisper.js';

// The payloads a hostile (or broken) transcription server was seen to send.
const title = '\u001b]0;pwned\u0007';
const clear = '\u001b[2J';
const clipboard = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const nul = '\u0000';
/** Not UTF-8 at all: a lone continuation byte and a byte UTF-8 never uses. */
const invalidUtf8 = Buffer.from([0x80, 0xff]);

/** Any control character but the line feed, which plainLines keeps. */
const controlCharacter = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Valid UTF-8 without control characters; a JSON file's tabs are its indentation, and are let through. */
const assertClean = (bytes: Buffer | string, where: string): void => {
	const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
	const decoded = new TextDecoder('utf-8', {fatal: true}).decode(buffer);
	const text = where.endsWith('.json') ? decoded.replaceAll('\t', '') : decoded;
	const found = controlCharacter.exec(text);
	assert.equal(found, null, `${where} holds U+${found?.[0].codePointAt(0)?.toString(16).padStart(4, '0')}: ${JSON.stringify(text.slice(Math.max(0, (found?.index ?? 0) - 40), (found?.index ?? 0) + 40))}`);
};

type Answer = {readonly status: number; readonly body: Buffer} | {readonly flood: number};

/** A transcription server on loopback that answers every POST as told, and counts what it managed to send. */
const startHostileServer = async () => {
	let answer: Answer = {status: 200, body: Buffer.from('{}')};
	const floods: Array<{written: number; finished: boolean}> = [];
	const server = http.createServer((request, response) => {
		void (async () => {
			for await (const _chunk of request) {
				// The upload is read and dropped.
			}
			if ('flood' in answer) {
				const flood = {written: 0, finished: false};
				floods.push(flood);
				let wake = (): void => undefined;
				response.on('drain', () => wake());
				response.on('close', () => wake());
				response.writeHead(200, {'content-type': 'application/json'});
				const chunk = Buffer.alloc(64 * 1024, 'a');
				response.write('{"text":"');
				while (flood.written < answer.flood && !response.destroyed) {
					flood.written += chunk.length;
					if (!response.write(chunk)) {
						await new Promise<void>(resolve => {
							wake = resolve;
						});
					}
				}
				if (!response.destroyed) {
					response.end('"}');
					flood.finished = true;
				}
				return;
			}
			response.writeHead(answer.status, {'content-type': 'application/json'}).end(answer.body);
		})();
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		floods,
		answer: (next: Answer) => {
			answer = next;
		},
		close: async () => {
			server.closeAllConnections();
			server.close();
		},
	};
};

/** verbose_json whose segments carry every payload, the invalid UTF-8 as raw bytes inside the JSON string. */
const hostileTranscript = (): Buffer => {
	const segment = (start: number, end: number, text: string) => `{"start":${start},"end":${end},"text":${JSON.stringify(text)}}`;
	const json = `{"language":"en","segments":[${segment(0, 2, ` And so${title} my fellow`)},${segment(2, 4, ` Americans${clear}${clipboard} ask not${nul} `)},${segment(4, 6, ' what BYTES')}]}`;
	const [head, tail] = json.split('BYTES') as [string, string];
	return Buffer.concat([Buffer.from(head), invalidUtf8, Buffer.from(tail)]);
};

describe('text from a transcription server never carries control characters to a terminal, a log or a file', () => {
	let root: string;
	let server: Awaited<ReturnType<typeof startHostileServer>>;
	before(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'omega13-hostile-'));
		server = await startHostileServer();
	});
	after(async () => {
		await server.close();
		await rm(root, {recursive: true, force: true});
	});

	test('a transcript with OSC title, clear-screen, OSC 52, NUL and invalid UTF-8: stdout, session.json, NNN.txt/json, transcript.md, sessions show and every export are clean', async () => {
		server.answer({status: 200, body: hostileTranscript()});
		const sessions = path.join(root, 'transcript');
		const dir = await makeSession(sessions, [jfkWav]);
		const transcribed = await runCli(['transcribe', dir, '--engine-url', server.url], whisperTestEnv());
		assert.equal(transcribed.code, 0, transcribed.stderr);
		assert.match(transcribed.stdout, /capture 001 transcribed/);
		assertClean(transcribed.stdout + transcribed.stderr, 'omega13 transcribe output');
		// The text lives in 001.txt (session.json names the file).
		const text = (await readFile(path.join(dir, '001.txt'), 'utf8')).trimEnd();
		assert.match(text, /^And so \]0;pwned +my fellow Americans \[2J \]52;c;\S+ +ask not +what \uFFFD\uFFFD$/);
		for (const file of ['session.json', '001.txt', '001.json', 'transcript.md']) {
			// JSON would carry an ESC as the six characters \u001b: that is no better.
			const text = await readFile(path.join(dir, file), 'utf8');
			assertClean(text, file);
			assert.ok(!/\\u00(0|1[0-9a-f]|7f)/i.test(text), `${file} holds an escaped control character`);
		}

		const shown = await runCli(['sessions', 'show', 'last', '--sessions-dir', sessions], whisperTestEnv());
		assert.equal(shown.code, 0, shown.stderr);
		assert.match(shown.stdout, /And so \]0;pwned my fellow Americans/);
		assertClean(shown.stdout, 'sessions show');

		for (const format of ['md', 'srt', 'json']) {
			const to = path.join(root, `export-${format}`);
			const exported = await runCli(['sessions', 'export', 'last', '--to', to, '--format', format, '--sessions-dir', sessions], whisperTestEnv());
			assert.equal(exported.code, 0, exported.stderr);
			for (const name of await readdir(to)) {
				if (!name.endsWith('.wav')) {
					const text = await readFile(path.join(to, name), 'utf8');
					assertClean(text, `export ${format}: ${name}`);
					assert.ok(!/\\u00(0|1[0-9a-f]|7f)/i.test(text), `export ${name} holds an escaped control character`);
				}
			}
		}
	});

	test('an error answer with the same payloads: the reason in session.json, transcript.md and on the terminal is one clean line', async () => {
		const dir = await makeSession(path.join(root, 'error-page'), [jfkWav]);
		server.answer({status: 500, body: Buffer.concat([Buffer.from(`<h1>oops${title}${clear}${nul}`), invalidUtf8, Buffer.from(`${clipboard}</h1>`)])});
		const failed = await runCli(['transcribe', dir, '--engine-url', server.url], whisperTestEnv());
		assertClean(failed.stdout + failed.stderr, 'omega13 transcribe output');
		assert.match(failed.stdout + failed.stderr, /answered HTTP 500: <h1>oops/);

		server.answer({status: 200, body: Buffer.from(JSON.stringify({error: {message: `model busy${clipboard}${nul}`}}))});
		const reported = await runCli(['transcribe', dir, '--engine-url', server.url], whisperTestEnv());
		assertClean(reported.stdout + reported.stderr, 'omega13 transcribe output');
		assert.match(reported.stdout + reported.stderr, /reported an error: model busy/);
		const manifest = await readFile(path.join(dir, 'session.json'), 'utf8');
		assert.match(manifest, /reported an error: model busy/);
		for (const file of ['session.json', 'transcript.md']) {
			const text = await readFile(path.join(dir, file), 'utf8');
			assertClean(text, file);
			assert.ok(!/\\u00(0|1[0-9a-f]|7f)/i.test(text), `${file} holds an escaped control character`);
		}
	});

	test('a 50 MB answer fails the transcription with the limit as reason, and is not read to its end', async t => {
		const dir = await makeSession(path.join(root, 'flood'), [jfkWav]);
		const fifty = 50 * 1024 * 1024;
		server.answer({flood: fifty});
		const result = await runCli(['transcribe', dir, '--engine-url', server.url], whisperTestEnv());
		assert.match(result.stdout + result.stderr, /answered more than 1 MB, the limit for this capture \(1 MB a minute of audio, at least 1 MB\); the rest was not read/);
		const manifest = await readFile(path.join(dir, 'session.json'));
		assert.ok(manifest.length < 100_000, `session.json is ${manifest.length} bytes`);
		await waitFor(() => server.floods.length === 1 && server.floods[0]!.written > 0);
		const flood = server.floods[0]!;
		t.diagnostic(`the server got ${(flood.written / 1e6).toFixed(1)} MB of 52.4 MB out before the connection was dropped`);
		assert.equal(flood.finished, false, 'the connection was dropped before the server finished');
		assert.ok(flood.written < fifty / 5, `the server got ${flood.written} bytes out before the connection was dropped`);
	});

	test('the headless log shows a hostile transcript without its escape sequences', async () => {
		server.answer({status: 200, body: hostileTranscript()});
		const recorder = await RecorderProcess.start({
			env: whisperTestEnv(),
			jackName: 'hostile',
			args: ['--source', 'demo', '--sessions-dir', path.join(root, 'headless'), '--engine-url', server.url, '--buffer-seconds', '2', '--hotkey', 'off'],
		});
		try {
			await recorder.captureOnce(2);
			await recorder.waitForLine(/capture 001 transcribed/);
		} finally {
			await recorder.dispose();
		}
		assertClean(recorder.lines.join('\n') + recorder.stderr, 'the headless log');
	});
});

test('the answer cap: 1 MB a minute of audio, at least 1 MB', () => {
	assert.equal(replyLimitBytes(11), 1_000_000);
	assert.equal(replyLimitBytes(60), 1_000_000);
	assert.equal(replyLimitBytes(600), 10_000_000);
});

test('plainText, plainLines, truncate and wrapLines drop every payload; the TUI transcript pane too', () => {
	const hostile = `a${title}b${clear}c${clipboard}d${nul}e\u009bf\ud800g\r\nh\ti`;
	assert.equal(plainText(hostile), 'a ]0;pwned b [2Jc ]52;c;cm0gLXJmIH4= d e f\uFFFDg  h i');
	assert.equal(plainLines(hostile), 'a ]0;pwned b [2Jc ]52;c;cm0gLXJmIH4= d e f\uFFFDg\nh i');
	assert.doesNotMatch(truncate(hostile, 200), controlCharacter);
	assert.doesNotMatch(wrapLines(hostile, 10).join('\n'), controlCharacter);
	const pane = transcriptLines({index: 1, file: `001${clear}.wav`, startedAt: '', durationSeconds: 1, state: 'complete', transcript: {status: 'done', text: hostile}}, 80);
	assert.doesNotMatch(pane.join('\n'), controlCharacter);
});

test('the TUI transcript pane wraps a failure reason whole: at 80 columns its fix shows', () => {
	const reason = 'model not found at /home/ann/.local/share/omega13/models/ggml-base.en.bin: run `omega13 models download base.en` or pass --model PATH';
	const lines = transcriptLines({index: 1, file: '001.wav', startedAt: '', durationSeconds: 1, state: 'complete', transcript: {status: 'failed', reason}}, 80);
	assert.ok(lines.length > 1);
	assert.ok(lines.every(line => line.length <= 78));
	assert.match(lines.join(' '), /`omega13 models download base\.en`/);
});

const waitFor = async (condition: () => boolean): Promise<void> => {
	while (!condition()) {
		await new Promise(resolve => setTimeout(resolve, 20));
	}
};
