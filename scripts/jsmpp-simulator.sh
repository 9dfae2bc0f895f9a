#!/usr/bin/env bash
# Prints the Java classpath of jsmpp's SMPPServerSimulator (an SMSC we did not write, used by the
# submit → receipt interoperability test), fetching it from Maven Central into .local/jsmpp-lib once.
# Installs Java and Maven with apt-get when missing (as root on Debian); exits non-zero saying why
# when it cannot, so the test fails rather than skips.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIB="$ROOT/.local/jsmpp-lib"
say() { echo "[smsgate] $*" >&2; }
# shellcheck source=apt.sh
source "$ROOT/scripts/apt.sh"
if [ ! -f "$LIB/.complete" ]; then
  command -v java >/dev/null || apt_install openjdk-17-jre-headless || { say "Java 17+ is required (apt-get install openjdk-17-jre-headless)"; exit 1; }
  command -v mvn >/dev/null || apt_install maven || { say "Maven is required (apt-get install maven)"; exit 1; }
  say "fetching org.jsmpp:jsmpp-examples from Maven Central into .local/jsmpp-lib (once)"
  rm -rf "$LIB"
  mvn -q -B -f "$ROOT/scripts/infra/jsmpp-pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$LIB" -DincludeScope=runtime >&2 || { say "Maven could not fetch org.jsmpp:jsmpp-examples"; exit 1; }
  touch "$LIB/.complete"
fi
command -v java >/dev/null || { say "Java 17+ is required"; exit 1; }
echo "$LIB/*"
