/**
 * whisper.cpp 1.5.0's `server` answers `/inference` with `{"text": ...}` only: the segment times the
 * transcript JSON needs are lost. Later whisper.cpp servers answer `response-format=verbose_json` with
 * OpenAI-style segments (start/end in seconds); this patch adds that answer to the 1.5.0 source we build,
 * so the kept-loaded server gives the same transcript as a process run. A server that does not know
 * verbose_json (an unpatched one given by URL) still works: we fall back to its plain text.
 */

/** Written into the build stamp: a different patch means a rebuild. */
export const serverPatchId = 'omega13-verbose-json-1';

const anchor = '        // TODO add more output formats\n';

const addition = `        else if (params.response_format == vjson_format)
        {
            // ${serverPatchId}: segments with times, as later whisper.cpp servers answer
            json segments = json::array();
            const int n_segments = whisper_full_n_segments(ctx);
            for (int i = 0; i < n_segments; ++i)
            {
                segments.push_back(json{
                    {"id", i},
                    {"text", whisper_full_get_segment_text(ctx, i)},
                    {"start", whisper_full_get_segment_t0(ctx, i) * 0.01},
                    {"end", whisper_full_get_segment_t1(ctx, i) * 0.01},
                });
            }
            json jres = json{
                {"task", params.translate ? "translate" : "transcribe"},
                {"language", whisper_lang_str(whisper_full_lang_id(ctx))},
                {"duration", float(pcmf32.size()) / WHISPER_SAMPLE_RATE},
                {"text", output_str(ctx, params, pcmf32s)},
                {"segments", segments},
            };
            res.set_content(jres.dump(-1, ' ', false, json::error_handler_t::replace),
                            "application/json");
        }
`;

/** The patched `examples/server/server.cpp`; throws if the source is not the one the patch was made for. */
export const patchServerSource = (source: string): string => {
	if (source.includes(serverPatchId)) {
		return source;
	}
	const at = source.indexOf(anchor);
	if (at === -1 || !source.includes('const std::string vjson_format')) {
		throw new Error('the whisper.cpp server source is not the 1.5.0 one this omega13 knows how to patch');
	}
	return source.slice(0, at) + addition + source.slice(at);
};
