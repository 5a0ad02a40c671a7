package topology

import (
	"fmt"
	"strings"
	"time"
)

// Pos is where a component was written in a scenario file, so findings and runtime
// messages can point back at the line a user wrote. The zero Pos means "generated".
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// String formats the position the way compilers do: file:line:col.
func (p Pos) String() string {
	if p.Line == 0 {
		if p.File == "" {
			return "-"
		}
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Source records where an item and each of its keys were written. Field keys are the
// YAML keys ("connect", "members[1]"); PosOf falls back to the item itself so a finding
// always has a position.
type Source struct {
	Pos    Pos
	Fields Fields
}

// PosOf is the position of one key of the item, or of the item if the key was not written.
func (s Source) PosOf(field string) Pos {
	if p, ok := s.Fields.Get(field); ok {
		return p
	}
	return s.Pos
}

// Written reports whether the item's key was written (as opposed to left out, so that
// its default applies).
func (s Source) Written(field string) bool {
	_, ok := s.Fields.Get(field)
	return ok
}

// Fields are the positions of an item's keys, in the order they were recorded. An item
// has a handful of keys and a data center hundreds of thousands of items, so this is
// a short list rather than a map.
type Fields []FieldPos

// FieldPos is where one key of an item was written.
type FieldPos struct {
	Key string
	Pos Pos
}

// Get returns the position of key.
func (f Fields) Get(key string) (Pos, bool) {
	for _, fp := range f {
		if fp.Key == key {
			return fp.Pos, true
		}
	}
	return Pos{}, false
}

// Set records the position of key, replacing an earlier one.
func (f *Fields) Set(key string, p Pos) {
	for i := range *f {
		if (*f)[i].Key == key {
			(*f)[i].Pos = p
			return
		}
	}
	*f = append(*f, FieldPos{key, p})
}

// Add records the position of a key not recorded yet.
func (f *Fields) Add(key string, p Pos) { *f = append(*f, FieldPos{key, p}) }

// DeleteFunc drops the keys for which drop returns true.
func (f *Fields) DeleteFunc(drop func(key string) bool) {
	out := (*f)[:0]
	for _, fp := range *f {
		if !drop(fp.Key) {
			out = append(out, fp)
		}
	}
	*f = out
}

// PortRef addresses one port of one device as "device:port". Devices are switches,
// interconnect modules, hosts (whose ports are their NICs) and endpoints.
type PortRef struct {
	Device string
	Port   string
}

// String is the "device:port" form used in scenario files and failure names.
func (r PortRef) String() string { return r.Device + ":" + r.Port }

// ParsePortRef splits "device:port". The port is everything after the last colon, so
// device names may not contain colons but port names such as "up1" or "12" are fine.
func ParsePortRef(s string) (PortRef, error) {
	i := strings.LastIndex(s, ":")
	if i <= 0 || i == len(s)-1 {
		return PortRef{}, fmt.Errorf("port %q is not of the form device:port (e.g. acc-1:12)", s)
	}
	return PortRef{Device: s[:i], Port: s[i+1:]}, nil
}

// Duplex is the duplex mode of a port or NIC.
type Duplex string

// Duplex modes.
const (
	Full Duplex = "full"
	Half Duplex = "half"
)

// VLAN is one broadcast domain; its subnet is documentation for the students and the
// L3 gateways' address plan.
type VLAN struct {
	Name   string
	ID     int
	Subnet string
	Source
}

// STPTimers are the 802.1D timers a switch runs with (also used by RSTP for its hello).
type STPTimers struct {
	Hello        time.Duration
	MaxAge       time.Duration
	ForwardDelay time.Duration
}

// Switch is an L2 or L3 switch. Its ports are numbered "1".."Ports". Switches with the
// same Cluster act as one for link aggregation (an MC-LAG pair or a stack).
type Switch struct {
	Name         string
	Layer        SwitchLayer
	Ports        int
	Cluster      string
	VLANs        []string // VLANs the switch carries; empty means all VLANs of the scenario
	SpanningTree SpanningTree
	STP          STPTimers
	MACAging     time.Duration
	// Latency is the forwarding latency per frame (lookup and fabric).
	Latency time.Duration
	// PortFast makes the host-facing ports edge ports that forward at once when their
	// link comes up; without it they pass the spanning-tree listening/learning states.
	PortFast bool
	// BootTime is how long the switch takes from power-on until its ports come up.
	BootTime time.Duration
	Source
}

// PortNames lists the switch's port names.
func (s *Switch) PortNames() []string { return numberedPorts("", s.Ports) }

// Link is a cable between two ports. VLANs lists the VLANs it carries (the trunk's
// allowed list or an access VLAN); empty means every VLAN both ends carry. Implicit
// links are generated (a NIC's connect:, blade-to-module wiring).
type Link struct {
	Name         string
	A, B         PortRef
	Speed        int64 // bits per second
	Duplex       Duplex
	Latency      time.Duration
	CarrierDelay time.Duration // PHY delay before both ends see carrier loss
	VLANs        []string
	Implicit     bool
	Source
}

// NIC is one network adapter port of a host. Its component name is "host:nic". A
// rack or legacy server's NIC is cabled to Connect; a blade's k-th NIC is wired to the
// bay port of its enclosure's k-th interconnect module.
type NIC struct {
	Name    string
	Host    string
	Speed   int64
	Duplex  Duplex
	VLANs   []string
	Connect PortRef // zero for blades
	Source
}

// FullName is the component name "host:nic".
func (n *NIC) FullName() string { return n.Host + ":" + n.Name }

// TeamDetection is how a team notices a broken member, with the method's timers.
type TeamDetection struct {
	Method    Detection
	Interval  time.Duration // miimon poll or heartbeat period
	UpDelay   time.Duration // miimon: wait before using a member that came back
	DownDelay time.Duration // miimon: wait before dropping a member that lost carrier
	Missed    int           // heartbeat: missed probes before a member is failed
}

// LACPRate is how often an LACP partner is asked to send LACPDUs.
type LACPRate string

// LACP rates (reference-facts §5: fast 1 s, slow 30 s periodic; timeouts 3 s / 90 s).
const (
	LACPSlow LACPRate = "slow"
	LACPFast LACPRate = "fast"
)

// Team is a NIC team (bond) of one host. Preference is the written preference order
// (the first is the primary; empty: none was written, the members' order decides who
// starts as primary). Failback says whether a recovered preferred member takes over
// again, as the Flavour decides (TeamFlavour.FailsBack) unless the scenario says;
// PrimaryReselect refines it for Linux (better: only to a faster primary).
type Team struct {
	Name            string
	Host            string
	Members         []string // NIC names of the host
	Mode            TeamMode
	Flavour         TeamFlavour
	Preference      []string
	Failback        bool
	PrimaryReselect Reselect
	Detection       TeamDetection
	GratuitousARP   int
	LACPRate        LACPRate
	Source
}

// Primary is the member that carries traffic while all are up.
func (t *Team) Primary() string {
	if len(t.Preference) > 0 {
		return t.Preference[0]
	}
	if len(t.Members) > 0 {
		return t.Members[0]
	}
	return ""
}

// Power is a server's linear power model P(u) = Idle + (Max-Idle)·u
// (reference-facts §8, CloudSim PowerModelLinear), in watts, and the CPU utilisation
// it runs at while on. Max 0 means no power model was given.
type Power struct {
	Model       string
	Idle        float64
	Max         float64
	Utilization float64
}

// DefaultUtilization is a server's CPU utilisation when the scenario gives none: 30 %,
// within the 10–50 % servers mostly run at (Barroso & Hölzle, "The Case for
// Energy-Proportional Computing", 2007; reference-facts §8). dctwin's choice of value.
const DefaultUtilization = 0.3

// PortGroup is a hypervisor's virtual port group: the VLAN its VMs' vNICs are in.
// VMKernel marks groups the hypervisor itself uses (vMotion, management).
type PortGroup struct {
	Name     string
	VLAN     string
	VMKernel bool
	Source
}

// Host is a physical server: legacy, rack, blade or hypervisor. A blade (or a blade
// hypervisor) sits in Enclosure at Bay. Storage lists the shared storage it can reach.
type Host struct {
	Name  string
	Kind  HostKind
	Role  string
	CPU   int
	RAMGB float64
	// CoreMHz is the clock of one core (DefaultCoreMHz unless written): CPU × CoreMHz
	// is what HA admission control's slots divide.
	CoreMHz    float64
	Power      Power
	BootTime   time.Duration
	Enclosure  string
	Bay        int
	NICs       []*NIC
	Teams      []*Team
	Storage    []string
	PortGroups []*PortGroup
	// VSwitch is a hypervisor's virtual switch (nil for other hosts).
	VSwitch *VSwitch
	Source
}

// InEnclosure reports whether the host is a blade in an enclosure bay.
func (h *Host) InEnclosure() bool { return h.Enclosure != "" }

// IsHypervisor reports whether the host runs VMs.
func (h *Host) IsHypervisor() bool { return h.Kind == Hypervisor }

// NIC finds a NIC of the host by its local name.
func (h *Host) NIC(name string) *NIC {
	for _, n := range h.NICs {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// PortGroup finds a port group of the host by name.
func (h *Host) PortGroup(name string) *PortGroup {
	for _, pg := range h.PortGroups {
		if pg.Name == name {
			return pg
		}
	}
	return nil
}

// Module is an enclosure interconnect module in Slot (1-based). A switch module has
// internal ports "bay1".."bayN" and uplinks "up1".."upK"; a pass-through module wires
// "bayK" straight to its external port "extK".
type Module struct {
	Name                   string
	Enclosure              string
	Slot                   int
	Kind                   ModuleKind
	Uplinks                int
	UplinkFailureDetection bool // link-state tracking: drop bay ports when all uplinks fail
	VLANs                  []string
	SpanningTree           SpanningTree
	// BootTime is how long a switch module takes from power-on until its ports come
	// up; a pass-through module is passive and has none.
	BootTime time.Duration
	Source
}

// PortNames lists the module's ports as used in links (bays and uplinks or externals).
func (m *Module) PortNames(bays int) []string {
	ports := numberedPorts("bay", bays)
	if m.Kind == PassThrough {
		return append(ports, numberedPorts("ext", bays)...)
	}
	return append(ports, numberedPorts("up", m.Uplinks)...)
}

// Enclosure is a blade chassis: bays, power supplies and interconnect modules. The
// k-th NIC of every blade is wired to the module in slot k.
type Enclosure struct {
	Name          string
	Bays          int
	PowerSupplies int
	Modules       []*Module
	Source
}

// PSUNames are the component names of the power supplies: "enclosure:psuK".
func (e *Enclosure) PSUNames() []string {
	names := numberedPorts("psu", e.PowerSupplies)
	for i := range names {
		names[i] = e.Name + ":" + names[i]
	}
	return names
}

// StorageKind distinguishes block (SAN) from file (NAS) storage.
type StorageKind string

// Storage kinds.
const (
	SAN StorageKind = "san"
	NAS StorageKind = "nas"
)

// Storage is a shared storage array that hosts attach to (topology/storage.go): its
// datastores, and its ports on the storage VLAN when it is reached over the network.
type Storage struct {
	Name       string
	Kind       StorageKind
	VLAN       string
	Ports      []StoragePort
	Datastores []*Datastore
	// PathFailover is how long multipathing takes to give up a path that stopped
	// carrying I/O and use another; APDTimeout is when a host that lost every path
	// declares All-Paths-Down.
	PathFailover time.Duration
	APDTimeout   time.Duration
	Source
}

// LocalDisk is the VM disk location for a disk inside the host.
const LocalDisk = "local"

// What a guest does after it crashes (VM.OnGuestCrash).
const (
	// GuestReboot: the guest's crash handling restarts it at once; it boots for its
	// boot time on its host, with no HA involved.
	GuestReboot = "reboot"
	// GuestHalt: the guest stops at the crash and stays powered on, serving nothing,
	// until someone (HA VM monitoring, or the repair) resets it.
	GuestHalt = "halt"
)

// HA is the cluster's high-availability settings (reference-facts §6.1).
type HA struct {
	Enabled bool
	// Legacy selects AAM, the HA agent of vSphere 4 and before (peers, no master,
	// no datastore heartbeats), instead of FDM (reference-facts §6.1).
	Legacy                bool
	Heartbeat             time.Duration
	FailureDetection      time.Duration
	IsolationResponse     string // leave-powered-on, power-off, shutdown
	HostFailuresTolerated int
	// DatastoreHeartbeats is HA's second channel: a silent host is declared dead only
	// when its heartbeat datastore has stopped too, 3 s later (reference-facts §6.1).
	DatastoreHeartbeats bool
	// VMMonitoring resets a VM whose guest stopped sending VMware Tools heartbeats,
	// after 30 s (reference-facts §6.1; off unless enabled, as in vSphere).
	VMMonitoring bool
	// APDResponse is VM Component Protection's answer to a datastore in
	// All-Paths-Down (APDDisabled, ...), APDDelay its wait after APD is declared.
	APDResponse string
	APDDelay    time.Duration
	// Admission is the admission control policy (reference-facts §6.1): disabled,
	// host-failures (HostFailuresTolerated, in slots), percentage (CPU and memory
	// reserved) or failover-hosts (FailoverHosts kept for restarts).
	Admission             string
	CPUFailoverPercent    float64
	MemoryFailoverPercent float64
	FailoverHosts         []string
}

// FT is the cluster's fault-tolerance settings (reference-facts §6.2): the FT logging
// network the primaries stream their execution to their secondaries over, and the
// heartbeats on it by which a secondary notices that its primary is gone.
type FT struct {
	Enabled bool
	// LoggingVLAN is the VLAN of the hosts' FT logging VMkernel port groups; "" means
	// none was configured.
	LoggingVLAN string
	// LoggingRate is the bandwidth an FT pair's logging stream uses, bits per second.
	LoggingRate int64
	// Heartbeat is the interval of the FT heartbeats between primary and secondary;
	// the secondary takes over after Missed of them did not arrive.
	Heartbeat time.Duration
	Missed    int
}

// DRS is the cluster's load balancing settings (reference-facts §6.4).
type DRS struct {
	Enabled   bool
	Threshold int
	Interval  time.Duration
	// Automation is DRSManual, DRSPartially or DRSFully: only fully automated DRS
	// migrates VMs to balance load by itself; the others recommend.
	Automation string
}

// DRS automation levels. Partially automated places VMs when they power on and
// recommends the rest, so at run time it recommends as manual does.
const (
	DRSManual    = "manual"
	DRSPartially = "partially"
	DRSFully     = "fully"
)

// DPM is the cluster's power management settings (reference-facts §6.5).
type DPM struct {
	Enabled           bool
	TargetUtilization float64 // percent
	Tolerance         float64 // percent
}

// Cluster is a hypervisor cluster. VMotionVLAN is the VLAN live migration uses.
type Cluster struct {
	Name        string
	Hosts       []string
	HA          HA
	FT          FT
	DRS         DRS
	DPM         DPM
	VMotionVLAN string
	// ConcurrentVMotions is how many live migrations a host runs at once (as source
	// or target); 0 takes vSphere's limit from the speed of the host's vMotion
	// network (MaxConcurrentVMotions).
	ConcurrentVMotions int
	Source
}

// vSphere's limits on simultaneous vMotions per host, by the vMotion network's type
// ("Limits on Simultaneous Migrations", vCenter Server and Host Management, vSphere
// 6.7: network cost 1 per vMotion, maximum cost 4 on 1GigE and 8 on 10GigE; the host
// limit is 8 as well):
// https://docs.vmware.com/en/VMware-vSphere/6.7/com.vmware.vsphere.vcenterhost.doc/GUID-25EA5833-03B5-4EDD-A167-87578B8009B3.html
const (
	VMotionsOn1GbE  = 4
	VMotionsOn10GbE = 8
)

// MaxConcurrentVMotions is vSphere's limit on a host's simultaneous vMotions for
// the speed (bits per second) of its vMotion network: 8 from 10 GbE on, 4 below
// (vSphere supports vMotion from 1 GbE on and gives no smaller limit).
func MaxConcurrentVMotions(speed int64) int {
	if speed >= 10_000_000_000 {
		return VMotionsOn10GbE
	}
	return VMotionsOn1GbE
}

// VNIC is a VM's virtual NIC on a port group of its host.
type VNIC struct {
	Name      string
	PortGroup string
}

// VM is a virtual machine on a hypervisor host. Disk is LocalDisk or a storage name.
type VM struct {
	Name  string
	Host  string
	CPU   int
	RAMGB float64
	Disk  string
	Role  string
	FT    bool
	// FTSecondary is the host of the FT secondary; "" lets dctwin choose one
	// (another host of the cluster, as vSphere places it).
	FTSecondary string
	VNICs       []VNIC
	// BootTime is how long the guest takes from power-on until it serves (an HA
	// restart waits for it).
	BootTime time.Duration
	// RestartPriority is the VM's HA restart priority: high, medium (vSphere's
	// default), low or disabled (never restarted).
	RestartPriority string
	// OnGuestCrash is what the guest does after it crashes (a failure of kind vm):
	// GuestReboot (DefaultOnGuestCrash) or GuestHalt.
	OnGuestCrash string
	// CPUReservationMHz and RAMReservationGB are the VM's reservations (0: none);
	// they size HA admission control's slots (host-failures policy) and nothing
	// else.
	CPUReservationMHz float64
	RAMReservationGB  float64
	// DirtyRateBps is how fast the guest writes memory, in bits per second, and
	// WorkingSetGB its writable working set (0: all of RAMGB): what a live
	// migration's pre-copy has to chase (topology/vmotion).
	DirtyRateBps float64
	WorkingSetGB float64
	// Demand is how busy it keeps its host (demand.go); unset, it adds nothing to
	// its host's utilisation.
	Demand Demand
	Source
}

// EndpointKind is a user device.
type EndpointKind string

// Endpoint kinds.
const (
	Phone  EndpointKind = "phone"
	Client EndpointKind = "client"
	// Room is a videoconference or telepresence room system.
	Room EndpointKind = "room"
)

// Endpoint is a phone or client cabled to an access switch port, in one VLAN.
type Endpoint struct {
	Name    string
	Kind    EndpointKind
	Connect PortRef
	VLAN    string
	Source
}

// Gateway is a first-hop redundant default gateway (VRRP-like) of one VLAN, served by
// L3 switches: Routers[0] is the master. Protocol is vrrp (preempts) or hsrp (does not).
// Hello is the advertisement interval; Dead the master-down interval (HSRP's hold
// time), or zero for VRRP's 3 × hello + skew, which depends on each router's priority.
type Gateway struct {
	Name     string
	VLAN     string
	Address  string
	Protocol string
	Routers  []string
	Hello    time.Duration
	Dead     time.Duration
	Source
}

func numberedPorts(prefix string, n int) []string {
	if n <= 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return out
}
