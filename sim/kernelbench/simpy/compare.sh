#!/usr/bin/env bash
# Measures dctwin's kernel and SimPy on the same three models in one go, on this machine,
# and prints one table: per model, dctwin's process and callback styles and SimPy's
# process style in events per second of wall time, and their ratios.
#
# Each round runs `dctwin bench kernel --json` and then models.py (the same models in
# SimPy, see its header), one after the other, never at the same time; the table gives
# the median over the rounds and the range. The header says when, on which machine, with
# which Go, dctwin commit, SimPy and Python.
#
# Usage: sim/kernelbench/simpy/compare.sh [-n ROUNDS] [--quick] [-o DIR]
#   -n ROUNDS  rounds to run (default 3)
#   --quick    a tenth of the work on both sides, for a smoke test
#   -o DIR     keep each round's JSON lines in DIR (default: a temporary folder, removed)
# PYTHON names the Python that has SimPy (default /usr/bin/python3, where Debian's
# python3-simpy3 installs SimPy 3.0.11; any SimPy 3.0.11 or 4.x will do, a source tree
# too, with PYTHONPATH=TREE/src).
#
# Not part of CI: nothing in `go test ./...` or .ci/run calls it, and dctwin needs no Python.
set -euo pipefail

rounds=3
quick=()
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    -n) rounds="${2:?-n needs a number}"; shift 2 ;;
    --quick) quick=(--quick); shift ;;
    -o) out="${2:?-o needs a folder}"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$rounds" in ''|*[!0-9]*|0) echo "compare.sh: -n wants a whole number of rounds, 1 or more" >&2; exit 2 ;; esac

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."

python="${PYTHON:-/usr/bin/python3}"
if ! "$python" -c 'import simpy' 2>/dev/null; then
  echo "compare.sh: $python cannot import simpy; install Debian's python3-simpy3, or set PYTHON to a Python that has SimPy" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -z "$out" ]; then
  out="$work/runs"
fi
mkdir -p "$out"
rm -f "$out"/dctwin-*.jsonl "$out"/simpy-*.jsonl

echo "building dctwin" >&2
go build -o "$work/dctwin" ./cmd/dctwin

# Other work on the machine slows either side; the load averages say how busy it was
# (the rounds themselves add about 1 to the one after).
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$rounds"); do
  echo "round $i/$rounds: dctwin" >&2
  "$work/dctwin" bench kernel --json "${quick[@]}" >"$out/dctwin-$i.jsonl"
  echo "round $i/$rounds: SimPy" >&2
  "$python" "$here/models.py" "${quick[@]}" >"$out/simpy-$i.jsonl"
done

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then commit="$commit (with changes)"; fi
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(uname -sm); load average $load_before before, $load_after after"
echo "dctwin: commit $commit, $(go version | cut -d' ' -f3-)"
"$python" "$here/table.py" "$out"
