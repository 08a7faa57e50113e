#!/usr/bin/env bash
# slurm-start.sh DIR - a one-node Slurm cluster on loopback for tests: munged,
# one slurmctld and one slurmd (node "s3enode", 8 CPUs declared whatever the
# machine has), all state, sockets and logs under DIR. Prints the environment a
# client needs (SLURM_CONF=...). Ports: SLURMCTLD_PORT (16817), SLURMD_PORT (16818).
# Stop it with scripts/slurm-stop.sh DIR. Needs Debian's slurm-wlm and munge
# (scripts/install-deps.sh test); runs as root or as the user who owns DIR.
set -euo pipefail
dir=${1:?usage: slurm-start.sh DIR}
ctld_port=${SLURMCTLD_PORT:-16817}
slurmd_port=${SLURMD_PORT:-16818}
for t in munged mungekey slurmctld slurmd sinfo; do
  command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] ||
    { echo "slurm-start: $t is missing (scripts/install-deps.sh test)" >&2; exit 1; }
done
PATH=$PATH:/usr/sbin
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
chmod 0700 "$dir/munge"
user=$(id -un)

# munge: a fresh key, its socket in DIR
[ -s "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" 2>/dev/null ||
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$dir/munge/munge.key"
munged --foreground --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
  --seed-file="$dir/munge/munged.seed" </dev/null >>"$dir/log/munged.out" 2>&1 &
echo $! >"$dir/munged.pid"
for _ in $(seq 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done

cat >"$dir/slurm.conf" <<CONF
ClusterName=s3etest
SlurmctldHost=$(hostname)(127.0.0.1)
MailProg=/bin/true
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/state/slurmctld.pid
SlurmdPidFile=$dir/state/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
LaunchParameters=use_interactive_step
ReturnToService=2
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
KillWait=5
MinJobAge=300
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=s3enode NodeAddr=127.0.0.1 NodeHostname=$(hostname) CPUs=8 RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=s3enode Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8
CONF
export SLURM_CONF=$dir/slurm.conf
# in the foreground, in the background: their pids are the ones we record, and
# nothing of ours is held open (a caller reading our output would wait forever)
slurmctld -D -i -f "$SLURM_CONF" </dev/null >>"$dir/log/slurmctld.out" 2>&1 &
echo $! >"$dir/slurmctld.pid"
slurmd -D -f "$SLURM_CONF" -N s3enode </dev/null >>"$dir/log/slurmd.out" 2>&1 &
echo $! >"$dir/slurmd.pid"
# ready once the node is idle
for _ in $(seq 150); do
  state=$(sinfo -h -n s3enode -o %t 2>/dev/null || true)
  case $state in idle*|mix*|alloc*) break ;; esac
  sleep 0.2
done
case ${state:-} in
  idle*|mix*|alloc*) ;;
  *) echo "slurm-start: the node did not come up (state '${state:-none}'); logs in $dir/log" >&2
     tail -n 5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
     exit 1 ;;
esac
echo "SLURM_CONF=$SLURM_CONF"
