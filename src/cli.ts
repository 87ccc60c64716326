#!/usr/bin/env node
import {main} from './cli/main.js';

// Past the file size limit (ulimit -f) the signal would kill us mid-capture; ignored, the write fails
// with EFBIG instead, and that is reported and the file closed at its last good frame.
process.on('SIGXFSZ', () => undefined);

process.exitCode = await main(process.argv.slice(2));
