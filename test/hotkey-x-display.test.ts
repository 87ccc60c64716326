import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {checkXDisplay} from '../src/hotkey/x-display.js';
import {deadDisplay, Xvfb} from './helpers/xvfb.js';

describe('checkXDisplay', () => {
	let xvfb: Xvfb;
	before(async () => {
		xvfb = await Xvfb.start();
	});
	after(async () => {
		await xvfb?.dispose();
	});

	test('a running X server answers', async () => {
		assert.deepEqual(await checkXDisplay({env: {...process.env, DISPLAY: xvfb.display}}), {ok: true, display: xvfb.display});
	});

	test('without DISPLAY there is nothing to check', async () => {
		const env = {...process.env};
		delete env['DISPLAY'];
		assert.deepEqual(await checkXDisplay({env}), {ok: false, display: undefined, reason: 'DISPLAY is not set'});
		assert.deepEqual(await checkXDisplay({env: {...env, DISPLAY: '  '}}), {ok: false, display: undefined, reason: 'DISPLAY is not set'});
	});

	test('a display nobody serves does not answer, and this process survives asking', async () => {
		// The probe is a child process; on a loaded machine it may hit its time limit first: either way
		// the answer is "no display", and this process is still here to read it.
		const result = await checkXDisplay({env: {...process.env, DISPLAY: deadDisplay}, timeoutMs: 20_000});
		assert.equal(result.ok, false);
		assert.equal(result.display, deadDisplay);
		assert.match(
			result.ok ? '' : result.reason,
			/^the X display :1919 (does not answer \(no X server there, or it refused the connection\)|did not answer within 20000 ms)$/,
		);
	});

	test('a display that went away stops answering', async () => {
		const gone = await Xvfb.start();
		const env = {...process.env, DISPLAY: gone.display};
		assert.equal((await checkXDisplay({env})).ok, true);
		await gone.dispose();
		assert.equal((await checkXDisplay({env})).ok, false);
	});

	test('a bad timeout is rejected', async () => {
		await assert.rejects(checkXDisplay({timeoutMs: 0}), new RangeError('checkXDisplay: timeoutMs must be a positive number of milliseconds, got 0'));
	});
});
