package twin

import (
	"fmt"
	"strings"

	"dctwin/failures"
	"dctwin/sim"
	"dctwin/topology/ha"
)

// Host isolation. A failure of kind host-isolation takes a hypervisor's VMkernel
// management interface down while the host and its VMs run on: its HA heartbeats and
// the pings of its isolation address go out on that interface, so the host hears no
// other agent and reaches no isolation address, and the others stop hearing it. Its
// physical NICs, its VMs' port groups and its datastore stay up: the master sees it
// alive by its heartbeat datastore (when the cluster has them) and leaves it to its
// own isolation response (reference-facts §6.1: a slave declares itself isolated
// 30 s after its last heartbeat, a master 5 s; the response follows after the 30 s
// policy delay). FT logging over the management network (no ft.logging_vlan) is cut
// with it. The response powers FT primaries off as well: their secondaries take over
// where they are still in lockstep (ft.go), else HA restarts them.

// ManagementInterface is the trace record of a host's management interface going down
// or coming back (a failure of kind host-isolation and its repair).
type ManagementInterface struct {
	Host string
	Up   bool
}

// Subject names the host.
func (r ManagementInterface) Subject() string { return r.Host }

// String implements sim.Record.
func (r ManagementInterface) String() string {
	if r.Up {
		return "management VMkernel interface up again"
	}
	return "management VMkernel interface down: HA heartbeats and isolation pings stop, the host and its VMs run on"
}

// isolate applies a failure of kind host-isolation, or its repair.
func (tw *Twin) isolate(host string, fail bool) error {
	h := tw.Topology.Host(host)
	if h == nil || !h.IsHypervisor() {
		return fmt.Errorf("%q is not a hypervisor: only a hypervisor has a management VMkernel interface", host)
	}
	if fail == tw.mgmtCut[host] {
		return nil
	}
	if fail && tw.hostDown[host] {
		return fmt.Errorf("host %s is not running", host)
	}
	if fail {
		tw.mgmtCut[host] = true
	} else {
		delete(tw.mgmtCut, host)
	}
	tw.Sim.Report(ManagementInterface{Host: host, Up: !fail})
	tw.haChanged()
	tw.ftChanged()
	return nil
}

// isolation is a host's isolation as the report tells it.
type isolation struct {
	host      string
	at        sim.Time
	response  ha.Response
	vms       []string // the VMs on it when it declared itself isolated
	responded sim.Time // when the response was applied (sim.Never: not applied)
	affected  int
	ended     sim.Time
}

// watchIsolations keeps the HA agents' isolation records for the report, and notes on
// a VM's outage why HA could not restart it.
func (tw *Twin) watchIsolations() {
	open := func(host string) *isolation {
		for i := len(tw.isolations) - 1; i >= 0; i-- {
			if iso := tw.isolations[i]; iso.host == host && iso.ended == sim.Never {
				return iso
			}
		}
		return nil
	}
	tw.Sim.AddObserver(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		switch r := r.(type) {
		case ha.HostIsolated:
			iso := &isolation{host: r.Host, at: at, response: r.Response, responded: sim.Never, ended: sim.Never}
			for _, v := range tw.vmsOn(r.Host) {
				iso.vms = append(iso.vms, v.VM)
			}
			if len(tw.isolations) < maxVMOutagesKept {
				tw.isolations = append(tw.isolations, iso)
			}
		case ha.IsolationResponseApplied:
			if iso := open(r.Host); iso != nil {
				iso.responded, iso.affected = at, r.VMs
			}
		case ha.IsolationEnded:
			if iso := open(r.Host); iso != nil {
				iso.ended = at
			}
		case ha.VMRestartFailed:
			tw.notStarted(r.VM, "HA restart attempt "+fmt.Sprint(r.Attempt)+" failed: "+r.Reason)
		}
	}))
}

// IsolationResult is a host that declared itself isolated while a failure was the
// latest one: when (from the failure), its isolation response, and what the response
// did to its VMs (the VM lines say where they ran again).
type IsolationResult struct {
	Host     string   `json:"host"`
	AfterMs  float64  `json:"after_ms"`
	Response string   `json:"response"`
	VMs      []string `json:"vms"`
	// RespondedAfterMs is when the response was applied (null: not applied, as with
	// leave-powered-on, or the isolation ended first); Affected counts the VMs it
	// powered off or shut down.
	RespondedAfterMs *float64 `json:"responded_after_ms"`
	Affected         int      `json:"affected,omitempty"`
	EndedAfterMs     *float64 `json:"ended_after_ms"`
}

// isolationsOf lists the isolations declared while fr's failure was the latest one.
func (tw *Twin) isolationsOf(fr failures.FailureReport, next sim.Time) []IsolationResult {
	f := fr.Failure
	var out []IsolationResult
	for _, iso := range tw.isolations {
		if iso.at < f.At || iso.at >= next {
			continue
		}
		r := IsolationResult{Host: iso.host, AfterMs: ms(iso.at - f.At), Response: string(iso.response), VMs: iso.vms, Affected: iso.affected}
		if iso.responded != sim.Never {
			r.RespondedAfterMs = msPtr(iso.responded - f.At)
		}
		if iso.ended != sim.Never {
			r.EndedAfterMs = msPtr(iso.ended - f.At)
		}
		out = append(out, r)
	}
	return out
}

// writeIsolations prints a failure's isolated hosts, one line each.
func writeIsolations(b *strings.Builder, isos []IsolationResult) {
	for _, iso := range isos {
		vms := "no VMs"
		if len(iso.VMs) > 0 {
			vms = strings.Join(iso.VMs, ", ")
		}
		fmt.Fprintf(b, "  isolated:   %s after %s (hears no HA agent, cannot ping its isolation address; running %s); ",
			iso.Host, fmtOffset(sim.Milliseconds(iso.AfterMs)), vms)
		switch {
		case iso.RespondedAfterMs != nil:
			vms := fmt.Sprintf("%d VMs", iso.Affected)
			if iso.Affected == 1 {
				vms = "1 VM"
			}
			fmt.Fprintf(b, "isolation response %s after %s for %s\n", iso.Response, fmtOffset(sim.Milliseconds(*iso.RespondedAfterMs)), vms)
		case iso.Response == string(ha.LeavePoweredOn):
			b.WriteString("isolation response leave-powered-on: its VMs keep running\n")
		case iso.EndedAfterMs != nil:
			fmt.Fprintf(b, "no longer isolated after %s, before its isolation response %s\n", fmtOffset(sim.Milliseconds(*iso.EndedAfterMs)), iso.Response)
		default:
			fmt.Fprintf(b, "isolation response %s not applied by the end of the run\n", iso.Response)
		}
	}
}
