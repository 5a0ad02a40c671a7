package topology

import "time"

// Defaults for settings a scenario leaves out. Each cites reference-facts.md (the
// shared compilation of standards and vendor documents) so a trainer can explain it.
const (
	// DefaultMIIMonInterval is the Linux bonding miimon poll period: 100 ms is the
	// documented starting point (reference-facts §4.1, bonding HOWTO).
	DefaultMIIMonInterval = 100 * time.Millisecond
	// DefaultHPHeartbeatInterval is HP NCU's path-validation timer, 3 s (range 3–60 s),
	// and DefaultHPHeartbeatMissed the three intervals after the last answered probe
	// that make HP's "at most 9 s at the default 3 s timer" (reference-facts §4.2).
	DefaultHPHeartbeatInterval = 3 * time.Second
	DefaultHPHeartbeatMissed   = 3
	// DefaultLinuxARPInterval is dctwin's choice for a Linux ARP monitor whose interval
	// is not written: the driver's arp_interval defaults to 0 (off, reference-facts
	// §4.1); IBM's Linux on Z bonding guide calls 1000 ms "a reasonable value"
	// (ibm.com/docs/linuxonibm, "ARP monitor"; not in reference-facts).
	DefaultLinuxARPInterval = time.Second
	// DefaultLinuxARPMissedMax is arp_missed_max = 2; backups get one check more
	// (reference-facts §4.1, TeamFlavour.BackupGrace).
	DefaultLinuxARPMissedMax = 2
	// DefaultVMwareBeaconInterval is VMware beacon probing's 1 s (reference-facts §4.3);
	// DefaultVMwareBeaconMissed the three consecutive beacons an uplink must miss to be
	// marked bad (VMware KB 1005577 as quoted in secondary sources; not in
	// reference-facts, so unconfirmed).
	DefaultVMwareBeaconInterval = time.Second
	DefaultVMwareBeaconMissed   = 3
	// DefaultGratuitousARP is Linux num_grat_arp = 1 (reference-facts §4.1).
	DefaultGratuitousARP = 1
	// DefaultLACPRate is slow (LACPDU every 30 s, 90 s timeout), the default of Linux
	// lacp_rate and of switches (reference-facts §4.1, §5).
	DefaultLACPRate = LACPSlow
	// DefaultLACPAggregateWait is 802.1AX's Aggregate_Wait_Time: a member link that
	// comes back is attached to the aggregate this long after the partners exchanged
	// LACPDUs, 2 s (Linux bond_3ad.c AD_AGGREGATE_WAIT_TIME 2 s, DPDK
	// BOND_8023AD_AGGREGATE_WAIT_TIMEOUT_MS 2000, Oracle SEFOS "LACP wait time" default
	// 2; not in reference-facts, and the IEEE clause itself unconfirmed).
	DefaultLACPAggregateWait = 2 * time.Second

	// DefaultMACAging is the 802.1D recommended FDB aging time, 300 s (reference-facts §5).
	DefaultMACAging = 300 * time.Second
	// DefaultSTPHello, DefaultSTPMaxAge and DefaultSTPForwardDelay are the 802.1D
	// timers 2 s / 20 s / 15 s (reference-facts §5).
	DefaultSTPHello        = 2 * time.Second
	DefaultSTPMaxAge       = 20 * time.Second
	DefaultSTPForwardDelay = 15 * time.Second
	// DefaultSpanningTree is RSTP, which converges without the 30–50 s STP timers
	// (reference-facts §5).
	DefaultSpanningTree = RSTP
	// DefaultCarrierDelay is 0: "link-down is detected immediately" on a cable pull
	// (reference-facts §5, RSTP row). A scenario can add a PHY debounce per link.
	DefaultCarrierDelay = 0
	// DefaultLinkLatency is the propagation delay of a data-center cable run (about
	// 100 m of fibre or copper at 5 ns/m); the source material's "below 1 ms between
	// VMs" budget is dominated by switching, not by cables.
	DefaultLinkLatency = 500 * time.Nanosecond
	// DefaultSwitchLatency is a switch's forwarding latency per frame on top of
	// receiving the whole frame (store and forward, counted per link at the link's
	// speed): the lookup and the fabric. Cisco's white paper "Cut-Through and
	// Store-and-Forward Ethernet Switching for Low-Latency Environments" (2008) puts
	// ultra-low-latency store-and-forward designs at a few microseconds and calls about
	// 10 µs end to end "ultra-low"; 2010-era enterprise access and aggregation switches
	// were slower. 5 µs is dctwin's reading of that, not a cited figure for one model.
	DefaultSwitchLatency = 5 * time.Microsecond
	// DefaultVSwitchLatency is what a hypervisor's virtual switch adds between a VM and
	// the host's NICs, one way: VMware's "Network I/O Latency on VMware vSphere 5"
	// (2012) measured a virtualization overhead of a few tens of microseconds per round
	// trip; 15 µs per crossing is dctwin's reading of it.
	DefaultVSwitchLatency = 15 * time.Microsecond
	// DefaultLoadBalancing is a virtual switch's "route based on originating virtual
	// port" and DefaultNotifySwitches its "notify switches: yes" (reference-facts §4.3;
	// the first's default status is unconfirmed there).
	DefaultLoadBalancing  = OriginatingPort
	DefaultNotifySwitches = true
	// DefaultLinkSpeed is the speed of a switch-to-switch cable written without one, and
	// DefaultNICSpeed that of a server NIC: 1 Gbit/s, the server access speed of the
	// source articles' era (10 GbE "is coming"). dctwin's choice, not a cited value.
	DefaultLinkSpeed = 1_000_000_000
	DefaultNICSpeed  = 1_000_000_000
	// DefaultPhoneSpeed is a desk phone's access port, 100 Mbit/s Fast Ethernet, as
	// IP phones of the source articles' era had; DefaultClientSpeed that of a PC or a
	// room video system, 1 Gbit/s. dctwin's choice.
	DefaultPhoneSpeed  = 100_000_000
	DefaultClientSpeed = 1_000_000_000
	// DefaultFlowRate and DefaultPacketBytes are a flow's rate and IP packet size when
	// the scenario gives none: 1 Mbit/s of 200-byte packets (a G.711 20 ms RTP packet with
	// its 40 bytes of IP/UDP/RTP headers, reference-facts §2). dctwin's choice.
	DefaultFlowRate    = 1e6
	DefaultPacketBytes = 200
	// DefaultPortFast makes host-facing switch ports edge (PortFast) ports, which forward
	// as soon as the link comes up instead of after the spanning-tree listening and
	// learning states; VMware recommends it for host-facing ports and says it "might save
	// about 30 seconds" (reference-facts §4.3). A switch can turn it off (`portfast:
	// false`) to show what that costs a team that fails back.
	DefaultPortFast = true

	// DefaultVRRPHello is the VRRP advertisement interval, 1 s (RFC 5798 §5.2.7,
	// Advertisement_Interval default 100 centiseconds). A VRRP backup declares the master
	// down after Master_Down_Interval = 3 × hello + skew, skew = (256 − priority) × hello
	// / 256 (RFC 5798 §6.1); that interval depends on each router's priority, so it has no
	// single default: a gateway's `dead:` left out means "the RFC formula".
	DefaultVRRPHello = time.Second
	// DefaultHSRPHello and DefaultHSRPHold are HSRP's hello time 3 s and hold time 10 s
	// (RFC 2281 §5.1, "Hellotime … default 3 seconds", "Holdtime … default 10 seconds";
	// not in reference-facts). HSRP does not preempt unless configured (RFC 2281 §5.1,
	// Preemption), VRRP does (RFC 5798 §5.2.5, Preempt_Mode default True).
	DefaultHSRPHello = 3 * time.Second
	DefaultHSRPHold  = 10 * time.Second

	// DefaultHAHeartbeat and DefaultHAFailureDetection are vSphere HA's 1 s heartbeats
	// and 15 s until a silent host is declared dead (reference-facts §6.1).
	DefaultHAHeartbeat        = time.Second
	DefaultHAFailureDetection = 15 * time.Second
	// DefaultVMBootTime is a guest's boot from power-on until it serves: 60 s, the
	// middle of the 30–90 s that reference-facts §8 calls a guess (no source found
	// for a private hypervisor); dctwin's choice. DefaultRestartPriority is vSphere
	// HA's default VM restart priority, medium (reference-facts §6.1 lists the order).
	DefaultVMBootTime = 60 * time.Second
	// DefaultFTHeartbeat and DefaultFTMissed are how an FT secondary notices that its
	// primary is gone: heartbeats over the FT logging network every 100 ms, live after
	// 3 missed (300 ms). reference-facts §6.2 has no figure for it (only that the
	// failover is transparent); the "sub-second detection" is dctwin's choice
	// of numbers.
	DefaultFTHeartbeat = 100 * time.Millisecond
	DefaultFTMissed    = 3
	// DefaultDirtyRateBps is how fast a guest writes its memory when the scenario does
	// not say: 200 Mbit/s (25 MB/s), dctwin's choice for a moderately busy server
	// (reference-facts §7 gives downtimes, not dirty rates). A 4 GiB VM over 10 GbE
	// then migrates in one round with a stun of about 80 ms.
	DefaultDirtyRateBps = 200e6
	// DefaultFTLoggingRate is the bandwidth of one FT pair's logging stream (the
	// primary's non-deterministic inputs, its disk reads and network input, sent to
	// the secondary): 100 Mbit/s. reference-facts §6.2 has no figure; dctwin's choice,
	// a busy server's inputs, a tenth of the 1 Gbit/s NIC an FT logging network has.
	DefaultFTLoggingRate = 100_000_000
	// DefaultVMClusterHeartbeat, DefaultVMClusterTimeout and DefaultVMClusterTakeover
	// are an application pair's own heartbeats every second, the standby's decision
	// after 3 s without one, and 2 s to start the service and take the service address.
	// The reference facts have no figures for application clusters; these are dctwin's
	// choice, to be set per application in the scenario.
	DefaultVMClusterHeartbeat = time.Second
	DefaultVMClusterTimeout   = 3 * time.Second
	DefaultVMClusterTakeover  = 2 * time.Second
	DefaultRestartPriority    = "medium"
	// DefaultOnGuestCrash is what a guest does after a crash when its VM does not say:
	// it reboots. That is what a server's own crash handling does unless someone
	// changed it: Windows restarts after a stop error by default ("automatically
	// restart" under system failure), and a Linux server with kdump (RHEL's default)
	// saves the dump and reboots; only a bare Linux kernel with kernel.panic=0 halts,
	// which on_guest_crash: halt stands for.
	DefaultOnGuestCrash = GuestReboot
	// DefaultDRSThreshold is migration threshold level 3 and DefaultDRSInterval the
	// 5 min invocation period (reference-facts §6.4).
	DefaultDRSThreshold = 3
	DefaultDRSInterval  = 5 * time.Minute
	// DefaultDPMTarget and DefaultDPMTolerance keep host utilisation in 63 ± 18 %
	// (reference-facts §6.5).
	DefaultDPMTarget    = 63.0
	DefaultDPMTolerance = 18.0

	// DefaultCoreMHz is the clock of a host's core where core_mhz is not written:
	// 2400 MHz, dctwin's choice of a common 2010-era Xeon clock (not in
	// reference-facts). Only admission control's slots use it (cores × clock is the
	// host's CPU in MHz, topology/ha/admission.go).
	DefaultCoreMHz = 2400.0

	// DefaultHostBootTime is a physical server's boot, 3–5 min (reference-facts §8,
	// unconfirmed there); 180 s is the lower end.
	DefaultHostBootTime = 180 * time.Second
	// DefaultSlowBootTime is the upper end of the same range, 300 s, for hypervisor
	// hosts (the hypervisor loads after POST) and legacy servers (older firmware and
	// retrofitted adapters initialise slowly). dctwin's reading of reference-facts §8.
	DefaultSlowBootTime = 300 * time.Second
	// DefaultSwitchBootTime is how long a switch or blade switch module takes from
	// power-on until its ports come up: 2 min, dctwin's choice in the middle of the
	// "about 1 to 3 minutes" for a boot with POST in the EMC Connectrix DS-5300B and
	// DS-4900B (Brocade Fibre Channel switch) installation guides; an HP SAN switch
	// guide says at least 3 min. No Ethernet switch figure was found and
	// reference-facts has none, so treat it as unconfirmed and set boot_time per
	// switch model.
	DefaultSwitchBootTime = 120 * time.Second
	// DefaultPowerSupplies is the N+1 pair of a blade enclosure.
	DefaultPowerSupplies = 2
)
