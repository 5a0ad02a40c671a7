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

	// DefaultVRRPHello is the VRRP advertisement interval, 1 s, and DefaultVRRPDead the
	// master-down interval 3 × hello + skew (RFC 5798 §6.1; not in reference-facts,
	// so treat as unconfirmed here).
	DefaultVRRPHello = time.Second
	DefaultVRRPDead  = 3*time.Second + 609*time.Millisecond

	// DefaultHAHeartbeat and DefaultHAFailureDetection are vSphere HA's 1 s heartbeats
	// and 15 s until a silent host is declared dead (reference-facts §6.1).
	DefaultHAHeartbeat        = time.Second
	DefaultHAFailureDetection = 15 * time.Second
	// DefaultDRSThreshold is migration threshold level 3 and DefaultDRSInterval the
	// 5 min invocation period (reference-facts §6.4).
	DefaultDRSThreshold = 3
	DefaultDRSInterval  = 5 * time.Minute
	// DefaultDPMTarget and DefaultDPMTolerance keep host utilisation in 63 ± 18 %
	// (reference-facts §6.5).
	DefaultDPMTarget    = 63.0
	DefaultDPMTolerance = 18.0

	// DefaultHostBootTime is a physical server's boot, 3–5 min (reference-facts §8,
	// unconfirmed there); 180 s is the lower end.
	DefaultHostBootTime = 180 * time.Second
	// DefaultPowerSupplies is the N+1 pair of a blade enclosure.
	DefaultPowerSupplies = 2
)
