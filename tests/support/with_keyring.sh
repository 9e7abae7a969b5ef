#!/bin/sh
# Runs "$@" inside a throw-away, headless Secret Service (dbus-run-session + gnome-keyring-daemon),
# with HOME and the XDG directories pointing at a temporary directory that is removed afterwards.
# The login keyring is created and unlocked with a fixed test password; exit 1 if it stays locked.
# Needs: dbus-daemon (dbus-run-session), gnome-keyring, libglib2.0-bin (gdbus), libsecret-tools.
# See /work/shared/notes/keychain.md for where this recipe comes from.
set -eu
if [ "$#" -eq 0 ]; then
  echo "usage: with_keyring.sh COMMAND [ARGS...]" >&2
  exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/eigen-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -m 700 "$tmp/run"
export HOME="$tmp" XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" \
  XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache"
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
# Not exec: the trap must run to remove $tmp.
set +e
dbus-run-session -- sh -c '
  printf "%s" "test-keyring-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  locked=$(gdbus call --session -d org.freedesktop.secrets \
    -o /org/freedesktop/secrets/aliases/default \
    -m org.freedesktop.DBus.Properties.Get org.freedesktop.Secret.Collection Locked)
  if [ "$locked" != "(<false>,)" ]; then
    echo "with_keyring.sh: the default collection is still locked ($locked)" >&2
    exit 1
  fi
  "$@"' sh "$@"
rc=$?
exit "$rc"
