#!/usr/bin/env bash
# rgw-stop.sh - stop the daemons that rgw-start.sh started under DIR.
# Usage: rgw-stop.sh [DIR] [--wipe]     (DIR defaults to $RGW_DIR or /tmp/rgw-s3)
# Only kills the pids named in DIR/run/*.pid, and only if that process's command
# line still names DIR/ceph.conf (so a recycled pid is never hit).
# --wipe also deletes DIR (only if rgw-start.sh made it).
set -euo pipefail
D=${RGW_DIR:-/tmp/rgw-s3}
WIPE=
for a in "$@"; do
  case $a in --wipe) WIPE=1;; *) D=$a;; esac
done
case $D in /*) ;; *) D=$PWD/$D;; esac
if [ ! -f "$D/.throwaway-rgw" ]; then
  echo "rgw-stop: $D was not made by rgw-start.sh (no marker); nothing to do" >&2
  exit 0
fi

ourpid() { # pid from pid file if it is still our daemon
  local f="$D/run/$1.pid" p cl
  [ -s "$f" ] || return 1
  p=$(cat "$f")
  cl=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || return 1
  case $cl in *"$D/ceph.conf"*) echo "$p" ;; *) return 1 ;; esac
}

# running = exists and is not a zombie (PID 1 may reap orphans late)
alive() {
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# radosgw first, then the OSD, then the monitor. The OSD gets SIGKILL at once
# because its data is throwaway. radosgw can hang on SIGTERM when the OSD is
# already gone, so after 5s it gets SIGKILL too.
for name in client.rgw.a osd.0 mon.a; do
  p=$(ourpid "$name") || { rm -f "$D/run/$name.pid"; continue; }
  if [ "$name" = osd.0 ]; then sig=KILL; else sig=TERM; fi
  kill -s "$sig" "$p" 2>/dev/null || true
  for _ in $(seq 1 50); do alive "$p" || break; sleep 0.1; done
  if alive "$p"; then
    echo "rgw-stop: $name (pid $p) still running 5s after SIG$sig, sending SIGKILL" >&2
    kill -s KILL "$p" 2>/dev/null || true
    for _ in $(seq 1 50); do alive "$p" || break; sleep 0.1; done
  fi
  rm -f "$D/run/$name.pid"
  echo "rgw-stop: stopped $name (pid $p)" >&2
done
rm -f "$D/ready"
if [ -n "$WIPE" ]; then
  rm -rf "${D:?}"
  echo "rgw-stop: removed $D" >&2
fi
