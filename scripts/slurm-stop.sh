#!/usr/bin/env bash
# slurm-stop.sh DIR [--wipe] - stop what scripts/slurm-start.sh DIR started
# (by the pids it recorded) and, with --wipe, remove DIR.
set -uo pipefail
dir=${1:?usage: slurm-stop.sh DIR [--wipe]}
stop_pid() {  # PIDFILE NAME
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  # gone, or a zombie (a container's init may not reap daemons)
  for _ in $(seq 50); do
    case $(ps -o stat= -p "$pid" 2>/dev/null) in ''|Z*) return 0 ;; esac
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
}
stop_pid "$dir/slurmd.pid" slurmd
stop_pid "$dir/slurmctld.pid" slurmctld
stop_pid "$dir/munged.pid" munged
[ "${2:-}" = --wipe ] && rm -rf "$dir"
exit 0
