#!/usr/bin/env bash
# The TUI as a person uses it: starts `dctwin` in a real terminal (tmux), presses keys
# with a person's pauses, reads the screen. Run by .ci/run; needs tmux (installed
# from Debian if missing and we may).
#
#   bash scripts/tui-tmux-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq tmux >/dev/null
  else
    echo "tui-tmux-test: tmux is missing (apt-get install tmux)"; exit 1
  fi
fi

work=$(mktemp -d)
sock="$work/tmux.sock"
bin="$work/dctwin"
go build -o "$bin" ./cmd/dctwin
t() { tmux -S "$sock" "$@"; }
cleanup() { t kill-server 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT

screen() { t capture-pane -p -t tui; }
fail() {
  echo "tui-tmux-test: $1"; echo "--- screen:"; screen; exit 1
}
# wait_for TEXT [SECONDS]: poll the screen until it shows TEXT.
wait_for() {
  local deadline=$((SECONDS + ${2:-10}))
  while [ $SECONDS -lt $deadline ]; do
    if screen | grep -qF -- "$1"; then return 0; fi
    sleep 0.1
  done
  fail "the screen never showed: $1"
}
# press KEY...: one key at a time, as a person types.
press() {
  for k in "$@"; do t send-keys -t tui "$k"; sleep 0.15; done
}
# type TEXT: the characters of a command line.
typ() { t send-keys -t tui -l "$1"; sleep 0.15; }

cd "$work"
t new-session -d -s tui -x 100 -y 30 "TERM=xterm-256color $bin; echo EXIT=\$?; sleep 600"

echo "== the TUI opens on teaming-lab, on the teamed server"
wait_for "dctwin ▸ teaming-lab"
wait_for "▶ running"
wait_for "srv-1  host"
press Space
wait_for "⏸ paused"

echo "== fail the active NIC at 5 s by key"
typ ":goto 5s"; press Enter
wait_for "t = 00:00:05.000"
press j
wait_for "srv-1:eth0  NIC"
press f
wait_for "fail srv-1:eth0"
press Enter
wait_for "srv-1:eth0 failed (nic) at 5.000 s"
typ ":goto 6s"; press Enter
wait_for "t = 00:00:06.000"
wait_for "Failovers (1)"
screen | grep -qF "miimon" || fail "the failover row does not name miimon"
screen | grep -qF "◆eth1" || fail "the team's active member is not eth1"
screen | grep -qF "was (until 5.000 s)" || fail "the path pane does not show the old path"

echo "== the chain of events of the failover"
press Tab Enter
wait_for "Chain of events"
wait_for "team switchover"
press Escape
sleep 0.3

echo "== help"
press '?'
wait_for "fail later"
press Escape
sleep 0.3

echo "== back to before the failure"
for _ in 1 2 3 4 5 6; do press b; sleep 0.2; done
wait_for "Failovers (0)"
screen | head -1 | grep -qF "t = 00:00:04.999" || fail "b did not go back to just before 5 s"

echo "== save, quit, replay"
typ ":save $work/session.yaml"; press Enter
wait_for "saved $work/session.yaml"
press q
wait_for "EXIT=0"
"$bin" run "$work/session.yaml" > "$work/report.txt"
grep -qF "nic srv-1:eth0 at 5.000 s (manual)" "$work/report.txt" || { cat "$work/report.txt"; echo "the saved session lacks the failure"; exit 1; }

echo "== too small, then large again"
t kill-session -t tui
t new-session -d -s tui -x 100 -y 30 "$bin tui classic-dc --paused --log $work/tui.log; echo EXIT=\$?; sleep 600"
wait_for "dctwin ▸ classic-dc"
t resize-window -t tui -x 50 -y 10
wait_for "terminal too small (need 60×16, have 50×10)"
t resize-window -t tui -x 80 -y 24
wait_for "Topology"
press q
wait_for "EXIT=0"

echo "== a scenario that does not load: positioned error, non-zero exit, no screen taken"
printf 'version: 1\ntopology:\n  switches: [\n' > "$work/bad.yaml"
t kill-session -t tui
t new-session -d -s tui -x 100 -y 30 "$bin tui $work/bad.yaml; echo EXIT=\$?; sleep 600"
wait_for "EXIT=1"
screen | grep -qF "bad.yaml:" || fail "no positioned error"

echo "tui-tmux-test: ok"
