#!/bin/sh
# Rebuilds omega13-demo.wav, the built-in demo input (48 kHz mono 16-bit, about 8 s, looped by the demo
# source). Needs espeak-ng and sox. Deterministic: sox's noise uses a fixed seed (-R).
#
# Layout: a soft two-note chime, the spoken sentence, then a short pause. Under everything a quiet
# room tone (about -54 dBFS), so the loop never hands the silence gate (-60 dBFS) digital silence.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

espeak-ng -v en-us -s 150 -w "$work/speech.wav" \
	"This is the omega thirteen demo source. Press space to capture the last thirteen seconds."
sox -R "$work/speech.wav" -r 48000 -c 1 -b 16 "$work/speech48.wav" rate -v norm -3
speech_len=$(soxi -D "$work/speech48.wav")

# Chime: E5 then A5, each with a soft attack and a long release.
sox -R -n -r 48000 -c 1 -b 16 "$work/note1.wav" synth 0.45 sine 659.25 fade q 0.01 0.45 0.4 gain -20
sox -R -n -r 48000 -c 1 -b 16 "$work/note2.wav" synth 0.7 sine 880 fade q 0.01 0.7 0.6 gain -20
sox -R "$work/note1.wav" "$work/note2.wav" "$work/chime.wav"
sox -R -n -r 48000 -c 1 -b 16 "$work/gap1.wav" trim 0 0.35
sox -R -n -r 48000 -c 1 -b 16 "$work/gap2.wav" trim 0 0.9
sox -R "$work/gap1.wav" "$work/chime.wav" "$work/gap1.wav" "$work/speech48.wav" "$work/gap2.wav" "$work/voice.wav"

total=$(soxi -D "$work/voice.wav")
sox -R -n -r 48000 -c 1 -b 16 "$work/room.wav" synth "$total" pinknoise lowpass 3000 gain -46
sox -R -m -v 1 "$work/voice.wav" -v 1 "$work/room.wav" -b 16 "$here/omega13-demo.wav" fade q 0.02 "$total" 0.02 dither -s
echo "wrote $here/omega13-demo.wav ($(soxi -D "$here/omega13-demo.wav") s, speech $speech_len s)"
