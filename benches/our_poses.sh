#!/usr/bin/env bash
# Our pose stage's landmarks (image and world, `thrustline pose --world`) for every shared clip,
# into POSES_DIR; kept for re-runs unless the binary is newer. Used by benches/sensitivity.sh and
# benches/views.sh. Usage: bash benches/our_poses.sh POSES_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/footage
poses=$1
mkdir -p "$poses"
cargo build --release --quiet
for clip in "$shared"/*.mp4; do
  out="$poses/$(basename "$clip" .mp4).json"
  # The landmarks depend only on the clip and the pose stage: reuse them unless the binary is newer.
  if [ ! -s "$out" ] || [ target/release/thrustline -nt "$out" ]; then
    ./target/release/thrustline pose --world -o "$out.tmp" "$clip" >/dev/null 2>"$poses/pose.log" \
      || { cat "$poses/pose.log" >&2; exit 1; }
    mv "$out.tmp" "$out"
  fi
done
