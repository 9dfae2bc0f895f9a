# apt_install: installs Debian packages when this shell may (root, apt-get there); returns non-zero otherwise,
# so the caller says what is missing. Sourced by lib.sh, infra.sh and jsmpp-simulator.sh.
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
APT_UPDATED=0
apt_install() {
  can_apt || return 1
  if [ $APT_UPDATED = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}
