#!/usr/bin/env bash
# Issue 24: how the judgement holds on footage worse than the shared clips. Makes copies of every
# shared clip (ffmpeg) shrunk to half size in the frame, compressed at CRF 38, resampled to
# 20 fps, dimmed under sensor noise, turned 5° and 12° (a camera not level), and played at half
# speed and 1.6× (a slow lifter, a quick one: the tempo faults may then differ), held by a
# swaying hand (handheld: up to 3 % of the frame and 1.5° inside a 10 % zoom; shaky: 9 % and 4°,
# the picture shrunk inside a border so the body is never cut off), runs
# `thrustline analyze` on each and prints, per copy, every clip whose rep count differs from
# LABELS.json or whose raised faults differ from the original clip's.
#
#   bash benches/degraded.sh [KIND ...]      (default: all kinds; about 20 minutes on 2 cores)
#
# Needs ffmpeg, a release build (`cargo build --release`) and ../shared beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-../shared}"
OUT="target/degraded"
declare -A FILTERS=(
  [small]="scale=trunc(iw/4)*2:trunc(ih/4)*2,pad=iw*2:ih*2:(ow-iw)/2:(oh-ih)/3"
  [crf38]="null"
  [fps20]="fps=20"
  [dark]="eq=brightness=-0.25:contrast=0.6,noise=alls=12:allf=t"
  [turned5]="rotate=5*PI/180:fillcolor=black"
  [turned12]="rotate=12*PI/180:fillcolor=black"
  [slow]="setpts=2*PTS"
  [fast]="setpts=PTS/1.6"
  # A phone held by hand: a slow sway of up to 3 % of the frame and 1.5° of roll, and a quick
  # shake on top (periods 0.4-4.3 s), inside a 10 % zoom so the edges stay filled.
  [handheld]="scale=trunc(iw*1.1/2)*2:trunc(ih*1.1/2)*2,rotate='(1.5*sin(2*PI*t/3.7)+0.4*sin(2*PI*t/0.45))*PI/180':fillcolor=black,crop=trunc(iw/1.1/2)*2:trunc(ih/1.1/2)*2:'(iw-ow)/2*(1+0.6*sin(2*PI*t/2.9)+0.15*sin(2*PI*t/0.37))':'(ih-oh)/2*(1+0.6*sin(2*PI*t/4.3+1)+0.15*sin(2*PI*t/0.41))'"
  # ... and a shakier hand: up to 9 % of the frame and 4° of roll, the picture shrunk to 80 %
  # inside a black border so the body is never cut off.
  [shaky]="split[a][b];[a]drawbox=c=black:t=fill[bg];[b]rotate='(3*sin(2*PI*t/3.7)+1*sin(2*PI*t/0.45))*PI/180':fillcolor=black,scale=trunc(iw*0.4)*2:trunc(ih*0.4)*2[fg];[bg][fg]overlay='(W-w)/2*(1+0.7*sin(2*PI*t/2.9)+0.2*sin(2*PI*t/0.37))':'(H-h)/2*(1+0.7*sin(2*PI*t/4.3+1)+0.2*sin(2*PI*t/0.41))'"
)
kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(small crf38 fps20 dark turned5 turned12 slow fast handheld shaky)
echo "machine: $(python3 benches/machine.py)"
run() {
  local kind=$1 dir=$2
  shift 2
  rm -rf "$OUT/out-$kind"
  target/release/thrustline analyze --quiet --no-log --no-video --out "$OUT/out-$kind" "$dir"/*.mp4 >/dev/null
}
mkdir -p "$OUT/orig"
ln -sf "$(realpath "$SHARED")"/footage/*.mp4 "$OUT/orig/"
run orig "$OUT/orig"
for kind in "${kinds[@]}"; do
  filter="${FILTERS[$kind]:?unknown kind $kind}"
  crf=20
  [ "$kind" = crf38 ] && crf=38
  mkdir -p "$OUT/$kind"
  for f in "$SHARED"/footage/*.mp4; do
    dst="$OUT/$kind/$(basename "$f")"
    # Played slower or faster, at the clip's own frame rate (frames repeated or dropped).
    rate=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$f")
    [ -f "$dst" ] || ffmpeg -loglevel error -y -i "$f" -vf "$filter" -r "$rate" -an -c:v libx264 \
      -preset veryfast -crf "$crf" -threads 1 -pix_fmt yuv420p "$dst"
  done
  run "$kind" "$OUT/$kind"
done
python3 - "$SHARED/footage/LABELS.json" "$OUT" "${kinds[@]}" <<'PY'
import json, os, sys
labels, out, kinds = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3:]
def result(kind, clip):
    s = json.load(open(os.path.join(out, f"out-{kind}", clip[:-4], "session.json")))
    faults = sorted({f"{j['id']}@{r['index']}" for r in s["reps"] for j in r["judgements"] if j["verdict"] == "raised"})
    return len(s["reps"]), faults, [w["id"] for w in s["warnings"]]
for kind in kinds:
    differ = 0
    for clip in sorted(labels):
        want = labels[clip]["reps"]
        n, faults, warns = result(kind, clip)
        _, orig_faults, _ = result("orig", clip)
        if n != want or faults != orig_faults:
            differ += 1
            print(f"{kind:8} {clip[:-4]:46} reps {n}/{want}  faults {faults or '-'} (original {orig_faults or '-'})  warnings {warns or '-'}")
    print(f"{kind:8} {len(labels) - differ} of {len(labels)} clips as the labels and the original")
PY
