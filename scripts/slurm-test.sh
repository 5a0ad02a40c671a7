#!/usr/bin/env bash
# An experiment on a real Slurm: start a one-node Slurm cluster from Debian's packages
# (installed if missing), run a built-in experiment locally and as an array job of
# three tasks (dctwin experiment slurm --submit), merge the shards, and check that the
# merged runs.csv equals the local run's byte for byte; then stop the daemons.
#
# What works on these machines (measured; see the project's notes on Slurm): munged
# as the munge user, localhost everywhere, no cgroups or accounting, the node's CPU
# layout from slurmd -C, batch_sched_delay=0, polling squeue rather than sbatch
# --wait. Everything lives in one temporary directory: configuration, state, logs,
# munge's socket; ports are chosen per run (SLURM_TEST_PORT sets the first of two).
# Only the daemons this script started are stopped, by the PIDs in its pid files.
#
# Needs root (to install the packages and run slurmd). KEEP=1 keeps the directory.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "slurm-test: $*"; }

work=$(mktemp -d /tmp/dctwin-slurm.XXXXXX)
chmod 0711 "$work"   # munge must reach its own subdirectory

stop_daemons() {
  local f pid
  for f in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || continue
    # Gone, or a zombie waiting for its parent (state Z), counts as stopped.
    for _ in $(seq 50); do
      state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
      [ -z "$state" ] || [[ "$state" == Z* ]] && break
      sleep 0.1
    done
  done
}
cleanup() {
  local status=$?
  stop_daemons
  if [ "$status" -ne 0 ]; then
    for log in "$work"/slurmctld.log "$work"/slurmd.log "$work"/munge/munged.log "$work"/job/slurm-*.out; do
      [ -f "$log" ] && { echo "--- $log"; tail -20 "$log"; }
    done
  fi
  if [ "${KEEP:-}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
  say "needs root (apt-get, slurmd); skipped"; exit 1
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurmctld slurmd slurm-client munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

bin="$work/dctwin"
go build -o "$bin" ./cmd/dctwin

# munge: its own socket, pid file, log and seed under the work directory.
install -d -o munge -g munge -m 0711 "$work/munge"   # clients need x on the socket directory
runuser -u munge -- /usr/sbin/munged --socket="$work/munge/munge.sock" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed"

port=${SLURM_TEST_PORT:-$((20000 + RANDOM % 20000))}
node=$(slurmd -C | head -1 | sed -e 's/^NodeName=[^ ]*/NodeName=localhost NodeAddr=127.0.0.1/')
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<EOF
ClusterName=dctwin-test
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MpiDefault=none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
$node
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld -c -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N localhost
for i in $(seq 150); do
  [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
  [ "$i" = 150 ] && { say "the node did not become idle"; sinfo || true; exit 1; }
  sleep 0.2
done
say "one-node Slurm up (ports $port, $((port + 1)))"

experiment=teaming-modes
args=(--replications 2)
"$bin" experiment run "$experiment" "${args[@]}" --workers 2 --out "$work/local" >/dev/null 2>&1
out=$("$bin" experiment slurm "$experiment" "${args[@]}" --tasks 3 --out "$work/job" --dctwin "$bin" --submit)
job=$(sed -n 's/^submitted job \([0-9]*\).*/\1/p' <<<"$out")
[ -n "$job" ] || { say "no job id in: $out"; exit 1; }
say "submitted array job $job (3 tasks)"
for i in $(seq 600); do
  [ -z "$(squeue -h -j "$job" -t PENDING,RUNNING,CONFIGURING,COMPLETING 2>/dev/null)" ] && break
  [ "$i" = 600 ] && { say "job $job did not finish in 5 minutes"; squeue -t all; exit 1; }
  sleep 0.5
done
states=$(squeue -h -t all -j "$job" -o '%i %T' | sort)
echo "$states" | sed 's/^/  /'
if [ "$(grep -c ' COMPLETED$' <<<"$states")" != 3 ]; then
  say "not every task completed"; exit 1
fi

"$bin" experiment merge "$work"/job/shard-* --out "$work/job/merged" >/dev/null
if ! cmp "$work/local/runs.csv" "$work/job/merged/runs.csv"; then
  say "the merged runs.csv differs from the local run's"; exit 1
fi
say "ok: $(($(wc -l <"$work/local/runs.csv") - 1)) rows; the array job's merged runs.csv equals the local run's"
