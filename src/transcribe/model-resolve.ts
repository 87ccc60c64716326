import {open, readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {appDirs, type XdgEnv} from '../util/app-dirs.js';
import {defaultModelName, findKnownModel} from './model-catalog.js';
import {TranscriptionError} from './transcription-error.js';

/** A model to load: a short name for the manifest and the file. */
export type ResolvedModel = {
	/** e.g. `base.en` (or the file's name without `ggml-`/`.bin` when given as a path). */
	readonly name: string;
	readonly path: string;
};

/** `$XDG_DATA_HOME/omega13/models`, or `OMEGA13_MODELS_DIR`. */
export const modelsDir = (env: XdgEnv = process.env): string => {
	const override = env['OMEGA13_MODELS_DIR'];
	return override !== undefined && override.length > 0 ? path.resolve(override) : path.join(appDirs(env).data, 'models');
};

const modelNamePattern = /^[A-Za-z\d][\w.-]*$/;

export const isModelName = (value: string): boolean => modelNamePattern.test(value) && !value.endsWith('.bin');

/** The file name a model name is stored (and downloaded) under: `ggml-<name>.bin`. */
export const modelFileName = (name: string): string => `ggml-${name}.bin`;

/**
 * `--model` as given: a path (anything with a slash or ending in `.bin`) is used as it is; a name such
 * as `base.en` means `<models dir>/ggml-base.en.bin`. Does not look at the disk.
 */
export const resolveModel = (nameOrPath: string, env: XdgEnv = process.env): ResolvedModel => {
	if (typeof nameOrPath !== 'string' || nameOrPath.trim().length === 0) {
		throw new TypeError('resolveModel: a model name (e.g. base.en) or a path to a ggml .bin file is needed');
	}
	if (nameOrPath.includes('/') || nameOrPath.endsWith('.bin')) {
		const file = path.resolve(nameOrPath);
		const name = path.basename(file).replace(/^ggml-/, '').replace(/\.bin$/, '');
		return {name, path: file};
	}
	if (!isModelName(nameOrPath)) {
		throw new TypeError(`resolveModel: ${JSON.stringify(nameOrPath)} is not a model name (letters, digits, '.', '_' and '-', e.g. base.en)`);
	}
	return {name: nameOrPath, path: path.join(modelsDir(env), modelFileName(nameOrPath))};
};

/** whisper.cpp's GGML_FILE_MAGIC, 0x67676d6c, as the little-endian bytes at the start of a model. */
const ggmlMagic = Buffer.from('lmgg', 'latin1');

/**
 * Fails early, with what to do, when the model file is missing, empty or not a ggml file; whisper.cpp
 * would only say "failed to initialize whisper context".
 */
/**
 * What to do about a model file that is missing or broken: download it again when the catalog knows
 * its name; for any other file (`--model /path/bad1.bin`) there is nothing to download by that name.
 */
export const modelFix = (model: ResolvedModel): string =>
	findKnownModel(model.name) === undefined
		? `pass --model a whisper.cpp ggml model file, or a model name such as ${defaultModelName} (\`omega13 models download ${defaultModelName}\` fetches it; \`omega13 models\` lists what is installed)`
		: `run \`omega13 models download ${model.name}\` or pass --model PATH`;

export const checkModelFile = async (model: ResolvedModel): Promise<void> => {
	let size: number;
	try {
		const info = await stat(model.path);
		if (!info.isFile()) {
			throw new TranscriptionError('model-missing', `the model ${model.path} is not a file: pass --model with a ggml .bin file`);
		}
		size = info.size;
	} catch (error) {
		if (error instanceof TranscriptionError) {
			throw error;
		}
		throw new TranscriptionError('model-missing', `model not found at ${model.path}: ${modelFix(model)}`, {cause: error});
	}
	const head = Buffer.alloc(4);
	const file = await open(model.path, 'r');
	try {
		await file.read(head, 0, 4, 0);
	} finally {
		await file.close();
	}
	if (size < 4 || !head.equals(ggmlMagic)) {
		throw new TranscriptionError(
			'model-invalid',
			`${model.path} is not a valid whisper model (it does not start with the ggml magic; ${size} bytes): ${modelFix(model)}`,
		);
	}
};

/** Models in the models directory: `ggml-*.bin` files, by name. */
export const listInstalledModels = async (env: XdgEnv = process.env): Promise<ResolvedModel[]> => {
	const dir = modelsDir(env);
	let names: string[];
	try {
		names = await readdir(dir);
	} catch {
		return [];
	}
	return names
		.filter((name) => /^ggml-.+\.bin$/.test(name))
		.sort()
		.map((name) => ({name: name.slice(5, -4), path: path.join(dir, name)}));
};
