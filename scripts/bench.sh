#!/usr/bin/env bash
# npm run bench: performance figures, printed (never asserted). Uses its own infrastructure instance
# (.local/bench-infra, free ports).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node_modules
build
cd "$ROOT"
node bench/inbound-receive.mjs
node bench/send-dispatch.mjs
node bench/smpp-submit.mjs
node bench/smpp-e2e.mjs
