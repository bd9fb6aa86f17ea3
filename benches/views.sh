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
bash benches/our_poses.sh "$poses"
cargo build --release --quiet -p thrustline-core --example views
./target/release/examples/views "$poses" "$shared/LABELS.json"
