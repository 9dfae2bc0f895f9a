#!/usr/bin/env bash
# npm run bench [-- name ...]: performance figures, printed (never asserted). Runs every bench/*.mjs
# (or those whose names contain one of the given words). Uses its own infrastructure instance
# (.local/bench-infra, free ports).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node_modules
build
cd "$ROOT"
for bench in bench/*.mjs; do
  name="$(basename "$bench" .mjs)"
  case "$name" in lib | smsc-simulator | smsgate-smpp) continue ;; esac # helpers, not benchmarks
  if [ $# -gt 0 ]; then
    wanted=false
    for word in "$@"; do [[ "$name" == *"$word"* ]] && wanted=true; done
    $wanted || continue
  fi
  log "bench: $name"
  node "$bench"
done
