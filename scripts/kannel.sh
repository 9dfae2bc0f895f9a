#!/usr/bin/env bash
# Prints the directory holding Kannel's bearerbox and smsbox (an ESME we did not write, used by the
# SMPP server's interoperability tests), installing Debian's kannel with apt-get when it is missing.
# Exits non-zero, saying why, when it cannot be installed: those tests must fail, not skip.
set -euo pipefail
find_dir() {
  for dir in /usr/sbin /usr/local/sbin /usr/bin /sbin; do
    if [ -x "$dir/bearerbox" ] && [ -x "$dir/smsbox" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}
if ! find_dir >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[smsgate] installing kannel (bearerbox, smsbox) with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kannel >&2
  else
    echo "[smsgate] Kannel's bearerbox and smsbox are missing: install Debian's kannel (apt-get install kannel)" >&2
    exit 1
  fi
fi
find_dir || { echo "[smsgate] kannel installed but bearerbox/smsbox are missing" >&2; exit 1; }
