# Shared by start.sh, test.sh and bench.sh.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
mkdir -p "$LOCAL"

# shellcheck source=apt.sh
source "$ROOT/scripts/apt.sh"

log() { printf '\033[1m[smsgate]\033[0m %s\n' "$*" >&2; }

# Installs npm dependencies when node_modules is missing or older than the lock file.
ensure_node_modules() {
  command -v node >/dev/null || { log "Node.js 20.19+ is required (https://nodejs.org or apt-get install nodejs)"; exit 1; }
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "installing npm dependencies"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# deploy/test renders the Kubernetes overlays with kustomize v5: kubectl's built-in one when kubectl is
# there, else a kustomize built from the Go module proxy into .local/bin (needs Go).
KUSTOMIZE_VERSION=v5.5.0
ensure_kustomize() {
  if command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then return; fi
  [ -x "$LOCAL/bin/kustomize" ] && return
  command -v go >/dev/null || { log "kubectl or Go is needed to render deploy/kubernetes (apt-get install golang-go)"; exit 1; }
  log "building kustomize $KUSTOMIZE_VERSION into .local/bin (no kubectl here)"
  mkdir -p "$LOCAL/bin"
  GOBIN="$LOCAL/bin" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
}

# deploy/test lints and renders the Helm chart (deploy/helm/smsgate) with helm built from its Go module.
HELM_VERSION=v4.3.2
ensure_helm() {
  [ -x "$LOCAL/bin/helm" ] && return
  command -v go >/dev/null || { log "Go is needed to build helm for deploy/test (apt-get install golang-go)"; exit 1; }
  log "building helm $HELM_VERSION into .local/bin"
  mkdir -p "$LOCAL/bin"
  GOBIN="$LOCAL/bin" GOFLAGS=-mod=mod go install "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
}

# deploy/test checks the alert rules with promtool, which Debian's prometheus package ships.
# A Debian package's command the tests need, installed with apt-get when missing (as root on Debian).
ensure_apt_command() {
  local command="$1" package="$2" why="$3"
  command -v "$command" >/dev/null && return
  log "installing $command (apt-get install $package)"
  apt_install "$package" || { log "$command is needed $why: apt-get install $package"; exit 1; }
}
# promtool checks deploy/observability's alert rules; chromium is the real browser of the pages' tests.
ensure_promtool() { ensure_apt_command promtool prometheus "to check deploy/observability"; }
ensure_chromium() { ensure_apt_command chromium chromium "to test the pages (/docs) in a real browser"; }
# openssl makes the certificates of the TLS tests (SMPP over TLS).
ensure_openssl() { ensure_apt_command openssl openssl "to make the TLS tests' certificates"; }

# Secrets for a local gateway: generated on first run, kept in .local (git-ignored).
ensure_local_secrets() {
  local file="$LOCAL/secrets.env"
  if [ ! -f "$file" ]; then
    umask 077
    {
      echo "ADMIN_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '+/=')"
      echo "SECRETS_KEY=$(head -c 32 /dev/urandom | base64)"
    } >"$file"
  fi
  set -a
  # shellcheck disable=SC1090
  source "$file"
  set +a
}

build() {
  (cd "$ROOT" && node scripts/build.mjs >/dev/null)
}
