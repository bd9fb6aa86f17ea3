#!/usr/bin/env bash
# The project's test command: installs what is missing, then runs every test in the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
THRUSTLINE_SETUP_EXTRA=1 bash scripts/setup.sh
# The review page's browser test drives Chromium with playwright-core (no browser download):
# pinned by tests/browser/package-lock.json. Without Node.js that test says SKIP.
if command -v npm >/dev/null 2>&1 && [ ! -d tests/browser/node_modules/playwright-core ]; then
  npm ci --prefix tests/browser --silent --no-audit --no-fund >/dev/null \
    || echo "test: playwright-core could not be installed; the review page's browser test will say SKIP"
fi
cargo test --workspace --release --locked "$@"
