package tui

import (
	"testing"

	"dctwin/twin"
)

// TestOutageSummaryVMsDown: the failover table's VM part. While a hung web-1 is
// down, no VM is back and there is no outage to measure: "VMs 1/1 down", not
// "VMs 0 µs ×0, 1 down" (what a vm-hang of web-1 in classic-dc showed). With one of
// two back after 94.3 s: its outage, one VM, one still down.
func TestOutageSummaryVMsDown(t *testing.T) {
	back := 94300.0
	for _, c := range []struct {
		vms  []twin.VMOutageResult
		want string
	}{
		{[]twin.VMOutageResult{{VM: "web-1"}}, "none; VMs 1/1 down"},
		{[]twin.VMOutageResult{{VM: "web-1", OutageMs: &back, Mechanism: "HA restart"}, {VM: "pbx-a"}},
			"none; VMs 94.3 s ×1, 1 down HA restart"},
		{[]twin.VMOutageResult{{VM: "web-1", OutageMs: &back, Mechanism: "HA restart"}},
			"none; VMs 94.3 s ×1 HA restart"},
	} {
		if got := outageSummary(twin.FailureResult{VMs: c.vms}); got != c.want {
			t.Errorf("outageSummary(%d VMs) = %q, want %q", len(c.vms), got, c.want)
		}
	}
}
