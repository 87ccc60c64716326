/**
 * session.json rewrite figures (printed, never asserted): a session whose first capture has a transcript
 * of 1 KB, 1 MB or 50 MB of text (issue 13 item 10 measured 2.2 s per `save-last` at 50 MB), then the
 * time of each later `addCapture` (one manifest rewrite, fsync included) and the size of session.json.
 * The text lives in 001.txt, so neither should grow with it.
 *
 *   npm run build && node dist/bench/manifest-rewrite.bench.js [captures]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {Session} from '../src/session/session.js';
import {captureRecord} from '../test/helpers/capture-record.js';

const captures = Number(process.argv[2] ?? 20);

const record = (index: number) => captureRecord(index, {state: 'complete'});

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'omega13-manifest-bench-'));
try {
	console.log(`filesystem: ${root}; ${captures} rewrites each`);
	for (const [label, bytes] of [['1 KB', 1024], ['1 MB', 1024 ** 2], ['50 MB', 50 * 1024 ** 2]] as const) {
		const session = await Session.create(path.join(root, label.replace(' ', '')));
		try {
			const text = 'a'.repeat(bytes);
			await session.addCapture(record(1));
			await fs.writeFile(path.join(session.dir, '001.txt'), `${text}\n`);
			await session.updateCapture(1, {transcript: {status: 'done', text, files: {txt: '001.txt'}}});
			const times: number[] = [];
			for (let index = 2; index <= captures + 1; index++) {
				const t0 = performance.now();
				await session.addCapture(record(index));
				times.push(performance.now() - t0);
			}
			const {size} = await fs.stat(path.join(session.dir, 'session.json'));
			console.log(`transcript ${label.padStart(5)}: addCapture median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms; session.json ${size} bytes`);
		} finally {
			await session.dispose();
		}
	}
} finally {
	await fs.rm(root, {recursive: true, force: true});
}
