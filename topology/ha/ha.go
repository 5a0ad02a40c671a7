// Package ha is vSphere HA at run time: the agents of a hypervisor cluster that notice
// a host is gone and restart its virtual machines elsewhere.
//
// The model follows FDM, the agent of vSphere 5 and later (reference-facts §6.1, from
// Epping's vSphere HA Deepdive): one master watches the other hosts (slaves) through
// network heartbeats every second and, optionally, heartbeat datastores as a second
// channel. A slave the master stops hearing is pinged from 10 s on and declared dead at
// 15 s (18 s with heartbeat datastores, when its datastore heartbeats have stopped too;
// a host that still writes them is alive but isolated or partitioned, and is left to
// its own isolation response). A master that fails is replaced by election (from 10 s
// after the slaves last heard it, 15 s long), and the new master restarts the old
// master's VMs 10 s later. A host that hears no master and cannot ping its isolation
// address declares itself isolated at 30 s (the master at 5 s) and applies the
// isolation response after the policy delay of 30 s. Restarts go by priority, at most
// 32 power-ons at a time per host, each VM booting for its boot time, on a host with
// the memory and CPU for it; a restart that finds none is retried 2, 6, 14 and 30
// minutes after the first attempt. VM monitoring resets a VM whose guest stopped
// sending heartbeats (hung, or crashed and halted) after 30 s. Legacy HA (AAM, vSphere 4 and before) is selectable:
// no master, a failed host's peers restart its VMs at 15 s, and a host that misses
// heartbeats for 12 s and cannot ping its isolation address is isolated at once.
//
// The agent reads the world through an Environment (is a host up, do heartbeats get
// through the management network, can a host ping its isolation address or write its
// datastore) and is told when it may have changed (Changed); it owns the state of the
// VMs and tells the environment when one starts or stops running, so that the network
// can move its traffic.
package ha

import (
	"fmt"
	"slices"

	"dctwin/sim"
)

// Environment is what the HA agents observe of the data center.
type Environment interface {
	// Up reports whether a host's hypervisor runs (it has power and has not failed).
	Up(host string) bool
	// Heard reports whether heartbeats from host a reach host b over the management
	// network now.
	Heard(a, b string) bool
	// PingsIsolationAddress reports whether a host reaches its isolation address (its
	// management network's default gateway).
	PingsIsolationAddress(host string) bool
	// WritesDatastore reports whether a host can update its heartbeat datastore (it is
	// up and has a path to the storage).
	WritesDatastore(host string) bool
	// VMRunning is told when a VM starts running on a host (running) or stops.
	VMRunning(vm, host string, running bool)
}

// Booter is an Environment that is also told when HA powers a VM on (a restart on
// another host, or VM monitoring's reset): the VM boots on host for boot, after which
// VMRunning reports it running. A twin that shows VMs booting implements it.
type Booter interface {
	VMBooting(vm, host string, boot sim.Time)
}

// FaultTolerance is an Environment that runs FT secondaries. When the isolation
// response powers an FT primary off, HA asks it whether the VM's secondary, in
// lockstep on another host, will take over (vSphere FT sees the primary's loss as a
// VM failure and makes the secondary the primary); HA then leaves the VM to it and
// restarts it only when no secondary can (none placed, or split off already).
type FaultTolerance interface {
	SecondaryTakesOver(vm string) bool
}

// Response is what an isolated host does with its VMs.
type Response string

// Isolation responses.
const (
	LeavePoweredOn Response = "leave-powered-on"
	PowerOff       Response = "power-off"
	Shutdown       Response = "shutdown"
)

// Priority is a VM's restart priority; Disabled VMs are not restarted.
type Priority int

// Restart priorities, highest first.
const (
	High Priority = iota
	Medium
	Low
	Disabled
)

// String names the priority.
func (p Priority) String() string {
	return [...]string{"high", "medium", "low", "disabled"}[p]
}

// Config is a cluster's HA settings; zero fields take the defaults of DefaultConfig.
type Config struct {
	// Legacy selects AAM (vSphere 4 and before) instead of FDM.
	Legacy bool
	// Heartbeat is the heartbeat period (1 s).
	Heartbeat sim.Time
	// FailureDetection is how long after the last heartbeat a silent host is declared
	// dead (15 s; AAM's das.failuredetectiontime).
	FailureDetection sim.Time
	// DatastoreHeartbeats adds the datastore channel: a silent host is declared dead
	// 3 s later, and only if its datastore heartbeats have stopped too.
	DatastoreHeartbeats bool
	// IsolationResponse is what an isolated host does with its VMs.
	IsolationResponse Response
	// IsolationPolicyDelay is the wait between declaring isolation and the response
	// (fdm.isolationPolicyDelaySec, 30 s in vSphere 6).
	IsolationPolicyDelay sim.Time
	// GuestShutdown is how long a guest takes to shut down for the Shutdown response
	// (forced off after das.isolationShutdownTimeout, 5 min, at the latest).
	GuestShutdown sim.Time
	// Election is how long electing a master takes (≈15 s).
	Election sim.Time
	// RestartAttempts are the times of the restart attempts from the first (0, 2, 6,
	// 14, 30 min).
	RestartAttempts []sim.Time
	// ConcurrentPowerOns bounds the power-ons in progress per host (32).
	ConcurrentPowerOns int
	// VMMonitoring resets a VM whose guest heartbeats stop, after VMFailureInterval
	// (30 s).
	VMMonitoring      bool
	VMFailureInterval sim.Time
	// CPUOvercommit is how many vCPUs a host takes per core when HA places a VM.
	CPUOvercommit int
	// Admission is the admission control policy (admission.go): it limits power-ons,
	// not restarts, except that failover hosts take restarts first.
	Admission Admission
}

// DefaultConfig is vSphere 6's defaults (reference-facts §6.1).
func DefaultConfig() Config {
	return Config{
		Heartbeat:            sim.Second,
		FailureDetection:     15 * sim.Second,
		IsolationResponse:    LeavePoweredOn,
		IsolationPolicyDelay: 30 * sim.Second,
		// dctwin's choice: a server OS shuts down in well under the 5 min limit.
		GuestShutdown:      30 * sim.Second,
		Election:           15 * sim.Second,
		RestartAttempts:    []sim.Time{0, 2 * sim.Minute, 6 * sim.Minute, 14 * sim.Minute, 30 * sim.Minute},
		ConcurrentPowerOns: 32,
		// VM monitoring is off unless a cluster turns it on, as in vSphere.
		VMFailureInterval: 30 * sim.Second,
		// dctwin's choice: 4 vCPUs per core is a common consolidation ratio.
		CPUOvercommit: 4,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Heartbeat <= 0 {
		c.Heartbeat = d.Heartbeat
	}
	if c.FailureDetection <= 0 {
		c.FailureDetection = d.FailureDetection
	}
	if c.IsolationResponse == "" {
		c.IsolationResponse = d.IsolationResponse
	}
	if c.IsolationPolicyDelay <= 0 {
		c.IsolationPolicyDelay = d.IsolationPolicyDelay
	}
	if c.GuestShutdown <= 0 {
		c.GuestShutdown = d.GuestShutdown
	}
	if c.Election <= 0 {
		c.Election = d.Election
	}
	if len(c.RestartAttempts) == 0 {
		c.RestartAttempts = d.RestartAttempts
	}
	if c.ConcurrentPowerOns <= 0 {
		c.ConcurrentPowerOns = d.ConcurrentPowerOns
	}
	if c.VMFailureInterval <= 0 {
		c.VMFailureInterval = d.VMFailureInterval
	}
	if c.CPUOvercommit <= 0 {
		c.CPUOvercommit = d.CPUOvercommit
	}
	return c
}

// Host is a hypervisor host of the cluster with the capacity HA places VMs by.
type Host struct {
	Name  string
	Cores int
	RAMGB float64
	// ReservedRAMGB and ReservedVCPU are taken by VMs that HA does not place (FT
	// primaries and secondaries, whose memory vSphere reserves in full).
	ReservedRAMGB float64
	ReservedVCPU  int
	// MHz is the host's CPU capacity, cores × clock: what admission control's
	// slots divide (admission.go).
	MHz float64
}

// VM is a protected virtual machine.
type VM struct {
	Name     string
	Host     string // where it runs at the start
	VCPU     int
	RAMGB    float64
	Priority Priority
	// BootTime is how long the guest takes from power-on until it serves.
	BootTime sim.Time
	// FT marks a VM with an FT secondary: the secondary, not HA, brings it back when
	// its host fails or the isolation response powers it off (the environment says
	// so by Resumed; FaultTolerance says whether a secondary can); HA restarts it when
	// no secondary could take over (both copies lost), as vSphere HA restarts an FT
	// primary then.
	FT bool
	// Apart names the VM's anti-affinity group ("": none): HA restarts it on a host
	// that runs no other VM of the group when one fits, and on any host that fits
	// otherwise (a soft rule, like vSphere's VM-VM anti-affinity rules that HA
	// honours while it can).
	Apart string
	// CPUReservationMHz and RAMReservationGB are the VM's reservations, which size
	// admission control's slots (admission.go; 0: none).
	CPUReservationMHz, RAMReservationGB float64
}

// VMState is where a VM is.
type VMState string

// VM states.
const (
	VMRunning VMState = "running"
	VMBooting VMState = "booting"
	// VMGuestStopped: the guest hung, or crashed and halted; the hypervisor still
	// runs the VM (it holds its memory) and VM monitoring may reset it.
	VMGuestStopped VMState = "guest stopped"
	VMDown         VMState = "down"    // its host failed under it
	VMOff          VMState = "off"     // powered off (isolation response)
	VMWaiting      VMState = "waiting" // a restart is due
)

// poweredOn reports whether the VM is powered on on its host: running, booting, or
// with its guest stopped. Such a VM takes its host's memory and holds its files.
func (v *vm) poweredOn() bool {
	return v.state == VMRunning || v.state == VMBooting || v.state == VMGuestStopped
}

// timers returns the detection delays of the configuration: when a silent host is
// pinged, declared dead, and whether the datastore decides.
func (c Config) deadAfter() sim.Time {
	if c.DatastoreHeartbeats && !c.Legacy {
		return c.FailureDetection + 3*sim.Second
	}
	return c.FailureDetection
}

// unreachableAfter is when the master starts pinging a silent slave (FDM: 10 s).
const unreachableAfter = 10 * sim.Second

// legacyIsolationAfter is when an AAM host that hears nothing pings its isolation
// address (12 s).
const legacyIsolationAfter = 12 * sim.Second

// masterIsolationAfter is when an FDM master that hears no slave and cannot ping its
// isolation address declares itself isolated (5 s).
const masterIsolationAfter = 5 * sim.Second

// slaveIsolationAfter is when an FDM slave that hears no master and cannot ping its
// isolation address declares itself isolated: 10 s to the election state, 15 s of
// election, 5 s more (30 s).
const slaveIsolationAfter = 30 * sim.Second

// restartAfterElection is the wait from a new master's election to its first
// restarts (it reads the protected list): 10 s.
const restartAfterElection = 10 * sim.Second

// checkName returns an error for a duplicate or empty name.
func checkNames(hosts []Host, vms []VM) error {
	seen := map[string]bool{}
	for _, h := range hosts {
		if h.Name == "" || seen[h.Name] {
			return fmt.Errorf("ha: host %q is empty or listed twice", h.Name)
		}
		seen[h.Name] = true
	}
	for _, v := range vms {
		if v.Name == "" || seen[v.Name] {
			return fmt.Errorf("ha: VM %q is empty or a duplicate name", v.Name)
		}
		if !slices.ContainsFunc(hosts, func(h Host) bool { return h.Name == v.Host }) {
			return fmt.Errorf("ha: VM %s is on %q, not a host of the cluster", v.Name, v.Host)
		}
		seen[v.Name] = true
	}
	return nil
}

// RestartDelay is the time from a failed host's last heartbeat to HA's first restart
// of its VMs: for a slave, until it is declared dead (FailureDetection, 3 s more with
// heartbeat datastores); for the master, 10 s until the slaves start an election, the
// election, and 10 s for the new master to read the protected list (AAM has no master:
// FailureDetection). The static analyses (topology/spof) quote it; the run gets the
// same times from its timers.
func (c Config) RestartDelay(master bool) sim.Time {
	c = c.withDefaults()
	if master && !c.Legacy {
		return unreachableAfter + c.Election + restartAfterElection
	}
	return c.deadAfter()
}
