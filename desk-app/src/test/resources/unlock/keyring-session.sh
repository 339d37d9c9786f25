#!/bin/sh
# Run as: dbus-run-session -- sh keyring-session.sh ENV_FILE [keyring|no-keyring]
# Inside a private D-Bus session, starts an unlocked gnome-keyring daemon (Secret Service only) whose login
# keyring is made with, or unlocked by, $KEYRING_PASSWORD under the caller's throw-away HOME/XDG dirs. Then
# writes the session's environment (the bus address and whatever the daemon prints) as KEY=VALUE lines to
# ENV_FILE and stays until its stdin is closed; dbus-run-session then ends the bus, and the daemon with it.
# "no-keyring" leaves the daemon out: a session bus with no Secret Service running on it.
set -eu
out=$1
mode=${2:-keyring}
: > "$out.daemon"
if [ "$mode" = keyring ]; then
  printf '%s' "${KEYRING_PASSWORD:?KEYRING_PASSWORD is not set}" \
    | gnome-keyring-daemon --unlock --components=secrets > "$out.daemon"
fi
{
  echo "DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS"
  cat "$out.daemon"
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "keyring-session: ready ($mode)"
cat > /dev/null
echo "keyring-session: stdin closed, ending the session"
