package check

// Finding kinds. The explanation of each is written for students: what goes wrong in
// a real data center when this mistake is made.
const (
	DuplicateName        Kind = "duplicate-name"
	DanglingName         Kind = "dangling-name"
	BadPort              Kind = "bad-port"
	BadValue             Kind = "bad-value"
	NotHypervisor        Kind = "not-hypervisor"
	PortReused           Kind = "port-reused"
	BayMissing           Kind = "bay-missing"
	BayOccupied          Kind = "bay-occupied"
	BladeWiring          Kind = "blade-wiring"
	NICUnconnected       Kind = "nic-unconnected"
	VLANNotCarried       Kind = "vlan-not-carried"
	TeamVLANMismatch     Kind = "team-vlan-mismatch"
	TeamNoL2Path         Kind = "team-no-l2-path"
	TeamSplitAggregate   Kind = "team-split-aggregate"
	TeamOneMember        Kind = "team-one-member"
	TeamSpeedMismatch    Kind = "team-speed-mismatch"
	TeamMemberReused     Kind = "team-member-reused"
	UplinkInvisible      Kind = "uplink-failure-invisible"
	UpdelayBelowSTP      Kind = "updelay-below-stp"
	HeartbeatTooSlow     Kind = "heartbeat-too-slow"
	BeaconTwoNICs        Kind = "beacon-two-nics"
	LACPWithHeartbeat    Kind = "lacp-with-heartbeat"
	SinglePSU            Kind = "single-psu"
	LoopWithoutSTP       Kind = "l2-loop-without-stp"
	NoGratuitousARP      Kind = "no-gratuitous-arp"
	ModuleNoUplinks      Kind = "module-no-uplinks"
	ModuleUplinkUnused   Kind = "module-uplink-unused"
	GatewayOneSwitch     Kind = "gateway-one-switch"
	GatewayNotL3         Kind = "gateway-not-l3"
	GatewaySplit         Kind = "gateway-split"
	LocalDiskInCluster   Kind = "local-disk-in-cluster"
	ClusterNetworks      Kind = "cluster-network-mismatch"
	ClusterStorage       Kind = "cluster-storage-mismatch"
	HATooFewHosts        Kind = "ha-too-few-hosts"
	HAAdmission          Kind = "ha-admission"
	FTWithoutShared      Kind = "ft-without-shared-storage"
	FTNotEnabled         Kind = "ft-not-enabled"
	FTNoLogging          Kind = "ft-no-logging-network"
	VMNotOnHypervisor    Kind = "vm-not-on-hypervisor"
	VMNoNetwork          Kind = "vm-no-network"
	StorageNotAttached   Kind = "storage-not-attached"
	HostIsolated         Kind = "host-unconnected"
	FailureUnknown       Kind = "failure-unknown-component"
	FailureAfterEnd      Kind = "failure-after-run-end"
	WorkloadUnknownName  Kind = "workload-unknown-name"
	CallLoadMissing      Kind = "call-load-missing"
	CallConfigInvalid    Kind = "call-config-invalid"
	NotSimulated         Kind = "not-simulated"
	FlowEndpoints        Kind = "flow-endpoints"
	FlowOverCapacity     Kind = "flow-over-capacity"
	FailureOverlap       Kind = "failure-overlap"
	SessionOverlap       Kind = "failure-overlap-session"
	FailureBudget        Kind = "failure-budget"
	FailureNotSimulated  Kind = "failure-not-simulated"
	VMPortGroupMissing   Kind = "vm-port-group-missing"
	IPHashUnbundled      Kind = "vswitch-ip-hash-unbundled"
	VMClusterOneHost     Kind = "vm-cluster-one-host"
	VMTooBig             Kind = "vm-larger-than-hosts"
	OperationMeaningless Kind = "operation-meaningless"
	RepairOfNothing      Kind = "repair-of-nothing"
	RandomOfNothing      Kind = "random-failure-of-nothing"
)

// Limits on sizes, generous beside real equipment (a chassis switch has a few hundred
// ports, a blade enclosure 8 to 32 bays), so that a typo cannot make the twin build
// millions of ports.
const (
	MaxSwitchPorts   = 1024
	MaxBays          = 64
	MaxUplinks       = 64
	MaxPowerSupplies = 16
	MaxNICs          = 64
)

type entry struct {
	severity Severity
	why      string
}

var catalogue = map[Kind]entry{
	DuplicateName: {Error, "Names identify components in failures, reports and the simulation; two things " +
		"with one name make every reference to it ambiguous."},
	DanglingName: {Error, "A reference to something that does not exist is a configuration that cannot be " +
		"built: in a real data center it is the cable plan pointing at a port nobody installed."},
	BadPort: {Error, "Ports are written device:port and must exist on the device (switch ports 1..ports; " +
		"module ports bayK, upK or extK); otherwise the cable plan cannot be followed."},
	BadValue: {Error, "The value is outside what the equipment, the standard or a run allows (VLAN ids " +
		"1..4094, 1..1024 switch ports, 1..64 enclosure bays, a flow's rate above 0, a run of at most " +
		"1,000,000 h): a real device would reject the configuration, and no run can be made of it."},
	NotHypervisor: {Error, "Only hypervisor hosts can be members of a hypervisor cluster; a bare-metal " +
		"server cannot run or restart the cluster's VMs."},
	PortReused: {Error, "One port takes one cable. Two links on one port usually means a copy-paste slip in " +
		"the cable plan, and one of the two servers is not connected at all."},
	BayMissing: {Error, "A blade sits in a bay of its enclosure: bays are numbered 1..bays. A blade in a bay " +
		"that does not exist is not powered and not wired to any interconnect module."},
	BayOccupied: {Error, "Two blades cannot share one bay; one of them is somewhere else in reality."},
	BladeWiring: {Error, "A blade's NIC k is hard-wired through the midplane to interconnect module k; it " +
		"cannot be cabled elsewhere, and a NIC without a module behind it has no link."},
	NICUnconnected: {Warning, "A NIC without a cable carries nothing; if it is a team member, the team has " +
		"less redundancy than it appears to have."},
	VLANNotCarried: {Error, "The server (or phone) expects a VLAN the switch side does not carry: the classic " +
		"service-specification mismatch. The link comes up, but no frame of that VLAN gets through."},
	TeamVLANMismatch: {Error, "All members of a team must be in the same VLANs: after a failover the standby " +
		"NIC takes over the team's MAC and IP, and in another VLAN nobody can reach it."},
	TeamNoL2Path: {Error, "An NFT/TLB team spread over two switches needs an L2 path between them in its " +
		"VLAN: traffic arriving at the switch of the standby NIC must reach the active one, and " +
		"heartbeats between members must get through."},
	TeamSplitAggregate: {Error, "SLB and LACP bundle the members into one aggregate on the switch side; that " +
		"only works on one switch or on switches that act as one (a stack or MC-LAG cluster). " +
		"Across independent switches frames loop or are dropped."},
	TeamOneMember: {Warning, "A team with one member has no one to fail over to: it adds configuration " +
		"without adding redundancy."},
	TeamSpeedMismatch: {Warning, "Members of different speed or duplex balance badly and fail over to less " +
		"capacity; 802.3ad (LACP) refuses to aggregate them at all."},
	TeamMemberReused: {Error, "A NIC can belong to one team only."},
	UplinkInvisible: {Error, "Behind a switch module the blade's NIC link stays up when the module's uplinks " +
		"fail: carrier or miimon detection never notices, and the team keeps sending into a dead " +
		"end. Use heartbeat detection or uplink failure detection (link-state tracking) on the module."},
	UpdelayBelowSTP: {Warning, "A host-facing port without PortFast (edge) that comes up passes no traffic " +
		"for the spanning-tree listening and learning states (2 x forward delay, 30 s by default; RSTP " +
		"falls back to the same timers without a BPDU partner). A team that fails back sooner (updelay " +
		"below that) sends into a port that still blocks. Enable portfast on host ports or raise updelay."},
	HeartbeatTooSlow: {Warning, "If the team needs longer to notice a broken path (interval x missed) than " +
		"the cluster needs to declare the host dead, HA restarts its VMs elsewhere although a " +
		"failover of the team would have kept them running."},
	BeaconTwoNICs: {Info, "With only two members a failed heartbeat cannot tell which side is broken; " +
		"vendors recommend three or more NICs for beacon probing (reference-facts §4.3): with two, " +
		"VMware takes neither out and sends on both (shotgun), duplicating frames and making the " +
		"switches' MAC entries flap."},
	LACPWithHeartbeat: {Warning, "802.3ad supervises its members with LACPDUs and the MII monitor; ARP/heartbeat " +
		"monitoring is not used with it."},
	LoopWithoutSTP: {Error, "A loop of switches none of which runs spanning tree forwards broadcasts " +
		"around it forever: a broadcast storm that takes the whole VLAN down within seconds."},
	NoGratuitousARP: {Warning, "After a switchover the team must announce its MAC from the new port; " +
		"without gratuitous ARPs the switches keep sending to the old port until the MAC entry " +
		"ages out (300 s by default)."},
	SinglePSU: {Warning, "An enclosure with one power supply is a single point of failure for every blade " +
		"and module in it; enclosures are normally fed N+1 from two power circuits."},
	ModuleNoUplinks: {Error, "A switch module with no uplinks is an island: the blades behind it reach " +
		"only each other."},
	ModuleUplinkUnused: {Warning, "An interconnect module whose external ports carry no cable leaves the " +
		"blade NICs wired to it without a way out."},
	GatewayOneSwitch: {Error, "A first-hop redundancy pair on one switch is not redundant: when that switch " +
		"fails, the default gateway of the whole VLAN goes with it."},
	GatewayNotL3: {Error, "A default gateway routes; only an L3 switch carrying the VLAN can be one."},
	GatewaySplit: {Warning, "VRRP routers exchange hellos in the VLAN they serve. Without an L2 path between " +
		"them both become master (split brain) and traffic takes whichever one a host's ARP " +
		"reached."},
	LocalDiskInCluster: {Error, "Live migration (DRS) and HA restarts need the VM's disk on shared storage " +
		"that every host sees; a local disk pins the VM to its host and dies with it."},
	ClusterNetworks: {Error, "Every host of a cluster must offer the same port groups in the same VLANs, " +
		"and the vMotion VLAN: a VM migrated or restarted on a host where its network differs loses " +
		"its connectivity."},
	ClusterStorage: {Warning, "HA and DRS may place a VM on any host of the cluster; a host that does not " +
		"see the VM's datastore cannot run it."},
	HATooFewHosts: {Warning, "HA restarts VMs of a failed host on another host; a cluster with one host has " +
		"nowhere to restart them."},
	HAAdmission: {Warning, "Admission control keeps spare capacity for restarts (slots for the tolerated " +
		"host failures, a percentage, or dedicated failover hosts) by refusing to power VMs on; a " +
		"cluster whose VMs already exceed what its policy leaves refuses every further power-on."},
	FTNoLogging: {Warning, "A fault-tolerant VM streams its execution to its secondary over the FT logging " +
		"network, a VMkernel port group on every host; without one FT cannot be turned on, and logging " +
		"over the management network competes with HA's heartbeats."},
	FTWithoutShared: {Error, "Fault tolerance keeps a secondary VM in lockstep and uses a lock file on " +
		"shared storage to decide which copy survives; it needs the disk on shared storage."},
	FTNotEnabled: {Error, "A VM marked ft needs a cluster with fault tolerance enabled and a second host " +
		"for its secondary."},
	VMNotOnHypervisor: {Error, "VMs run on hypervisor hosts only."},
	VMPortGroupMissing: {Warning, "HA restarts a VM, and DRS or an FT takeover moves it, to any host of its " +
		"cluster; where its port group is missing the VM runs but its vNIC connects to nothing, and " +
		"it stays cut off until it is moved back (the source material's \"uniform network " +
		"connectivity\" requirement)."},
	IPHashUnbundled: {Error, "Route based on IP hash sends one VM's flows on different uplinks; the physical " +
		"switch must bundle the uplinks (EtherChannel or LACP: a team of mode slb or lacp on one switch " +
		"or switch cluster), or it sees the VM's MAC flap between ports (reference-facts §4.3)."},
	VMTooBig: {Error, "A VM needs more vCPUs or memory than any host it may run on offers: ESXi does not " +
		"power on a VM with more vCPUs than its host has cores, and HA and vMotion place a VM only on a host " +
		"with room for it, so the VM could never be restarted or moved. Give it less, or the hosts more."},
	OperationMeaningless: {Error, "The scheduled operation cannot do anything in this scenario whatever happens " +
		"before it (a live migration needs the cluster's vMotion network, another host and the VM's memory " +
		"size, ram_gb, to copy; maintenance mode needs a cluster to evacuate to; an exit needs a maintenance " +
		"before it): it would only be refused at run time."},
	RepairOfNothing: {Warning, "A kind: repair entry repairs a failure of its component; with none before it, " +
		"it does nothing (a failure of something around the component, an enclosure or a switch, is repaired " +
		"by a repair of that)."},
	RandomOfNothing: {Warning, "A random failure entry fails only the components of its class that can fail " +
		"its way (a host-hang hangs hypervisors, a storage-path needs a hypervisor on shared storage); with none " +
		"in the scenario, it injects nothing."},
	VMClusterOneHost: {Warning, "An application's active/standby pair on one host fails with that host: the " +
		"standby has nothing to take over from. Place the two VMs on different hosts (vSphere: an anti-affinity rule)."},
	VMNoNetwork: {Error, "The VM's port group is missing on its host, or no NIC of the host carries the " +
		"port group's VLAN: the VM runs but nobody can reach it."},
	StorageNotAttached: {Error, "The VM's disk is on a storage array its host is not attached to: the VM " +
		"cannot start there."},
	HostIsolated: {Warning, "A server without a connected NIC is not reachable by anything."},
	FailureUnknown: {Error, "A failure must name an existing component of the right class, as " +
		"`dctwin spof` lists them (links, host:nic, switch:port, enclosure:psuK, ...)."},
	FailureAfterEnd: {Warning, "A failure scheduled at or after the end of the run never happens; the " +
		"lesson it was meant to show is silently missing."},
	WorkloadUnknownName: {Error, "Flows and call groups run between existing endpoints, hosts and VMs."},
	CallLoadMissing: {Warning, "A call group needs a load (bhca or erlangs per endpoint); without one it " +
		"places no calls."},
	FlowEndpoints: {Error, "A flow runs between two different places on the network. A flow from a host to " +
		"itself, or between two VMs of one host, never leaves the host's (virtual) switch: the network " +
		"has nothing to carry and nothing to show."},
	FlowOverCapacity: {Warning, "A flow offers more than the slowest port at its ends can carry; the run loses " +
		"what does not fit (congestion loss) for as long as it runs, and everything sharing those links " +
		"suffers with it."},
	FailureOverlap: {Error, "A component that is already down cannot fail again: the second failure would " +
		"do nothing, and the lesson it was written for would be silently missing. Let the first repair " +
		"come before the next failure."},
	SessionOverlap: {Warning, "A failure made by hand in a TUI session (manual: true) keeps the component " +
		"down when one of the scenario's own failures is due. The saved session replays what happened: the " +
		"scenario's failure does not happen, and the run's report lists it as not injected. Edit the file if " +
		"the exercise should go otherwise."},
	FailureBudget: {Error, "Random failures this frequent would inject more failures than a run can " +
		"usefully report (or keep a machine busy for hours): raise mtbf, shorten the run, or pick fewer " +
		"components."},
	NotSimulated: {Info, "These settings are read and checked, but the simulation does not use them yet: " +
		"they change what check says, not what run shows. The README's \"Not modelled yet\" lists what is " +
		"coming; dctwin says so rather than pretend they took effect."},
	FailureNotSimulated: {Error, "The simulation cannot inject this failure into this component: a " +
		"storage-path failure needs a hypervisor with paths to storage (one attached to an array, with VMs' " +
		"disks there); the run refuses it, even with --force, rather than drop it from the report."},
	CallConfigInvalid: {Error, "The call model cannot run this: calls to voicemail, a gateway or a " +
		"conference need that server, shares and channels cannot be negative, and codecs, video kinds and " +
		"jitter-buffer modes come from a fixed list (`dctwin emodel --list-codecs`)."},
}
