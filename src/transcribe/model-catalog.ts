/** A ggml model that `omega13 models download` knows how to check. */
export type KnownModel = {
	/** The name `--model` and `models download` take; the file is `ggml-<name>.bin`. */
	readonly name: string;
	readonly bytes: number;
	readonly sha256: string;
	/** Whether it only transcribes English (the `.en` models). */
	readonly englishOnly: boolean;
	/** `vad`: Silero, which finds speech; everything else transcribes. @default 'whisper' */
	readonly kind?: 'whisper' | 'vad';
	/** Another name `models download` accepts, e.g. `silero`. */
	readonly alias?: string;
	/** Where the file is fetched from, when not the whisper.cpp model repository. */
	readonly baseUrl?: string;
};

/**
 * Sizes and SHA-256 digests of the files at huggingface.co/ggerganov/whisper.cpp (and, for Silero,
 * huggingface.co/ggml-org/whisper-vad). whisper.cpp's own models/README.md gives only SHA-1 digests;
 * the SHA-256 values are the Hugging Face LFS object ids that several independent projects pin for the
 * same files, and they agree. The Silero file is byte for byte the one whisper.cpp keeps in its
 * repository for its VAD tests (our test fixture has the same digest). The two `for-tests-` files are
 * whisper.cpp's weightless CI models. Left out: quantized variants whose digests could not be checked
 * against two sources (tiny/base/small q5_1 and q8_0, medium q5_0).
 */
export const knownModels: readonly KnownModel[] = [
	{name: 'tiny', bytes: 77_691_713, sha256: 'be07e048e1e599ad46341c8d2a135645097a538221678b7acdd1b1919c6e1b21', englishOnly: false},
	{name: 'tiny.en', bytes: 77_704_715, sha256: '921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f', englishOnly: true},
	{name: 'base', bytes: 147_951_465, sha256: '60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe', englishOnly: false},
	{name: 'base.en', bytes: 147_964_211, sha256: 'a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002', englishOnly: true},
	{name: 'small', bytes: 487_601_967, sha256: '1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b', englishOnly: false},
	{name: 'small.en', bytes: 487_614_201, sha256: 'c6138d6d58ecc8322097e0f987c32f1be8bb0a18532a3f88f734d1bbf9c41e5d', englishOnly: true},
	{name: 'large-v3-turbo', bytes: 1_624_555_275, sha256: '1fc70f774d38eb169993ac391eea357ef47c88757ef72ee5943879b7e8e2bc69', englishOnly: false},
	{name: 'large-v3-turbo-q8_0', bytes: 874_188_075, sha256: '317eb69c11673c9de1e1f0d459b253999804ec71ac4c23c17ecf5fbe24e259a1', englishOnly: false},
	{name: 'large-v3-turbo-q5_0', bytes: 574_041_195, sha256: '394221709cd5ad1f40c46e6031ca61bce88931e6e088c188294c6d5a55ffa7e2', englishOnly: false},
	{
		name: 'silero-v6.2.0',
		alias: 'silero',
		kind: 'vad',
		bytes: 885_098,
		sha256: '2aa269b785eeb53a82983a20501ddf7c1d9c48e33ab63a41391ac6c9f7fb6987',
		englishOnly: false,
		baseUrl: 'https://huggingface.co/ggml-org/whisper-vad/resolve/main',
	},
	{name: 'for-tests-tiny', bytes: 575_451, sha256: 'c486fb9f14a28b1c1dc252741a431646cc573450c900b9d9c406e10294aa01e6', englishOnly: false},
	{name: 'for-tests-tiny.en', bytes: 586_836, sha256: 'dd6b7796204a1cdf7164666423034e6e1a7a3e9f5c22327b4b7974c4584bd82d', englishOnly: true},
];

/** A model by its name or alias (`silero`). */
export const findKnownModel = (name: string): KnownModel | undefined => knownModels.find((model) => model.name === name || model.alias === name);

/** Where `omega13 models download` fetches from: `<base>/ggml-<name>.bin`. Overridable with OMEGA13_MODELS_URL. */
export const defaultModelsBaseUrl = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main';

/** The model used when none is configured. */
export const defaultModelName = 'base.en';

/** The Silero VAD model used when it is in the models directory: whisper.cpp's own file name. */
export const sileroModelName = 'silero-v6.2.0';
