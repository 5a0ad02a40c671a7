package twin

import (
	"fmt"

	"dctwin/failures"
	"dctwin/sim"
	"dctwin/topology"
)

// Virtual machines at run time. Every VM is a device of its own on the network (its
// MAC, an IP interface per vNIC) whose vNICs hang off its host's virtual switch while
// it runs (topology/network/vswitch.go). The twin keeps each VM's state and host, and
// offers the operations the availability mechanisms are made of:
//
//   - StartVM powers a VM on on a host: it boots for a boot time, then runs there (an
//     HA restart, a new FT secondary going live, a power-on by hand);
//   - StopVM stops it, failed or powered off (its datastore failed, an isolation
//     response);
//   - MoveVM moves a running VM to another host with a stun: it stops on its host,
//     and after the stun runs on the other (the switchover of a live migration; an FT
//     takeover is a move with the detection as its stun).
//
// A VM that runs, arrives or whose vNIC moves is announced to the physical switches
// by its virtual switch (RARP), so that they re-learn its MAC. Every change is a
// VMStateChanged record. A host that loses power fails its VMs; HA restarts those of
// HA clusters elsewhere (ha.go), and a VM outside them starts again on its host when
// the host has booted (restartWithHost).

// VMState is what a virtual machine is doing.
type VMState string

// VM states.
const (
	VMRunning VMState = "running" // on its host, sending and receiving
	VMBooting VMState = "booting" // powered on, the guest not serving yet
	VMStunned VMState = "stunned" // paused for a switchover (live migration, takeover)
	VMStopped VMState = "stopped" // powered off
	VMFailed  VMState = "failed"  // its host failed under it, or the guest crashed
	// VMHung is a guest that hangs (failure kind vm-hang): the VM is powered on and
	// holds its host's memory, but sends nothing and answers nothing.
	VMHung VMState = "hung"
)

// VMStatus is a VM's state, on which host, and since when.
type VMStatus struct {
	VM    string
	Host  string // where it runs, boots or is stunned; where it stopped or failed
	State VMState
	Since sim.Time
}

// vmRun is a VM's state at run time.
type vmRun struct {
	VMStatus
	gen int // bumped at every change, so that a stale boot or stun does not finish
	// withHost is set on a VM that failed because its host did: it starts again with
	// the host unless something else started it first.
	withHost bool
	// out is the VM's outage in progress (nil while it runs); starting is the reason
	// of the start in progress, the mechanism that ends the outage.
	out      *VMOutage
	starting string
	// guest is the failure kind (vm, vm-hang) that stopped the guest while it stays
	// powered on on a host that runs (hung, or crashed and halted); "" otherwise. Its
	// repair, or VM monitoring's reset, ends it.
	guest failures.Kind
}

// VMOutage is a time a VM did not run: from when it stopped, failed or was stunned
// until it ran again (Up is sim.Never while it has not).
type VMOutage struct {
	VM        string
	Host      string // where it stopped
	Cause     string // why it stopped
	Down, Up  sim.Time
	ResumedOn string // where it ran again
	Mechanism string // what brought it back: "HA restart", "started with its host", …
	BootedFor sim.Time
	// WokenBoot is the boot of the host it came back on, when HA restarted it there
	// after DPM woke the host from standby at HA's request (hawake.go): that boot
	// is part of the outage too.
	WokenBoot sim.Time
	// CutOff names the VM's port groups that the host it came back on lacks: it runs
	// there, but those vNICs reach nothing.
	CutOff []string
	// Stalled is an outage that began with the VM's disk I/O stalling (storage.go).
	Stalled bool
	// NotStarted is why the last attempt to bring it back failed (an HA restart that
	// found no room, a power-on refused by admission control); "" when none did.
	NotStarted string
	// Planned is a stun of a migration DRS or DPM decided on demand, not in answer
	// to a failure: no failure's report lists it.
	Planned bool
}

// VMStateChanged is the trace record of a VM changing state.
type VMStateChanged struct {
	VM     string
	Host   string
	State  VMState
	Reason string
	// For is how long a boot or a stun lasts (0 for the other states).
	For sim.Time
}

// Subject names the VM.
func (r VMStateChanged) Subject() string { return r.VM }

// String implements sim.Record.
func (r VMStateChanged) String() string {
	s := fmt.Sprintf("%s on %s", r.State, r.Host)
	if r.For > 0 {
		s += " for " + fmtOffset(r.For)
	}
	if r.Reason != "" {
		s += " (" + r.Reason + ")"
	}
	return s
}

// initVMs starts every VM of the topology running on its host.
func (tw *Twin) initVMs() {
	tw.vms = map[string]*vmRun{}
	for _, v := range tw.Topology.VMs {
		if _, dup := tw.vms[v.Name]; dup || tw.Net.VMHost(v.Name) == "" {
			continue // left out of the build (--force) or a duplicate name
		}
		tw.vms[v.Name] = &vmRun{VMStatus: VMStatus{VM: v.Name, Host: v.Host, State: VMRunning}}
		tw.vmOrder = append(tw.vmOrder, v.Name)
	}
}

// VM returns a VM's state, and false for a name that is not a VM of the run.
func (tw *Twin) VM(name string) (VMStatus, bool) {
	v, ok := tw.vms[name]
	if !ok {
		return VMStatus{}, false
	}
	return v.VMStatus, true
}

// VMs returns the state of every VM, in the scenario's order.
func (tw *Twin) VMs() []VMStatus {
	out := make([]VMStatus, 0, len(tw.vmOrder))
	for _, name := range tw.vmOrder {
		out = append(out, tw.vms[name].VMStatus)
	}
	return out
}

// OnVMChange registers fn to be called whenever a VM changes state (after the change),
// for the mechanisms that watch VMs (fault tolerance, VM-level clusters).
func (tw *Twin) OnVMChange(fn func(VMStatus)) { tw.vmWatch = append(tw.vmWatch, fn) }

// setVM changes a VM's state and reports it.
func (tw *Twin) setVM(v *vmRun, host string, state VMState, reason string, d sim.Time) {
	tw.setVMGuest(v, host, state, reason, d, "")
}

// setVMGuest is setVM for a VM whose guest stopped (guest is the failure kind that
// stopped it, "" for none): the watchers see it hung or halted, a VM that stays
// powered on and can still migrate.
func (tw *Twin) setVMGuest(v *vmRun, host string, state VMState, reason string, d sim.Time, guest failures.Kind) {
	v.gen++
	now := tw.Sim.Now()
	switch {
	case state == VMRunning && v.out != nil:
		v.out.Up, v.out.ResumedOn, v.out.Mechanism = now, host, v.starting
		v.out.CutOff = tw.missingPortGroups(v.VM, host)
		if v.State == VMBooting {
			v.out.BootedFor = now - v.Since
		}
		if v.out.Mechanism == "" {
			v.out.Mechanism = reason
		}
		v.out, v.starting = nil, ""
	case state != VMRunning && v.State == VMRunning:
		v.out = &VMOutage{VM: v.VM, Host: v.Host, Cause: reason, Down: now, Up: sim.Never, Stalled: state == VMStalled}
		if len(tw.vmOutages) < maxVMOutagesKept {
			tw.vmOutages = append(tw.vmOutages, v.out)
		}
	}
	if state == VMBooting || state == VMStunned {
		v.starting = reason
	}
	v.Host, v.State, v.Since = host, state, now
	v.withHost, v.guest = false, guest
	tw.Sim.Report(VMStateChanged{VM: v.VM, Host: host, State: state, Reason: reason, For: d})
	tw.syncCalls()
	for _, fn := range tw.vmWatch {
		fn(v.VMStatus)
	}
}

func (tw *Twin) vmNamed(name string) (*vmRun, error) {
	v, ok := tw.vms[name]
	if !ok {
		return nil, fmt.Errorf("unknown VM %q", name)
	}
	return v, nil
}

// hostUsable is why a VM cannot be placed on a host, or "" if it can: the host must
// be a hypervisor of the run with a virtual switch, powered and booted.
func (tw *Twin) hostUsable(host string) string {
	h := tw.Topology.Host(host)
	switch {
	case h == nil || !h.IsHypervisor():
		return notHypervisor(tw.Topology, host)
	case tw.motion != nil && tw.motion.maint[host] != nil && tw.motion.maint[host].standby:
		if tw.motion.maint[host].state == MaintenanceEntering {
			return host + " is being emptied for DPM standby"
		}
		return host + " is in DPM standby"
	case tw.hostDown[host]:
		return host + " is down"
	case tw.inMaintenance(host):
		return host + " is in maintenance mode"
	}
	return ""
}

// notHypervisor says why a name is not a hypervisor: none given, no such host, or a
// host of another kind.
func notHypervisor(t *topology.Topology, host string) string {
	switch h := t.Host(host); {
	case host == "":
		return "no host given"
	case h == nil:
		return fmt.Sprintf("no host named %q", host)
	default:
		return fmt.Sprintf("%s is a %s server, not a hypervisor", host, h.Kind)
	}
}

// StartVM powers a stopped or failed VM on on host: it boots for boot, then runs
// there (its vNICs attach to the host's port groups and are announced to the
// switches). A VM whose port group the host lacks runs cut off. The host must be up;
// if it fails during the boot, the VM fails with it.
//
// In an HA cluster the cluster's admission control must admit the power-on (ha.go);
// HA's own restarts are not subject to it.
func (tw *Twin) StartVM(vm, host string, boot sim.Time, reason string) error {
	if why := tw.admit(vm, host); why != "" {
		return fmt.Errorf("VM %s cannot start on %s: %s", vm, host, why)
	}
	return tw.startVM(vm, host, boot, reason)
}

// startVM is StartVM without admission control (HA's restarts).
func (tw *Twin) startVM(vm, host string, boot sim.Time, reason string) error {
	v, err := tw.vmNamed(vm)
	if err != nil {
		return err
	}
	if v.State != VMStopped && v.State != VMFailed {
		return fmt.Errorf("VM %s is %s on %s; stop it first", vm, v.State, v.Host)
	}
	if why := tw.hostUsable(host); why != "" {
		return fmt.Errorf("VM %s cannot start: %s", vm, why)
	}
	tw.boot(v, host, boot, reason)
	return nil
}

// boot makes v boot on host for d, then run there (at once if d is 0).
func (tw *Twin) boot(v *vmRun, host string, d sim.Time, reason string) {
	if d <= 0 {
		tw.run(v, host, reason)
		return
	}
	tw.setVM(v, host, VMBooting, reason, d)
	gen := v.gen
	tw.Sim.After(d, func() {
		if v.gen == gen {
			tw.run(v, host, "booted")
		}
	})
}

// run makes v run on host now: unless its disk's I/O cannot go there now (storage.go),
// when it stalls there or fails.
func (tw *Twin) run(v *vmRun, host, reason string) {
	if tw.storage.blocked(v, host) {
		return
	}
	if err := tw.Net.StartVM(v.VM, host); err != nil {
		tw.setVM(v, host, VMFailed, err.Error(), 0)
		return
	}
	tw.setVM(v, host, VMRunning, reason, 0)
}

// StopVM stops a VM wherever it is: failed (a crash) or powered off.
func (tw *Twin) StopVM(vm string, failed bool, reason string) error {
	v, err := tw.vmNamed(vm)
	if err != nil {
		return err
	}
	state := VMStopped
	if failed {
		state = VMFailed
	}
	if v.State == state {
		return nil
	}
	_ = tw.Net.StopVM(vm)
	tw.setVM(v, v.Host, state, reason, 0)
	return nil
}

// MoveVM moves a running VM to host: it is stunned on its host for stun (it neither
// sends nor receives), then runs on host, announced from there. The switchover of a
// live migration, or an FT takeover with the detection as its stun. If the target
// fails during the stun the VM fails.
func (tw *Twin) MoveVM(vm, host string, stun sim.Time, reason string) error {
	v, err := tw.vmNamed(vm)
	if err != nil {
		return err
	}
	if v.State != VMRunning {
		return fmt.Errorf("VM %s is %s, not running: only a running VM moves", vm, v.State)
	}
	if why := tw.hostUsable(host); why != "" {
		return fmt.Errorf("VM %s cannot move: %s", vm, why)
	}
	if stun <= 0 {
		tw.run(v, host, reason)
		return nil
	}
	_ = tw.Net.StopVM(vm)
	tw.setVM(v, v.Host, VMStunned, reason, stun)
	gen := v.gen
	tw.Sim.After(stun, func() {
		if v.gen != gen {
			return
		}
		if why := tw.hostUsable(host); why != "" {
			tw.setVM(v, host, VMFailed, "could not resume: "+why, 0)
			return
		}
		tw.run(v, host, reason)
	})
	return nil
}

// vmsOn lists the VMs powered on on a host, in the scenario's order: running,
// booting, stunned, stalled, or with their guest stopped (hung, or crashed and
// halted), which still hold the host's memory.
func (tw *Twin) vmsOn(host string) []*vmRun {
	var out []*vmRun
	for _, name := range tw.vmOrder {
		v := tw.vms[name]
		if v.Host == host && v.poweredOn() {
			out = append(out, v)
		}
	}
	return out
}

// poweredOn reports whether the VM is powered on on its host.
func (v *vmRun) poweredOn() bool {
	switch v.State {
	case VMRunning, VMBooting, VMStunned, VMStalled, VMHung:
		return true
	}
	return v.guest != "" // crashed and halted: stopped, but powered on
}

// migratable reports whether vMotion can carry the VM: it runs, or its guest stopped
// (hung, or crashed and halted) while the VM stays powered on. vMotion copies a
// powered-on VM's memory whatever its guest does; a VM booting, stunned or with its
// I/O stalled waits.
func (v *vmRun) migratable() bool {
	return v.State == VMRunning || v.guest != ""
}

// hostFailed fails the VMs of a host that lost power.
func (tw *Twin) hostFailed(host string) {
	for _, v := range tw.vmsOn(host) {
		_ = tw.Net.StopVM(v.VM)
		tw.setVM(v, host, VMFailed, "host "+host+" failed", 0)
		v.withHost = tw.haOf[v.VM] == nil // HA restarts the others (ha.go)
	}
}

// restartWithHost starts the VMs that failed with a host once it has booted again,
// unless something restarted them elsewhere meanwhile: what becomes of a VM outside
// an HA cluster (it runs as soon as its host does; vSphere's automatic VM start-up).
func (tw *Twin) restartWithHost(host string) {
	for _, name := range tw.vmOrder {
		v := tw.vms[name]
		if v.withHost && v.Host == host && v.State == VMFailed {
			_ = tw.StartVM(v.VM, host, 0, "started with its host")
		}
	}
}

// vmRunning reports whether a name is a VM that runs now (false for other names).
func (tw *Twin) vmRunning(name string) bool {
	v, ok := tw.vms[name]
	return ok && v.State == VMRunning
}

// vmAlive reports whether a VM runs or is stunned: a stunned VM (the switchover of a
// live migration) is paused with its memory and connections intact and runs on
// after the stun, so what talks to it sees a gap, not a loss.
func (tw *Twin) vmAlive(name string) bool {
	v, ok := tw.vms[name]
	return ok && (v.State == VMRunning || v.State == VMStunned)
}

// nodeDown reports whether a call node (a server, endpoint or VM) is out of service:
// a host without power or still booting, a VM that does not run, and a VM of a
// VM-level cluster that does not serve (the standby, or the new active one until its
// takeover is over): a PBX pair written as a VM cluster fails over by its own
// heartbeats, not by the calls' failover_delay. A stunned VM is not down: its calls'
// media and signalling stop for the stun (its vNICs send nothing), and the call model
// judges that gap as it judges any other (rtp_timeout).
func (tw *Twin) nodeDown(name string) bool {
	if _, ok := tw.vms[name]; ok {
		if p := tw.pairOf[name]; p != nil && !p.serving(name) {
			return true
		}
		return !tw.vmAlive(name)
	}
	return tw.hostDown[name]
}

// VMOutages lists every time a VM did not run, in the order they began; the last of
// a VM may be still open (Up is sim.Never).
func (tw *Twin) VMOutages() []VMOutage {
	out := make([]VMOutage, len(tw.vmOutages))
	for i, o := range tw.vmOutages {
		out[i] = *o
	}
	return out
}

// missingPortGroups lists the port groups of a VM's vNICs that a host lacks.
func (tw *Twin) missingPortGroups(vm, host string) []string {
	v, h := tw.Topology.VM(vm), tw.Topology.Host(host)
	if v == nil || h == nil {
		return nil
	}
	var out []string
	for _, n := range v.VNICs {
		if h.PortGroup(n.PortGroup) == nil {
			out = append(out, n.PortGroup)
		}
	}
	return out
}

// guestReboot is the reason of a guest's own reboot after a crash: the mechanism
// that ends its outage in the report.
const guestReboot = "guest reboot"

// GuestRebooting is the trace record of a crashed guest restarting itself (its VM's
// on_guest_crash: reboot): its own crash handling noticed the crash at once.
type GuestRebooting struct {
	VM, Host string
	For      sim.Time // its boot time
}

// Subject names the VM.
func (r GuestRebooting) Subject() string { return r.VM }

// String implements sim.Record.
func (r GuestRebooting) String() string {
	return fmt.Sprintf("the guest's crash handling reboots it (on_guest_crash: reboot), %s to boot", fmtOffset(r.For))
}

// DetectionMechanism names the guest's own reboot as what noticed the crash
// (failures.Detection).
func (r GuestRebooting) DetectionMechanism() string { return guestReboot }

// DetectedDown is true: the crash was noticed.
func (r GuestRebooting) DetectedDown() bool { return true }

// guest applies a failure of a VM's guest while its host runs on, each by its
// mechanism:
//
//   - vm-hang: the guest hangs. The VM stays powered on (hung): no traffic, no VMware
//     Tools heartbeats, and nothing in the guest can act. HA's VM monitoring, where
//     the cluster has it, resets it after its failure interval (it then boots).
//   - vm: the guest crashes (failed) and its crash handling (on_guest_crash) decides:
//     reboot, and it boots again on its host at once for its boot time, without HA
//     (VM monitoring leaves a booting guest alone: see ha.Cluster.GuestStopped);
//     halt, and it stays down, powered on, as a hung guest does, for VM monitoring
//     to reset.
//
// The repair is the guest serving again, at once, if it is still hung or halted; a
// guest that rebooted or was reset meanwhile, or went down with its host, is left as
// it is. An FT VM's guest is not reset by VM monitoring: its lockstep secondary
// stopped with it (and rebooted with it).
func (tw *Twin) guest(vm string, kind failures.Kind, fail bool) error {
	v, err := tw.vmNamed(vm)
	if err != nil {
		return err
	}
	hc := tw.haOf[vm]
	if tw.ftOf[vm] != nil {
		hc = nil
	}
	if !fail {
		if v.guest != kind {
			return nil // rebooted or reset meanwhile, or gone with its host
		}
		tw.run(v, v.Host, "guest serves again")
		if hc != nil {
			hc.agents.Recover(vm)
		}
		return nil
	}
	if v.State != VMRunning {
		return fmt.Errorf("VM %s is %s, not running", vm, v.State)
	}
	_ = tw.Net.StopVM(vm)
	stopped := func(state VMState, reason string) {
		tw.setVMGuest(v, v.Host, state, reason, 0, kind)
		if hc != nil {
			// VM monitoring's timer starts; the VM already stopped.
			_ = hc.agents.GuestStopped(vm, reason)
		}
	}
	if kind == failures.VMHang {
		stopped(VMHung, "guest hung")
		return nil
	}
	if tw.Topology.VM(vm).OnGuestCrash == topology.GuestHalt {
		stopped(VMFailed, "guest crashed and halted, on_guest_crash: halt")
		return nil
	}
	tw.setVM(v, v.Host, VMFailed, "guest crashed", 0)
	boot := sim.Time(tw.Topology.VM(vm).BootTime)
	tw.Sim.Report(GuestRebooting{VM: vm, Host: v.Host, For: boot})
	tw.boot(v, v.Host, boot, guestReboot)
	return nil
}
