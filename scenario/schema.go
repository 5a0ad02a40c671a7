package scenario

import "dctwin/topology"

// The topology section as written in a scenario file. Each item records its position
// (topology.Source) so the model built from it and every finding point back at the
// YAML. Keys left out get the defaults of topology/defaults.go when the model is built.

// TopologySpec is the `topology:` section.
type TopologySpec struct {
	VLANs      []VLANSpec      `yaml:"vlans"`
	Switches   []SwitchSpec    `yaml:"switches"`
	Links      []LinkSpec      `yaml:"links"`
	Hosts      []HostSpec      `yaml:"hosts"`
	Enclosures []EnclosureSpec `yaml:"enclosures"`
	Storage    []StorageSpec   `yaml:"storage"`
	Clusters   []ClusterSpec   `yaml:"clusters"`
	VMs        []VMSpec        `yaml:"vms"`
	VMClusters []VMClusterSpec `yaml:"vm_clusters"`
	Endpoints  []EndpointSpec  `yaml:"endpoints"`
	Gateways   []GatewaySpec   `yaml:"gateways"`
}

// VLANSpec is one VLAN: `{name: voice, id: 20, subnet: 10.0.20.0/24}`.
type VLANSpec struct {
	Name            string `yaml:"name"`
	ID              int    `yaml:"id"`
	Subnet          string `yaml:"subnet"`
	topology.Source `yaml:"-"`
}

// STPSpec overrides the 802.1D timers of a switch.
type STPSpec struct {
	Hello        Duration `yaml:"hello"`
	MaxAge       Duration `yaml:"max_age"`
	ForwardDelay Duration `yaml:"forward_delay"`
}

// SwitchSpec is one switch.
type SwitchSpec struct {
	Name            string   `yaml:"name"`
	Layer           int      `yaml:"layer"`
	Ports           int      `yaml:"ports"`
	Cluster         string   `yaml:"cluster"`
	VLANs           []string `yaml:"vlans"`
	SpanningTree    string   `yaml:"spanning_tree"`
	STP             STPSpec  `yaml:"stp"`
	MACAging        Duration `yaml:"mac_aging"`
	Latency         Duration `yaml:"latency"`
	PortFast        *bool    `yaml:"portfast"`
	BootTime        Duration `yaml:"boot_time"`
	topology.Source `yaml:"-"`
}

// LinkSpec is one cable between two "device:port" ends.
type LinkSpec struct {
	Name            string    `yaml:"name"`
	A               string    `yaml:"a"`
	B               string    `yaml:"b"`
	Speed           Bandwidth `yaml:"speed"`
	Duplex          string    `yaml:"duplex"`
	Latency         Duration  `yaml:"latency"`
	CarrierDelay    Duration  `yaml:"carrier_delay"`
	VLANs           []string  `yaml:"vlans"`
	topology.Source `yaml:"-"`
}

// PowerSpec is a server's power draw: idle and at full load in watts, or a named
// SPECpower model (`dctwin` lists them in check's message), and the CPU utilisation it
// runs at while on (0 to 1; default 0.3, within the 10–50 % servers mostly run at,
// Barroso & Hölzle 2007).
type PowerSpec struct {
	Model       string   `yaml:"model"`
	Idle        float64  `yaml:"idle"`
	Max         float64  `yaml:"max"`
	Utilization *float64 `yaml:"utilization"`
}

// HostSpec is one physical server.
type HostSpec struct {
	Name            string          `yaml:"name"`
	Kind            string          `yaml:"kind"`
	Role            string          `yaml:"role"`
	CPU             int             `yaml:"cpu"`
	RAMGB           float64         `yaml:"ram_gb"`
	CoreMHz         float64         `yaml:"core_mhz"`
	Power           PowerSpec       `yaml:"power"`
	BootTime        Duration        `yaml:"boot_time"`
	Enclosure       string          `yaml:"enclosure"`
	Bay             int             `yaml:"bay"`
	NICs            []NICSpec       `yaml:"nics"`
	Teams           []TeamSpec      `yaml:"teams"`
	Storage         []string        `yaml:"storage"`
	PortGroups      []PortGroupSpec `yaml:"port_groups"`
	VSwitch         *VSwitchSpec    `yaml:"vswitch"`
	topology.Source `yaml:"-"`
}

// VSwitchSpec is a hypervisor's virtual switch: how its VMs' vNICs use the host's NIC
// team as uplinks (reference-facts §4.3). `{load_balancing: originating-port,
// standby: [vmnic1], notify_switches: true, failback: true, latency: 15us}`; every key
// may be left out (topology.VSwitch says what each default is).
type VSwitchSpec struct {
	LoadBalancing  string   `yaml:"load_balancing"`
	Standby        []string `yaml:"standby"`
	NotifySwitches *bool    `yaml:"notify_switches"`
	Failback       *bool    `yaml:"failback"`
	Latency        Duration `yaml:"latency"`
}

// NICSpec is one NIC of a host; `connect` is the switch port it is cabled to (not for
// blades, whose k-th NIC is wired to interconnect module k).
type NICSpec struct {
	Name            string    `yaml:"name"`
	Speed           Bandwidth `yaml:"speed"`
	Duplex          string    `yaml:"duplex"`
	VLANs           []string  `yaml:"vlans"`
	Connect         string    `yaml:"connect"`
	topology.Source `yaml:"-"`
}

// DetectionSpec is a team's failure detection: `{method: miimon, interval: 100ms,
// updelay: 0s, downdelay: 200ms}` or `{method: heartbeat, interval: 1s, missed: 3}`.
type DetectionSpec struct {
	Method    string   `yaml:"method"`
	Interval  Duration `yaml:"interval"`
	UpDelay   Duration `yaml:"updelay"`
	DownDelay Duration `yaml:"downdelay"`
	Missed    int      `yaml:"missed"`
}

// TeamSpec is one NIC team of a host. Flavour (hp, linux, vmware) says whose driver
// the team follows: it decides failback and the heartbeat timers the team does not
// write (topology.TeamFlavour); without it, a mode written with a Linux bonding name
// makes the team linux, any other hp. PrimaryReselect is Linux's primary_reselect
// (always, better, failure), only with a primary. Failback overrides the flavour; a
// failback: true needs a preference order (primary or preference) unless the team is
// vmware, whose failover order is the members' order.
type TeamSpec struct {
	Name            string        `yaml:"name"`
	Members         []string      `yaml:"members"`
	Mode            string        `yaml:"mode"`
	Flavour         string        `yaml:"flavour"`
	Primary         string        `yaml:"primary"`
	PrimaryReselect string        `yaml:"primary_reselect"`
	Preference      []string      `yaml:"preference"`
	Failback        *bool         `yaml:"failback"`
	Detection       DetectionSpec `yaml:"detection"`
	GratuitousARP   *int          `yaml:"gratuitous_arp"`
	LACPRate        string        `yaml:"lacp_rate"`
	topology.Source `yaml:"-"`
}

// PortGroupSpec is a hypervisor port group.
type PortGroupSpec struct {
	Name            string `yaml:"name"`
	VLAN            string `yaml:"vlan"`
	VMKernel        bool   `yaml:"vmkernel"`
	topology.Source `yaml:"-"`
}

// EnclosureSpec is a blade enclosure; module k (1-based, in list order) is in slot k.
type EnclosureSpec struct {
	Name            string       `yaml:"name"`
	Bays            int          `yaml:"bays"`
	PowerSupplies   *int         `yaml:"power_supplies"`
	Modules         []ModuleSpec `yaml:"modules"`
	topology.Source `yaml:"-"`
}

// ModuleSpec is an interconnect module.
type ModuleSpec struct {
	Name                   string   `yaml:"name"`
	Kind                   string   `yaml:"kind"`
	Uplinks                int      `yaml:"uplinks"`
	UplinkFailureDetection bool     `yaml:"uplink_failure_detection"`
	VLANs                  []string `yaml:"vlans"`
	SpanningTree           string   `yaml:"spanning_tree"`
	BootTime               Duration `yaml:"boot_time"`
	topology.Source        `yaml:"-"`
}

// StorageSpec is a shared storage array: `{name: san-1, kind: san}`, with its
// datastores and, to be reached over the network, its storage VLAN and ports
// (scenario/storage.go).
type StorageSpec struct {
	Name            string            `yaml:"name"`
	Kind            string            `yaml:"kind"`
	VLAN            string            `yaml:"vlan"`
	Ports           []StoragePortSpec `yaml:"ports"`
	Datastores      []DatastoreSpec   `yaml:"datastores"`
	PathFailover    Duration          `yaml:"path_failover"`
	APDTimeout      Duration          `yaml:"apd_timeout"`
	topology.Source `yaml:"-"`
}

// HASpec is vSphere-HA-like settings.
type HASpec struct {
	Enabled bool `yaml:"enabled"`
	// Agent is fdm (vSphere 5 and later: a master and slaves, the default) or aam
	// (legacy HA of vSphere 4 and before: peers, no master, no datastore heartbeats).
	Agent                 string   `yaml:"agent"`
	Heartbeat             Duration `yaml:"heartbeat"`
	FailureDetection      Duration `yaml:"failure_detection"`
	IsolationResponse     string   `yaml:"isolation_response"`
	HostFailuresTolerated int      `yaml:"host_failures_tolerated"`
	// DatastoreHeartbeats: HA's second channel through the hosts' shared storage;
	// left out, on when every host of the cluster is attached to one storage array
	// (vSphere picks heartbeat datastores among those all hosts mount).
	DatastoreHeartbeats *bool `yaml:"datastore_heartbeats"`
	// VMMonitoring resets a VM whose guest stopped its heartbeats (a failure of kind
	// vm-hang, or of kind vm on a VM with on_guest_crash: halt) after 30 s.
	VMMonitoring bool `yaml:"vm_monitoring"`
	// APDResponse and APDDelay are VM Component Protection for a datastore in
	// All-Paths-Down (scenario/storage.go).
	APDResponse string   `yaml:"apd_response"`
	APDDelay    Duration `yaml:"apd_delay"`
	// AdmissionControl is disabled, host-failures, percentage or failover-hosts; left
	// out, the policy whose settings are written (none: disabled).
	AdmissionControl      string   `yaml:"admission_control"`
	CPUFailoverPercent    float64  `yaml:"cpu_failover_percent"`
	MemoryFailoverPercent float64  `yaml:"memory_failover_percent"`
	FailoverHosts         []string `yaml:"failover_hosts"`
}

// FTSpec is fault-tolerance settings.
type FTSpec struct {
	Enabled bool `yaml:"enabled"`
	// LoggingVLAN is the VLAN of the hosts' FT logging VMkernel port groups.
	LoggingVLAN string `yaml:"logging_vlan"`
	// LoggingRate is the bandwidth each FT pair's logging stream uses.
	LoggingRate Bandwidth `yaml:"logging_rate"`
}

// DRSSpec is load-balancing settings.
type DRSSpec struct {
	Enabled   bool     `yaml:"enabled"`
	Threshold int      `yaml:"threshold"`
	Interval  Duration `yaml:"interval"`
	// Automation is manual, partially or fully (the default, as vSphere's clusters).
	Automation string `yaml:"automation"`
}

// DPMSpec is power-management settings.
type DPMSpec struct {
	Enabled           bool    `yaml:"enabled"`
	TargetUtilization float64 `yaml:"target_utilization"`
	Tolerance         float64 `yaml:"tolerance"`
}

// ClusterSpec is a hypervisor cluster.
type ClusterSpec struct {
	Name        string   `yaml:"name"`
	Hosts       []string `yaml:"hosts"`
	HA          HASpec   `yaml:"ha"`
	FT          FTSpec   `yaml:"ft"`
	DRS         DRSSpec  `yaml:"drs"`
	DPM         DPMSpec  `yaml:"dpm"`
	VMotionVLAN string   `yaml:"vmotion_vlan"`
	// ConcurrentVMotions is how many live migrations a host of the cluster runs at
	// once, as source or target (1 to 8); left out, vSphere's limit for the host's
	// vMotion network: 4 on 1 GbE, 8 on 10 GbE.
	ConcurrentVMotions int `yaml:"concurrent_vmotions"`
	topology.Source    `yaml:"-"`
}

// VNICSpec is a VM's NIC on a port group of its host.
type VNICSpec struct {
	Name      string `yaml:"name"`
	PortGroup string `yaml:"port_group"`
}

// VMSpec is a virtual machine; disk is "local" or a storage name.
type VMSpec struct {
	Name  string     `yaml:"name"`
	Host  string     `yaml:"host"`
	CPU   int        `yaml:"cpu"`
	RAMGB float64    `yaml:"ram_gb"`
	Disk  string     `yaml:"disk"`
	Role  string     `yaml:"role"`
	FT    bool       `yaml:"ft"`
	NICs  []VNICSpec `yaml:"nics"`
	// BootTime is the guest's boot after an HA restart (topology.DefaultVMBootTime);
	// RestartPriority high, medium (default), low or disabled.
	BootTime        Duration `yaml:"boot_time"`
	RestartPriority string   `yaml:"restart_priority"`
	// OnGuestCrash is what the guest does after a crash (a failure of kind vm):
	// reboot (default: it boots for boot_time on its host) or halt (it stays down
	// until HA VM monitoring resets it, or the repair).
	OnGuestCrash string `yaml:"on_guest_crash"`
	// CPUReservationMHz and RAMReservationGB are its CPU and memory reservations: they
	// size HA admission control's slots (host-failures policy).
	CPUReservationMHz float64 `yaml:"cpu_reservation_mhz"`
	RAMReservationGB  float64 `yaml:"ram_reservation_gb"`
	// DirtyRate is how fast the guest writes its memory (bits per second: "200M" is
	// 25 MB/s) and WorkingSetGB the writable working set it writes into (all its
	// memory if left out): a live migration's pre-copy rounds follow from them
	// (topology/vmotion).
	DirtyRate    Bandwidth `yaml:"dirty_rate"`
	WorkingSetGB float64   `yaml:"working_set_gb"`
	// Demand is its load on the host, maybe following a daily profile (demand.go):
	// the hosts' utilisation, energy, DRS and DPM follow it.
	Demand          *DemandSpec `yaml:"demand"`
	topology.Source `yaml:"-"`
}

// VMClusterSpec is an application's own active/standby pair of VMs with its own
// heartbeat: `{name: pbx-pair, vms: [pbx-a, pbx-b], heartbeat: 1s, timeout: 3s,
// takeover: 2s}` (defaults in topology/defaults.go).
type VMClusterSpec struct {
	Name            string   `yaml:"name"`
	VMs             []string `yaml:"vms"`
	Heartbeat       Duration `yaml:"heartbeat"`
	Timeout         Duration `yaml:"timeout"`
	Takeover        Duration `yaml:"takeover"`
	topology.Source `yaml:"-"`
}

// EndpointSpec is a phone or client on an access switch port.
type EndpointSpec struct {
	Name            string `yaml:"name"`
	Kind            string `yaml:"kind"`
	Connect         string `yaml:"connect"`
	VLAN            string `yaml:"vlan"`
	topology.Source `yaml:"-"`
}

// GatewaySpec is a first-hop redundant default gateway; the first router is master.
type GatewaySpec struct {
	Name            string   `yaml:"name"`
	VLAN            string   `yaml:"vlan"`
	Address         string   `yaml:"address"`
	Protocol        string   `yaml:"protocol"`
	Routers         []string `yaml:"routers"`
	Hello           Duration `yaml:"hello"`
	Dead            Duration `yaml:"dead"`
	topology.Source `yaml:"-"`
}
