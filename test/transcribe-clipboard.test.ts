import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {test} from 'node:test';
import {promisify} from 'node:util';
import {chooseClipboardTool, copyToClipboard} from '../src/transcribe/clipboard.js';
import {Xvfb} from './helpers/xvfb.js';

const run = promisify(execFile);

test('without a graphical session, or without the tool, the clipboard copy says why in one line', async () => {
	assert.deepEqual(await copyToClipboard('hello', {env: {PATH: process.env['PATH']}}), {
		ok: false,
		reason: 'not copied to the clipboard: there is no graphical session (neither WAYLAND_DISPLAY nor DISPLAY is set)',
	});
	assert.deepEqual(await copyToClipboard('hello', {env: {PATH: '/nonexistent', DISPLAY: ':5'}}), {
		ok: false,
		reason: 'not copied to the clipboard: xclip is not installed',
	});
	assert.deepEqual(chooseClipboardTool({PATH: '/nonexistent', WAYLAND_DISPLAY: 'wayland-0'}), {
		tool: undefined,
		reason: 'not copied to the clipboard: wl-copy (package wl-clipboard) is not installed',
	});
	await assert.rejects(copyToClipboard(5 as unknown as string), {message: 'copyToClipboard: text must be a string'});
});

test('under X the transcript lands on the CLIPBOARD selection through xclip', async (t) => {
	const tool = chooseClipboardTool({PATH: process.env['PATH'], DISPLAY: ':0'});
	if (tool.tool !== 'xclip') {
		t.skip(`xclip is not installed (apt-get install xclip): ${tool.tool === undefined ? tool.reason : tool.tool}`);
		return;
	}
	const xvfb = await Xvfb.start();
	t.after(() => xvfb.dispose());
	const env: NodeJS.ProcessEnv = {...process.env, DISPLAY: xvfb.display};
	delete env['WAYLAND_DISPLAY'];
	const text = 'And so, my fellow Americans: ask not — what your country can do for you';
	assert.deepEqual(await copyToClipboard(text, {env}), {ok: true, tool: 'xclip'});
	const {stdout} = await run('xclip', ['-o', '-selection', 'clipboard'], {env, timeout: 30_000});
	assert.equal(stdout, text);
});
