#!/usr/bin/env bash
# npm run faults [-- word ...]: the fault suite (faults/run.mjs) against the real stack: SIGKILL of each
# service, Kafka killed, PostgreSQL stopped, the SMSC killed, the aggregator answering 500, each under
# single-message load; prints accepted / final / lost / duplicates / 5xx / recovery per scenario. Runs
# the scenarios whose names contain one of the given words (default all). Uses its own infrastructure
# instance (.local/faults-infra, free ports).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node_modules
build
cd "$ROOT"
node faults/run.mjs "$@"
