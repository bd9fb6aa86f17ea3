#!/usr/bin/env bash
# Real motion from other camera positions (issue 24): our pose stage's landmarks (image and
# world) for every shared clip, then crates/thrustline-core/examples/views.rs turns each clip's
# world landmarks to a virtual camera (raised, low, yawed, at either end), projects them back
# into the picture and prints the core's count, faults and warnings against LABELS.json, with a
# per-camera summary at the end (core README, "Other camera positions").
# Usage: bash benches/views.sh [POSES_DIR]   (landmarks are kept there for re-runs)
# VIEWS_TRACE="CLIP CAMERA" (e.g. "glute_bridge_side_5reps raised 45°") traces one run's readings.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/footage
poses=${1:-target/sensitivity-poses}
mkdir -p "$poses"
cargo build --release --quiet
cargo build --release --quiet -p thrustline-core --example views
for clip in "$shared"/*.mp4; do
  out="$poses/$(basename "$clip" .mp4).json"
  # The landmarks depend only on the clip and the pose stage: reuse them unless the binary is newer.
  if [ ! -s "$out" ] || [ target/release/thrustline -nt "$out" ]; then
    ./target/release/thrustline pose --world -o "$out.tmp" "$clip" >/dev/null 2>"$poses/pose.log" \
      || { cat "$poses/pose.log" >&2; exit 1; }
    mv "$out.tmp" "$out"
  fi
done
./target/release/examples/views "$poses" "$shared/LABELS.json"
