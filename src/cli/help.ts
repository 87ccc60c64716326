/** The help text is the specification of the command line: every flag the parser accepts is here. */
export const helpText = `
  omega13: always keeps the last 13 seconds; a trigger saves a file that starts in the past

  Usage
    $ omega13 [options]            the terminal UI (needs a terminal)
    $ omega13 --headless [options] no UI: one line per event, for services and scripts
    $ omega13 toggle               start a capture, or stop the one running, in the running omega13
    $ omega13 start | stop         start or stop a capture (no change if already so)
    $ omega13 status [--json]      what the running omega13 is doing
    $ omega13 save-last SECONDS    save just the last SECONDS held in memory as a capture (no live tail)
    $ omega13 inputs save          remember what feeds in_1..in_N now; restored at every start and
                                   whenever those ports appear (unless --connect is given)
    $ omega13 config [--json]      the settings in effect and where each came from
    $ omega13 config init          write a commented starting config file (never overwrites one)
    $ omega13 sessions             list sessions: date, captures, length, transcripts done/failed
    $ omega13 sessions show ID     a session's captures with their transcripts (ID, its start, or "last")
    $ omega13 sessions export ID --to DIR [--format md|json|srt]
                                   copy a session's audio and transcripts to DIR
    $ omega13 doctor               check JACK, ports, X display, whisper, model, disk, permissions
    $ omega13 setup                build whisper.cpp for transcription (else done at the first use)
    $ omega13 transcribe SESSION [CAPTURE]
                                   transcribe a session's captures again (SESSION: a directory,
                                   a session id or its start, or "last"; CAPTURE: a number, or "all")
    $ omega13 models               the whisper models installed
    $ omega13 models download NAME fetch a model (tiny.en, base.en, small.en, ...) with its checksum

  Options (each may also be set in $XDG_CONFIG_HOME/omega13/config.json; flags win)
    --config FILE              Settings file  [default: $XDG_CONFIG_HOME/omega13/config.json]
    --headless                 Run without the terminal UI
    --jack-name NAME           JACK client name; also names the control socket  [default: omega13]
    --channels N               Input ports in_1..in_N, 1 to 8  [default: 2]
    --buffer-seconds S         Seconds of audio kept in memory, 1 to 1800  [default: 13]
    --sessions-dir DIR         Where session directories go  [default: $XDG_DATA_HOME/omega13/sessions]
    --connect PORT             Connect this JACK output port to the next input (in_1, in_2, ...);
                               repeat for each input. "none" leaves the inputs unconnected.
                               [default: the physical capture ports]
    --silence-threshold DB     Refuse a capture when every input's peak is below this, in dBFS,
                               -120 to 0, or "off"  [default: -60]
    --silence-window S         How much recent input the silence gate looks at, 0.05 to 10 s  [default: 0.5]
    --sample-format FORMAT     WAV samples: float32, int24 or int16  [default: float32]
    --format FORMAT            Keep captures as wav, flac (lossless; needs flac) or opus (small, for
                               speech; needs opusenc): written as WAV, encoded once transcribed  [default: wav]
    --file-naming NAMING       sequential (001.wav) or timestamp (PREFIXYYYYMMDD_HHMMSS.wav)  [default: sequential]
    --file-prefix PREFIX       Start of timestamp file names  [default: omega13_]
    --source SOURCE            auto (JACK when a server runs, else the built-in demo), jack, demo,
                               or file:PATH (loop a WAV file, in real time)  [default: auto]
    --hotkey KEY               Global hotkey (X11) that toggles a capture, e.g. ctrl+alt+space, F9,
                               ctrl+shift+r; "off" for none  [default: ctrl+alt+space]
    --json                     With status: print it as JSON (for bars and widgets)
    --no-transcribe            Do not transcribe captures when they end
    --model NAME|FILE          Whisper model: a name (see omega13 models) or a ggml .bin file  [default: base.en]
    --engine-url URL           Send captures to this whisper.cpp server or OpenAI-compatible
                               /v1/audio/transcriptions URL instead of running whisper.cpp here
    --clipboard                Copy each new transcript to the clipboard (wl-copy or xclip)
    -h, --help                 Show this help
    -v, --version              Show the version

  With sessions export: --to DIR (required) and --format md|json|srt  [default: md]

  Commands talk to the running instance over a unix socket in $XDG_RUNTIME_DIR/omega13
  (pass the same --jack-name to reach an instance started with one).

  Exit codes: 0 done; 1 failed (no JACK server, no running instance, ...); 2 bad command line or config file.

  Examples
    $ omega13 --headless --connect system:capture_1
    $ omega13 toggle
`;
