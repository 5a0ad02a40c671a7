package twin

import (
	"fmt"
	"sort"
	"strings"

	"dctwin/failures"
	"dctwin/sim"
)

// VMOutageResult is a VM that stopped running while a failure was the latest one: how
// long it did not run and what brought it back (an HA restart on another host, its
// host coming back). Times are from the failure; OutageMs is null while the VM has
// not run again.
type VMOutageResult struct {
	VM          string   `json:"vm"`
	Host        string   `json:"host"`
	Cause       string   `json:"cause"`
	DownAfterMs float64  `json:"down_after_ms"`
	OutageMs    *float64 `json:"outage_ms"`
	ResumedOn   string   `json:"resumed_on,omitempty"`
	Mechanism   string   `json:"mechanism,omitempty"`
	// BootMs is the part of the outage the VM spent booting (a restart's boot time).
	BootMs float64 `json:"boot_ms,omitempty"`
	// HostBootMs is the part of the outage the host it came back on spent booting out
	// of DPM standby, when DPM woke it at HA's request.
	HostBootMs float64 `json:"host_boot_ms,omitempty"`
	// CutOff names the port groups the host it came back on lacks (those vNICs reach
	// nothing: the cluster's "uniform network connectivity" was not).
	CutOff []string `json:"cut_off_port_groups,omitempty"`
	// Stalled marks an outage that began with the VM's disk I/O stalling (no storage
	// path carried it); the VM may have been restarted elsewhere since.
	Stalled bool `json:"stalled,omitempty"`
	// NotStarted is why the last attempt to bring it back failed.
	NotStarted string `json:"not_started_because,omitempty"`
}

// maxVMOutagesKept bounds the VM outages a run keeps for its report, so that a long
// run with random host failures holds bounded memory; later ones are not itemized.
const maxVMOutagesKept = 10000

// vmOutagesOf lists the VM outages that began while fr's failure was the latest one
// injected: from its injection until the next failure's.
func (tw *Twin) vmOutagesOf(fr failures.FailureReport, next sim.Time) []VMOutageResult {
	f := fr.Failure
	var out []VMOutageResult
	// The outages are in the order they began: from the first at or after the failure.
	first := sort.Search(len(tw.vmOutages), func(i int) bool { return tw.vmOutages[i].Down >= f.At })
	for _, o := range tw.vmOutages[first:] {
		if o.Down >= next {
			break
		}
		if o.Planned {
			continue // DRS's or DPM's own migration: the migrations section lists it
		}
		r := VMOutageResult{VM: o.VM, Host: o.Host, Cause: o.Cause, DownAfterMs: ms(o.Down - f.At),
			ResumedOn: o.ResumedOn, Mechanism: o.Mechanism, BootMs: ms(o.BootedFor), HostBootMs: ms(o.WokenBoot), CutOff: o.CutOff, Stalled: o.Stalled, NotStarted: o.NotStarted}
		if o.Up != sim.Never {
			r.OutageMs = msPtr(o.Up - o.Down)
		}
		out = append(out, r)
	}
	return out
}

// withVMOutages adds to each failure result the VM outages it caused.
func (tw *Twin) withVMOutages(frs []failures.FailureReport, res []FailureResult) {
	for i, fr := range frs {
		next := sim.Never
		if i+1 < len(frs) {
			next = frs[i+1].Failure.At
		}
		res[i].VMs = tw.vmOutagesOf(fr, next)
		res[i].Isolated = tw.isolationsOf(fr, next)
		res[i].VMClusters = tw.serviceOutagesOf(fr, next)
	}
}

// writeVMOutages prints a failure's VM outages, one line each.
func writeVMOutages(b *strings.Builder, vms []VMOutageResult) {
	for _, v := range vms {
		if v.OutageMs == nil {
			down, why := "down", ""
			if v.Stalled {
				down = "stalled"
			}
			if v.NotStarted != "" {
				why = ": " + v.NotStarted
			}
			fmt.Fprintf(b, "  VM:         %s %s on %s (%s), not running again by the end of the run%s\n", v.VM, down, v.Host, v.Cause, why)
			continue
		}
		how := v.Mechanism
		if v.ResumedOn != v.Host {
			how += " on " + v.ResumedOn
		}
		switch {
		case v.HostBootMs > 0:
			how += fmt.Sprintf(" after DPM woke it, of it %s the host's boot and %s the VM's", fmtOffset(sim.Milliseconds(v.HostBootMs)),
				fmtOffset(sim.Milliseconds(v.BootMs)))
		case v.BootMs > 0:
			how += fmt.Sprintf(", of it %s booting", fmtOffset(sim.Milliseconds(v.BootMs)))
		}
		if len(v.CutOff) > 0 {
			how += fmt.Sprintf("; but %s has no %s: cut off there", v.ResumedOn, strings.Join(v.CutOff, ", "))
		}
		down := "down"
		if v.Stalled {
			down = "stalled, down" // its I/O stalled: the guest waited, serving nothing
		}
		fmt.Fprintf(b, "  VM:         %s %s %s: %s\n", v.VM, down, fmtOffset(sim.Milliseconds(*v.OutageMs)), how)
	}
}
