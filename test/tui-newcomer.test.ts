import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {missingModelNotice} from '../src/app/transcription.js';
import {cliPath} from './helpers/recorder-process.js';
import {testModel} from './helpers/fixtures.js';
import {TmuxTerminal} from './helpers/tmux-terminal.js';

/** The screen as one line: wrapped text reads on across line ends. */
const flat = (screen: string): string => screen.replace(/\s+/g, ' ');

test('a newcomer trying the demo without a model: at 80x24 the screen says how to get transcripts, and the failed transcript shows its whole fix', async t => {
	const root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-newcomer-'));
	t.after(async () => fs.rm(root, {recursive: true, force: true}));
	const models = path.join(root, 'models');
	await fs.mkdir(models);
	const env = {OMEGA13_MODELS_DIR: models, XDG_RUNTIME_DIR: await fs.mkdtemp(path.join(root, 'rt-')), TERM: 'xterm-256color'};
	const command = `${process.execPath} ${cliPath} --source demo --hotkey off --buffer-seconds 2 --sessions-dir ${path.join(root, 's')} --jack-name newcomer`;
	const terminal = await TmuxTerminal.start(command, {env});
	t.after(async () => terminal.dispose());
	const notice = /transcripts need a Whisper model: run `omega13 models download base\.en` \(148 MB\); captures are kept meanwhile/;
	let screen = await terminal.waitFor(/2\.0 \/ 2 s/);
	assert.match(flat(screen), notice);

	await terminal.keys('Space');
	await terminal.waitFor(/RECORDING/);
	await terminal.keys('Space');
	await terminal.waitFor(/transcript failed/);
	await terminal.keys('x');
	await terminal.keys('Enter');
	screen = await terminal.waitFor(/TRANSCRIPT/);
	assert.match(flat(screen), /\(transcript failed: model not found at .*ggml-base\.en\.bin: run `omega13 models download base\.en` or pass --model PATH\)/);
	assert.ok(screen.split('\n').every(line => line.length <= 80));
});

test('missingModelNotice: nothing to say with a model, or with a server doing the work', async () => {
	const choice = {model: testModel, engineUrl: null, engineModel: null, whisperBin: null, engineKeyFile: null};
	assert.equal(await missingModelNotice(choice), undefined);
	assert.equal(await missingModelNotice({...choice, model: '/nowhere/ggml-base.en.bin', engineUrl: 'http://127.0.0.1:9/'}), undefined);
	assert.equal(
		await missingModelNotice({...choice, model: '/nowhere/bad1.bin'}),
		'transcripts need a Whisper model: /nowhere/bad1.bin is missing or not a valid model: pass --model a whisper.cpp ggml model file, or a model name such as base.en (`omega13 models download base.en` fetches it; `omega13 models` lists what is installed); captures are kept meanwhile, and `omega13 transcribe last` (or t on a capture) transcribes them then',
	);
});
