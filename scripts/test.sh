#!/usr/bin/env bash
# npm test: installs, builds, then lint, typecheck and unit tests (Nx targets), then integration and
# end-to-end tests against the test instance of Kafka and PostgreSQL (started on free ports in
# .local/test-infra by the suites' global set-up; stopped again when CI=true).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false FORCE_COLOR=0

ensure_node_modules
ensure_kustomize
ensure_helm
ensure_promtool
ensure_chromium
ensure_openssl
cd "$ROOT"
RESULTS="$LOCAL/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

if [ "${CI:-}" = true ]; then
  trap 'SMSGATE_INFRA_DIR="$LOCAL/test-infra" bash scripts/infra.sh down >/dev/null 2>&1 || true' EXIT
fi

log "build"
build
log "format, lint, typecheck, unit tests"
npx prettier --check . --log-level warn
npx nx run-many -t lint typecheck --outputStyle=stream
# Every test stage runs even when an earlier one failed, so one run shows everything that is wrong.
status=0
npx jest -c jest.config.js --selectProjects unit --json --outputFile="$RESULTS/unit.json" || status=1
log "integration tests (real Kafka and PostgreSQL)"
npx jest -c jest.config.js --selectProjects integration --runInBand --forceExit --json --outputFile="$RESULTS/integration.json" || status=1
log "end-to-end tests (services as processes)"
npx jest -c jest.config.js --selectProjects e2e --runInBand --forceExit --json --outputFile="$RESULTS/e2e.json" || status=1

node -e '
  const fs = require("fs"); let passed = 0, failed = 0, skipped = 0;
  for (const f of fs.readdirSync(process.argv[1]).filter((name) => name.endsWith(".json"))) {
    const r = JSON.parse(fs.readFileSync(`${process.argv[1]}/${f}`, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$RESULTS"
exit $status
