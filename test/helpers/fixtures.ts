import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** Compiled to dist/test/helpers/fixtures.js: the repository is three levels up. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Data files the tests read, kept in the repository (licences in each folder's README). */
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
/** 11 s of real speech, 16 kHz mono 16-bit (whisper.cpp's samples/jfk.wav). */
export const jfkWav = path.join(fixturesDir, 'audio', 'jfk.wav');
/** whisper.cpp's weightless tiny.en: runs the whole pipeline, transcribes nothing. */
export const testModel = path.join(fixturesDir, 'models', 'for-tests-ggml-tiny.en.bin');
/** Silero VAD v6.2.0 in ggml form, real weights. */
export const sileroModel = path.join(fixturesDir, 'models', 'for-tests-silero-v6.2.0-ggml.bin');
