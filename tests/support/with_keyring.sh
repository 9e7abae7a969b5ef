#!/bin/sh
# Runs "$@" inside a throw-away, headless Secret Service: a private D-Bus session
# (dbus-run-session) with gnome-keyring-daemon, HOME and the XDG directories in a temporary
# directory that is removed afterwards. No X11, no TTY needed. Exit status is the command's.
#
#   with_keyring.sh [MODE] COMMAND [ARGS...]
#
# MODE (default: the login keyring is created and unlocked with a fixed test password, and the
# default collection is checked to be unlocked, because --unlock exits 0 even on failure):
#   --no-login-keyring  session bus and gnome-keyring (D-Bus activated), but no login keyring
#   --no-provider       session bus without any .service files: nobody provides the Secret Service
#
# Needs dbus-daemon (dbus-run-session), gnome-keyring, libglib2.0-bin (gdbus), libsecret-tools.
set -eu
mode=unlocked
case "${1:-}" in
  --no-login-keyring) mode=no-login-keyring; shift ;;
  --no-provider) mode=no-provider; shift ;;
esac
if [ "$#" -eq 0 ]; then
  echo "usage: with_keyring.sh [--no-login-keyring|--no-provider] COMMAND [ARGS...]" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/eigen-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -m 700 "$tmp/run"
export HOME="$tmp" XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" \
  XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache"
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS

set +e
case "$mode" in
  unlocked)
    dbus-run-session -- sh -c '
      printf "%s" "test-keyring-password" |
        gnome-keyring-daemon --unlock --components=secrets >/dev/null
      locked=$(gdbus call --session -d org.freedesktop.secrets \
        -o /org/freedesktop/secrets/aliases/default \
        -m org.freedesktop.DBus.Properties.Get org.freedesktop.Secret.Collection Locked)
      if [ "$locked" != "(<false>,)" ]; then
        echo "with_keyring.sh: the default collection is not unlocked: $locked" >&2
        exit 1
      fi
      "$@"' sh "$@"
    ;;
  no-login-keyring)
    dbus-run-session -- "$@"
    ;;
  no-provider)
    cat >"$tmp/session.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
    dbus-run-session --config-file="$tmp/session.conf" -- "$@"
    ;;
esac
rc=$?
exit "$rc"
