#!/usr/bin/env bash
# rgw-start.sh - throwaway single-node Ceph RGW (S3 endpoint) on loopback.
#
# Brings up, under one directory, a Ceph monitor, one OSD (memstore by
# default: all data in RAM) and radosgw (beast frontend), all bound to
# 127.0.0.1, with no ceph-mgr, then creates one S3 user with fixed keys.
# Needs: scripts/install-deps.sh test (radosgw ceph-mon ceph-osd ceph-common curl uuid-runtime)
#
# Usage: rgw-start.sh [DIR]          (DIR defaults to $RGW_DIR or /tmp/rgw-s3)
#        rgw-stop.sh  [DIR] [--wipe]
# Environment (all optional):
#   RGW_PORT=7480          S3 port (beast, 127.0.0.1 only)
#   MON_PORT=3300          monitor port (msgr2, 127.0.0.1 only)
#   RGW_OBJECTSTORE=memstore   or "bluestore" (data in a sparse file DIR/osd.0.block)
#   RGW_STORE_GB=16        capacity the OSD reports (memstore: RAM cap; bluestore: file size)
#   RGW_ACCESS_KEY=rgwtestaccesskey000001  RGW_SECRET_KEY=rgwtestsecretkey0000000000000000000001
#   RGW_TIMEOUT=180        seconds to wait for each daemon before giving up
#   RGW_KEEP_ON_FAIL=1     leave the half-started daemons running when start fails
#   RGW_EXTRA_CONF="k = v" extra lines for the [global] section of ceph.conf
# Idempotent: if DIR already holds a healthy instance started with the same
# settings, it only prints the endpoint again. Otherwise the processes named in
# DIR's pid files are stopped, DIR is wiped (only if it is empty or was created
# by this script) and everything starts fresh.
# On success prints shell assignments (eval-able) and writes them to DIR/env.
set -euo pipefail

D=${1:-${RGW_DIR:-/tmp/rgw-s3}}
RGW_PORT=${RGW_PORT:-7480}
MON_PORT=${MON_PORT:-3300}
OBJSTORE=${RGW_OBJECTSTORE:-memstore}
STORE_GB=${RGW_STORE_GB:-16}
AK=${RGW_ACCESS_KEY:-rgwtestaccesskey000001}
SK=${RGW_SECRET_KEY:-rgwtestsecretkey0000000000000000000001}
TMO=${RGW_TIMEOUT:-180}
MARKER=.throwaway-rgw
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
log() { echo "[rgw-start +$(elapsed)s] $*" >&2; }
STEP=init
DYING=
LASTERR=
STARTED=  # set once this run has wiped DIR and may have started daemons
die() {
  DYING=1
  echo "rgw-start: ERROR during step '$STEP': $*" >&2
  if [ -n "$STARTED" ]; then
    for f in "$D"/log/*.log "$D"/log/daemons.out; do
      [ -s "$f" ] || continue
      echo "----- last lines of $f -----" >&2
      tail -n 20 "$f" >&2 || true
    done
    if [ -z "${RGW_KEEP_ON_FAIL:-}" ]; then
      "$HERE/rgw-stop.sh" "$D" >&2 || true
    fi
  fi
  exit 1
}
trap 'LASTERR="line $LINENO: $BASH_COMMAND"' ERR
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; if [ $rc -ne 0 ] && [ -z "$DYING" ]; then die "exit status $rc after: ${LASTERR:-?}"; fi' EXIT

case $OBJSTORE in memstore|bluestore) ;; *) STEP=args; die "RGW_OBJECTSTORE must be memstore or bluestore, not '$OBJSTORE'";; esac
case $D in /*) ;; *) D=$PWD/$D;; esac
case $D in *[[:space:]]*) STEP=args; die "DIR must not contain whitespace: '$D'";; esac
case $RGW_PORT$MON_PORT$STORE_GB$TMO in *[!0-9]*) STEP=args; die "RGW_PORT, MON_PORT, RGW_STORE_GB, RGW_TIMEOUT must be numbers";; esac

STEP=check-tools
missing=
for t in ceph ceph-mon ceph-osd ceph-authtool monmaptool radosgw radosgw-admin curl uuidgen timeout; do
  command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -z "$missing" ] || die "missing commands:$missing
  install with: scripts/install-deps.sh test
  (or: apt-get update && apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd ceph-common curl uuid-runtime)"

C=(-c "$D/ceph.conf")
# one 'ceph' CLI call, bounded in time
cephq() { timeout 30 ceph "${C[@]}" --connect-timeout 15 "$@"; }
pidof_name() { # pid from a daemon pid file, only if that process still runs with our conf
  local f="$D/run/$1.pid" p cl
  [ -s "$f" ] || return 1
  p=$(cat "$f")
  cl=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || return 1
  case $cl in *"$D/ceph.conf"*) echo "$p" ;; *) return 1 ;; esac
}
s3_ok() { # a SigV4-signed ListBuckets with the test user's keys
  # curl does not add x-amz-content-sha256 itself; RGW needs it for SigV4
  curl -fsS -o /dev/null --max-time 5 --aws-sigv4 "aws:amz:us-east-1:s3" -u "$AK:$SK" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "http://127.0.0.1:$RGW_PORT/" 2>/dev/null
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# launch NAME CMD...: run a ceph daemon in the foreground (-f), in its own session,
# detached from our stdin/stdout, and record its pid in DIR/run/NAME.pid
launch() {
  local name=$1
  shift
  setsid "$@" -f </dev/null >>"$D/log/daemons.out" 2>&1 &
  echo $! >"$D/run/$name.pid"
  disown $! 2>/dev/null || true
}
# wait_until WHAT DAEMON CHECK...: poll CHECK every 0.5s for up to $TMO seconds,
# failing at once if DAEMON (a pid file name) has exited
wait_until() {
  local what=$1 daemon=$2 deadline=$((SECONDS + TMO))
  shift 2
  until "$@"; do
    if [ -n "$daemon" ] && ! pidof_name "$daemon" >/dev/null; then
      die "$daemon exited while waiting for: $what (see $D/log/$daemon.log)"
    fi
    [ $SECONDS -lt $deadline ] || die "timed out after ${TMO}s waiting for: $what"
    sleep 0.5
  done
}
print_env() {
  cat <<EOF
RGW_ENDPOINT=http://127.0.0.1:$RGW_PORT
AWS_ACCESS_KEY_ID=$AK
AWS_SECRET_ACCESS_KEY=$SK
AWS_DEFAULT_REGION=us-east-1
RGW_DIR=$D
EOF
}
PARAMS="port=$RGW_PORT mon=$MON_PORT store=$OBJSTORE gb=$STORE_GB ak=$AK sk=$SK extra=${RGW_EXTRA_CONF:-}"

# ---- already running? -------------------------------------------------------
STEP=reuse-check
if [ -f "$D/$MARKER" ] && [ -f "$D/ready" ] && [ "$(cat "$D/params" 2>/dev/null)" = "$PARAMS" ] \
   && pidof_name mon.a >/dev/null && pidof_name osd.0 >/dev/null && pidof_name client.rgw.a >/dev/null \
   && s3_ok; then
  log "already running in $D"
  print_env
  exit 0
fi

# ---- fresh directory ----------------------------------------------------------
STEP=prepare-dir
if [ -e "$D" ]; then
  if [ -f "$D/$MARKER" ]; then
    "$HERE/rgw-stop.sh" "$D" >&2
    rm -rf "${D:?}"/* "${D:?}"/.[!.]*
  elif [ -n "$(ls -A "$D")" ]; then
    die "$D exists, is not empty and was not made by this script; refusing to wipe it"
  fi
fi
mkdir -p "$D"/{mon.a,osd.0,run,log,crash,rgw}
touch "$D/$MARKER"
STARTED=1
echo "$PARAMS" >"$D/params"

STEP=check-ports
for p in "$MON_PORT" "$RGW_PORT"; do
  port_busy "$p" && die "port 127.0.0.1:$p is already in use (set MON_PORT / RGW_PORT)"
done

FSID=$(uuidgen)
OSD_UUID=$(uuidgen)
STORE_BYTES=$((STORE_GB * 1024 * 1024 * 1024))
cat >"$D/ceph.conf" <<EOF
# generated by rgw-start.sh: throwaway, loopback only
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$MON_PORT
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr1 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $D/keyring
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
crash dir = $D/crash
mon cluster log file = $D/log/cluster.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon data avail warn = 2
mon data avail crit = 1
auth allow insecure global id reclaim = false
# commit monitor changes every 0.1s instead of 1s: radosgw creates ~6 pools at start
paxos propose interval = 0.1
${RGW_EXTRA_CONF:-}
[mon]
mon data = $D/mon.\$id
[osd]
osd data = $D/osd.\$id
osd objectstore = $OBJSTORE
memstore device bytes = $STORE_BYTES
bluestore block path = $D/osd.\$id.block
bluestore block create = true
bluestore block size = $STORE_BYTES
bluestore block db create = false
bluestore block wal create = false
osd memory target = 1073741824
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $D/rgw
rgw gc obj min wait = 60
rgw gc processor period = 60
EOF

# ---- keys: one keyring for every entity; the monitor imports all of it at mkfs
STEP=keyring
K=$D/keyring
ceph-authtool --create-keyring "$K" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$K" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
  --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
ceph-authtool "$K" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap mgr 'allow profile osd' \
  --cap osd 'allow *' >/dev/null
ceph-authtool "$K" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx' \
  --cap mgr 'allow rw' >/dev/null

# ---- monitor ------------------------------------------------------------------
STEP=mon
monmaptool --create --add a "v2:127.0.0.1:$MON_PORT" --fsid "$FSID" "$D/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$D/monmap" --keyring "$K" >"$D/log/mon-mkfs.out" 2>&1 \
  || die "ceph-mon --mkfs failed: $(cat "$D/log/mon-mkfs.out")"
launch mon.a ceph-mon "${C[@]}" -i a
mon_ok() { cephq mon stat >/dev/null 2>&1; }
wait_until "monitor to answer" mon.a mon_ok
log "monitor up (pid $(pidof_name mon.a))"

# ---- OSD ----------------------------------------------------------------------
STEP=osd
id=$(cephq osd new "$OSD_UUID")
[ "$id" = 0 ] || die "expected osd id 0, got '$id'"
ceph-osd "${C[@]}" -i 0 --mkfs --osd-uuid "$OSD_UUID" >"$D/log/osd-mkfs.out" 2>&1 \
  || die "ceph-osd --mkfs failed: $(tail -n 20 "$D/log/osd-mkfs.out")"
launch osd.0 ceph-osd "${C[@]}" -i 0
osd_up() { local j; j=$(cephq osd dump -f json 2>/dev/null) || return 1; case $j in *'"up":1'*) return 0 ;; esac; return 1; }
wait_until "osd.0 to be up" osd.0 osd_up
log "osd.0 up ($OBJSTORE, pid $(pidof_name osd.0))"

# ---- radosgw ------------------------------------------------------------------
STEP=radosgw
launch client.rgw.a radosgw "${C[@]}" -n client.rgw.a
http_ok() { curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$RGW_PORT/" 2>/dev/null; }
wait_until "radosgw to answer HTTP on 127.0.0.1:$RGW_PORT" client.rgw.a http_ok
log "radosgw up on 127.0.0.1:$RGW_PORT (pid $(pidof_name client.rgw.a))"

# ---- S3 user ------------------------------------------------------------------
STEP=s3-user
timeout 120 radosgw-admin "${C[@]}" user create --uid=test --display-name="S3 test user" \
  --access-key="$AK" --secret-key="$SK" >"$D/log/user-create.out" 2>&1 \
  || die "radosgw-admin user create failed: $(cat "$D/log/user-create.out")"
wait_until "a SigV4-signed request with the new keys to succeed" client.rgw.a s3_ok
touch "$D/ready"
print_env >"$D/env"
log "ready: first signed S3 request succeeded"
print_env
