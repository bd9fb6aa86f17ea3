#!/usr/bin/env bash
# Live latency: plays shared clips as a camera (at their own frame rate) through
# `thrustline live --no-window` and prints capture -> overlay-ready latency percentiles and
# the frames dropped before inference (a growing queue would show as drops and a rising p99).
# Usage: bash benches/live_latency.sh [--model full|lite] [--threads N] [--load none|busy-core|analyze] [CLIP...]
# --load runs benches/load.py's competing load beside every clip.
set -euo pipefail
cd "$(dirname "$0")/.."
model=full
threads=1
load=none
while [ $# -gt 0 ]; do
  case $1 in
    --model) model=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --load) load=$2; shift 2 ;;
    *) break ;;
  esac
done
clips=("$@")
if [ ${#clips[@]} -eq 0 ]; then
  clips=(../shared/footage/hip_thrust_feet_normal.mp4 ../shared/footage/glute_bridge_dumbbell_6reps.mp4 ../shared/footage/hip_thrust_barbell_2reps.mp4)
fi
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Latency depends on the CPU: the figures carry the machine they came from.
echo "machine: $(python3 benches/machine.py)"
echo "load: $load; threads: $threads"
if [ "$load" != none ]; then
  python3 benches/load.py "$load" &
  load_pid=$!
  trap 'kill $load_pid 2>/dev/null; rm -rf "$tmp"' EXIT
  sleep 1
fi
printf "%-36s %6s %5s %6s %9s %9s %9s %8s\n" clip model fps every p50_ms p99_ms max_ms dropped
for c in "${clips[@]}"; do
  out="$tmp/$(basename "$c")"
  THRUSTLINE_DATA="$tmp/data" ./target/release/thrustline live "$c" --no-window --mute --no-log \
    --model "$model" --threads "$threads" --out "$out" >/dev/null 2>&1
  python3 - "$out" "$c" "$model" <<'PY'
import glob, json, os, subprocess, sys
out, clip, model = sys.argv[1:]
d = json.load(open(glob.glob(os.path.join(out, "*", "live.json"))[0]))
s = json.load(open(glob.glob(os.path.join(out, "*", "session.json"))[0]))
l = d["latency_capture_to_overlay_ms"]
print(f"{os.path.basename(clip):<36} {model:>6} {s['input']['fps']:5.0f} {d.get('analyzed_every_nth_frame', 1):6d} {l['p50_ms']:9.1f} {l['p99_ms']:9.1f} {l['max_ms']:9.1f} {d['frames_dropped_before_inference']:4d}/{d['frames_captured']}")
PY
done
