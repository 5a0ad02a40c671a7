package ha

import (
	"fmt"
	"strings"

	"dctwin/sim"
)

// The trace records of the HA agents.

// MasterElected is reported when an election ends with a new master, After the
// slaves last heard the old one.
type MasterElected struct {
	Cluster, Host string
	After         sim.Time
	// Handover is why the old master handed the role over ("" for an election after
	// the old master was lost).
	Handover string
}

// Subject names the host.
func (r MasterElected) Subject() string { return r.Host }

// String implements sim.Record.
func (r MasterElected) String() string {
	if r.Handover != "" {
		return fmt.Sprintf("HA master of %s now: %s", r.Cluster, r.Handover)
	}
	return fmt.Sprintf("elected HA master of %s, %v after the old master's last heartbeat", r.Cluster, r.After)
}

// HostDeclaredDead is reported when the master (AAM: the peers) declares a silent host
// dead and restarts its VMs.
type HostDeclaredDead struct {
	Cluster, Host, By string
	Silent            sim.Time // since its last heartbeat
}

// Subject names the host.
func (r HostDeclaredDead) Subject() string { return r.Host }

// String implements sim.Record.
func (r HostDeclaredDead) String() string {
	return fmt.Sprintf("declared dead by HA (%s) after %v without heartbeats: its VMs restart elsewhere", r.By, r.Silent)
}

// DetectionMechanism names HA as what noticed the failure (failures.Detection).
func (r HostDeclaredDead) DetectionMechanism() string { return "HA" }

// DetectedDown is true: a host declared dead is a failure noticed.
func (r HostDeclaredDead) DetectedDown() bool { return true }

// VMsFoundOff is reported when the master (AAM: the peers) finds powered off the VMs
// that went down with a host that is back before it was declared dead (it rebooted
// within HA's detection time), and restarts them: how HA notices that failure.
type VMsFoundOff struct {
	Cluster, Host, By string
	VMs               []string
}

// Subject names the host.
func (r VMsFoundOff) Subject() string { return r.Host }

// String implements sim.Record.
func (r VMsFoundOff) String() string {
	return fmt.Sprintf("back before HA declared it dead: HA (%s) finds its VMs powered off and restarts them: %s", r.By, strings.Join(r.VMs, ", "))
}

// DetectionMechanism names HA as what noticed the failure (failures.Detection).
func (r VMsFoundOff) DetectionMechanism() string { return "HA" }

// DetectedDown is true: the host's failure is noticed by what it left behind.
func (r VMsFoundOff) DetectedDown() bool { return true }

// DetectedAfterRepair says what the host did before HA noticed
// (failures.LateDetection).
func (r VMsFoundOff) DetectedAfterRepair() string {
	return "had booted before HA declared it dead; HA found its VMs powered off"
}

// HostAlive is reported when a silent host still writes its heartbeat datastore: it is
// isolated or partitioned, not dead, and its VMs are not restarted.
type HostAlive struct {
	Cluster, Host string
	Silent        sim.Time
}

// Subject names the host.
func (r HostAlive) Subject() string { return r.Host }

// String implements sim.Record.
func (r HostAlive) String() string {
	return fmt.Sprintf("silent for %v but writing its heartbeat datastore: isolated or partitioned, not restarted", r.Silent)
}

// HostIsolated is reported when a host declares itself isolated from the cluster.
type HostIsolated struct {
	Cluster, Host string
	Response      Response
}

// Subject names the host.
func (r HostIsolated) Subject() string { return r.Host }

// String implements sim.Record.
func (r HostIsolated) String() string {
	return fmt.Sprintf("isolated: hears no HA agent and cannot ping its isolation address (response: %s)", r.Response)
}

// DetectionMechanism names HA's isolation detection: the host noticed it is cut off
// (failures.Detection).
func (r HostIsolated) DetectionMechanism() string { return "HA isolation" }

// DetectedDown is true: the host noticed the loss of its management network.
func (r HostIsolated) DetectedDown() bool { return true }

// IsolationEnded is reported when an isolated host hears the cluster again.
type IsolationEnded struct{ Cluster, Host string }

// Subject names the host.
func (r IsolationEnded) Subject() string { return r.Host }

// String implements sim.Record.
func (r IsolationEnded) String() string { return "no longer isolated" }

// IsolationResponseApplied is reported when an isolated host powers off or shuts down
// its VMs.
type IsolationResponseApplied struct {
	Cluster, Host string
	Response      Response
	VMs           int
}

// Subject names the host.
func (r IsolationResponseApplied) Subject() string { return r.Host }

// String implements sim.Record.
func (r IsolationResponseApplied) String() string {
	return fmt.Sprintf("isolation response %s for %d VMs", r.Response, r.VMs)
}

// VMStopped is reported when a VM stops serving: its host failed, the isolation
// response, a hung guest.
type VMStopped struct {
	Cluster, VM, Host, Reason string
}

// Subject names the VM.
func (r VMStopped) Subject() string { return r.VM }

// String implements sim.Record.
func (r VMStopped) String() string { return fmt.Sprintf("VM down on %s: %s", r.Host, r.Reason) }

// VMRestarting is reported when HA powers a VM on on another host.
type VMRestarting struct {
	Cluster, VM, Host string
	Attempt           int
}

// Subject names the VM.
func (r VMRestarting) Subject() string { return r.VM }

// String implements sim.Record.
func (r VMRestarting) String() string {
	return fmt.Sprintf("HA restarts the VM on %s (attempt %d)", r.Host, r.Attempt)
}

// VMRestartFailed is reported when a restart attempt finds no way to power the VM on;
// Next is the next attempt (sim.Never: HA gives up).
type VMRestartFailed struct {
	Cluster, VM string
	Attempt     int
	Reason      string
	Next        sim.Time
}

// Subject names the VM.
func (r VMRestartFailed) Subject() string { return r.VM }

// String implements sim.Record.
func (r VMRestartFailed) String() string {
	if r.Next == sim.Never {
		return fmt.Sprintf("HA restart attempt %d failed: %s; no more attempts", r.Attempt, r.Reason)
	}
	return fmt.Sprintf("HA restart attempt %d failed: %s; next at %.3f s", r.Attempt, r.Reason, r.Next.Seconds())
}

// VMStarted is reported when a VM has booted and serves (Restart: after HA restarted
// it elsewhere, otherwise after a reset in place).
type VMStarted struct {
	Cluster, VM, Host string
	Restart           bool
}

// Subject names the VM.
func (r VMStarted) Subject() string { return r.VM }

// String implements sim.Record.
func (r VMStarted) String() string {
	if r.Restart {
		return fmt.Sprintf("VM running again on %s after an HA restart", r.Host)
	}
	return fmt.Sprintf("VM running again on %s after a reset", r.Host)
}

// DetectionMechanism names VM monitoring as what noticed the hung guest.
func (r VMReset) DetectionMechanism() string { return "HA VM monitoring" }

// DetectedDown is true: a reset follows a guest noticed dead.
func (r VMReset) DetectedDown() bool { return true }

// VMReset is reported when VM monitoring resets a VM whose guest heartbeats stopped.
type VMReset struct {
	Cluster, VM, Host string
	Silent            sim.Time
}

// Subject names the VM.
func (r VMReset) Subject() string { return r.VM }

// String implements sim.Record.
func (r VMReset) String() string {
	return fmt.Sprintf("VM monitoring resets the VM after %v without guest heartbeats", r.Silent)
}
