#!/usr/bin/env bash
# Prints the path of Kannel's drive_smpp (a fake SMSC used by the SMPP interoperability test),
# installing Debian's kannel-extras with apt-get when it is missing. Exits non-zero, saying why, when
# it cannot be installed: the interoperability test must fail, not skip.
set -euo pipefail
DRIVER=/usr/lib/kannel/test/drive_smpp
if [ ! -x "$DRIVER" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[smsgate] installing kannel-extras (drive_smpp) with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kannel-extras >&2
  else
    echo "[smsgate] $DRIVER is missing: install Debian's kannel-extras (apt-get install kannel-extras)" >&2
    exit 1
  fi
fi
[ -x "$DRIVER" ] || { echo "[smsgate] kannel-extras installed but $DRIVER is missing" >&2; exit 1; }
echo "$DRIVER"
