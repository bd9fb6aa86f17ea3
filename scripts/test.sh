#!/usr/bin/env bash
# The project's test command: installs what is missing, then runs every test in the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
THRUSTLINE_SETUP_EXTRA=1 bash scripts/setup.sh
cargo test --workspace --release --locked "$@"
