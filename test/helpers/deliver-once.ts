import {appendFileSync, existsSync} from 'node:fs';
import {TranscriptDelivery} from '../../src/transcribe/transcript-delivery.js';
import {waitUntil} from './wait-until.js';

/**
 * `node deliver-once.js TEXT GO_FILE SAID_FILE`: once GO_FILE exists, hands TEXT to `--type` from this
 * process (run inside a terminal window) and appends what it says to SAID_FILE.
 */
const [text = '', goFile = '', saidFile = ''] = process.argv.slice(2);
await waitUntil('the go file', () => existsSync(goFile), {timeoutMs: 60_000});
const delivery = new TranscriptDelivery({type: true, notify: false, say: line => appendFileSync(saidFile, `${line}\n`)});
await delivery.deliver(text);
await delivery.dispose();
appendFileSync(saidFile, 'done\n');
