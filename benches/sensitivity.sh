#!/usr/bin/env bash
# How small a fault the core sees (issue 24): our pose stage's landmarks (image and world) for
# every shared clip, then crates/thrustline-core/examples/sensitivity.rs injects each fault
# at growing sizes into the clean reps and prints the table in crates/thrustline-core/README.md.
# Usage: bash benches/sensitivity.sh [POSES_DIR]   (landmarks are kept there for re-runs)
# SENSITIVITY_VERBOSE=1 prints every size's tally on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/footage
poses=${1:-target/sensitivity-poses}
bash benches/our_poses.sh "$poses"
cargo build --release --quiet -p thrustline-core --example sensitivity
./target/release/examples/sensitivity "$poses" "$shared/LABELS.json"
