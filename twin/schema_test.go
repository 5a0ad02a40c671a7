package twin_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"dctwin/scenario"
	"dctwin/topology/check"
	"dctwin/twin"
)

// No silent settings: every key the scenario format accepts either changes what a run
// reports, or is refused by check when it is wrong, or is said by check to be not
// simulated yet, or names something (identity). TestEverySettingTakesEffect walks the
// schema by reflection and fails for a key that has no entry here, so a key added
// later must say how it takes effect; then every entry is proved on a built-in
// scenario.

type effectKind int

const (
	// changesRun: the report (JSON and text) of base+setup differs from that of
	// base+setup+change.
	changesRun effectKind = iota
	// refused: base+setup+change gives a check error (or the override is refused).
	refused
	// notSimulated: base+setup+change gives a not-simulated info finding mentioning word.
	notSimulated
	// identity: the key names a component; check refuses duplicates and dangling names.
	identity
)

type fieldEffect struct {
	kind   effectKind
	base   string   // built-in scenario; teaming-lab if empty
	setup  []string // PATH=VALUE overrides applied to both runs
	change []string // PATH=VALUE overrides that make the difference
	word   string   // notSimulated: a word of the finding
}

func runs(change ...string) fieldEffect { return fieldEffect{kind: changesRun, change: change} }
func refusedBy(change ...string) fieldEffect {
	return fieldEffect{kind: refused, change: change}
}
func info(word string, change ...string) fieldEffect {
	return fieldEffect{kind: notSimulated, word: word, change: change}
}
func (e fieldEffect) on(base string) fieldEffect   { e.base = base; return e }
func (e fieldEffect) with(s ...string) fieldEffect { e.setup = append(e.setup, s...); return e }

// Setups that make a mechanism matter.
var (
	web1WithHost  = []string{"topology.vms[web-1].restart_priority=disabled", "run.duration=15m"}
	slotsReserved = []string{"topology.vms[mcu].cpu_reservation_mhz=4800", "topology.vms[db-read-1].ram_reservation_gb=16"}
	upAFails      = "failures.scheduled[0]={at: 10s, component: up-a, kind: link, repair_after: 60s}"
	islOneWay     = "failures.scheduled[0]={at: 10s, component: isl, kind: link-one-way, repair_after: 60s}"
	coreAFails    = "failures.scheduled[0]={at: 10s, component: core-a, kind: switch, repair_after: 60s}"
	srvFails      = "failures.scheduled[0]={at: 10s, component: srv-1, kind: host, repair_after: 5s}"
	edgeAFails    = "failures.scheduled[0]={at: 10s, component: edge-a, kind: switch, repair_after: 20s}"
	long          = "run.duration=400s"
	// dpm-lab until 10:00: DPM powers a host on at 9:05 and DRS moves VMs to it.
	tenHours      = "run.duration=10h"
	heartbeat     = "topology.hosts[srv-1].teams[bond0].detection={method: heartbeat}"
	nicOneWay     = "failures.scheduled[0]={at: 10s, component: \"srv-1:eth0--edge-a:10\", kind: link-one-way, repair_after: 60s}"
	allSTP        = []string{"topology.switches[edge-a].spanning_tree=stp", "topology.switches[edge-b].spanning_tree=stp", "topology.switches[core-a].spanning_tree=stp", "topology.switches[core-b].spanning_tree=stp"}
	silentReceive = []string{"workloads.calls=null", "workloads.flows=[{name: f, from: client-1, to: client-2, rate: 1M, bidirectional: false}]"}
	team          = "topology.hosts[srv-1].teams[bond0]."
	// classic-dc: hv-2, an HA slave (hv-1 is the master), fails; hv-3 loses both NICs
	// and with them its management network (isolated, alive by its datastore).
	hv2Fails    = "failures.scheduled=[{at: 5m, component: hv-2, kind: host, repair_after: 2m}]"
	web1Hangs   = "failures.scheduled=[{at: 5m, component: web-1, kind: vm-hang, repair_after: 2m}]"
	web1Crashes = "failures.scheduled=[{at: 5m, component: web-1, kind: vm, repair_after: 2m}]"
	hv3Fails    = "failures.scheduled=[{at: 5m, component: hv-3, kind: host, repair_after: 2m}]" // web-broker's FT primary
	// web-1 (4 GiB) migrates from hv-1 to hv-3 over the 10 GbE vMotion network.
	web1Migrates   = "failures.scheduled=[{at: 60s, component: web-1, kind: migrate, to: hv-3}]"
	hv2Maintenance = "failures.scheduled=[{at: 2m, component: hv-2, kind: maintenance, repair_after: 5m}]"
	hv3Isolated    = `failures.scheduled=[{at: 5m, component: "hv-3:vmnic0", kind: nic, repair_after: 4m}, {at: 5m, component: "hv-3:vmnic1", kind: nic, repair_after: 4m}]`
)

var fieldEffects = map[string]fieldEffect{
	"version": refusedBy("version=2"),

	"topology.vlans[].name":   {kind: identity},
	"topology.vlans[].id":     refusedBy("topology.vlans[voice].id=10"),
	"topology.vlans[].subnet": info("subnets"),

	"topology.switches[].name":              {kind: identity},
	"topology.switches[].layer":             refusedBy("topology.switches[core-a].layer=2"),
	"topology.switches[].ports":             refusedBy("topology.switches[edge-a].ports=8"),
	"topology.switches[].cluster":           runs("topology.switches[edge-a].cluster=pair", "topology.switches[edge-b].cluster=pair"),
	"topology.switches[].vlans":             refusedBy("topology.switches[edge-a].vlans=[voice, clients]"),
	"topology.switches[].spanning_tree":     runs(allSTP...).with(upAFails),
	"topology.switches[].stp.hello":         runs("topology.switches[edge-a].stp.hello=1s", "topology.switches[edge-b].stp.hello=1s").with(islOneWay),
	"topology.switches[].stp.max_age":       runs("topology.switches[edge-a].stp.max_age=10s", "topology.switches[edge-b].stp.max_age=10s").with(allSTP...).with(islOneWay),
	"topology.switches[].stp.forward_delay": runs("topology.switches[edge-a].stp.forward_delay=5s", "topology.switches[edge-b].stp.forward_delay=5s", "topology.switches[core-a].stp.forward_delay=5s", "topology.switches[core-b].stp.forward_delay=5s").with(allSTP...).with(upAFails),
	"topology.switches[].mac_aging":         runs("topology.switches[edge-a].mac_aging=20s", "topology.switches[edge-b].mac_aging=20s", "topology.switches[core-a].mac_aging=20s", "topology.switches[core-b].mac_aging=20s").with(silentReceive...),
	"topology.switches[].latency":           runs("topology.switches[edge-a].latency=1ms"),
	"topology.switches[].portfast":          runs("topology.switches[edge-a].portfast=false"),
	"topology.switches[].boot_time":         runs("topology.switches[edge-a].boot_time=30s").with(edgeAFails, long),
	"topology.links[].name":                 {kind: identity},
	"topology.links[].a":                    runs("topology.links[up-a].a=edge-a:22"),
	"topology.links[].b":                    runs("topology.links[up-a].b=core-a:2"),
	"topology.links[].speed":                runs("topology.links[up-a].speed=100M"),
	"topology.links[].duplex":               runs("topology.links[up-a].duplex=half"),
	"topology.links[].latency":              runs("topology.links[up-a].latency=1ms"),
	"topology.links[].carrier_delay":        runs("topology.links[up-a].carrier_delay=50ms").with(upAFails),
	"topology.links[].vlans":                runs("topology.links[up-b].vlans=[voice, clients]"),
	"topology.hosts[].name":                 {kind: identity},
	"topology.hosts[].kind":                 runs("topology.hosts[srv-1].kind=legacy").with(srvFails, long, "topology.hosts[srv-1].boot_time=null"),
	"topology.hosts[].role":                 runs("topology.hosts[srv-1].role=dns"),
	// HA places pbx-a and web-1 (from hv-1) on the host with the most free memory that
	// fits them, hv-3; with its cores or memory cut they go to hv-4.
	"topology.hosts[].cpu":                         runs("topology.hosts[hv-3].cpu=1").on("classic-dc"),
	"topology.hosts[].ram_gb":                      runs("topology.hosts[hv-3].ram_gb=16").on("classic-dc"),
	"topology.hosts[].power.idle":                  runs("topology.hosts[srv-1].power.idle=50"),
	"topology.hosts[].power.max":                   runs("topology.hosts[srv-1].power.max=500"),
	"topology.hosts[].power.model":                 runs("topology.hosts[srv-1].power={model: ibm-x3550}"),
	"topology.hosts[].power.utilization":           runs("topology.hosts[srv-1].power.utilization=0.9"),
	"topology.hosts[].boot_time":                   runs("topology.hosts[srv-1].boot_time=60s").with(srvFails, long),
	"topology.hosts[].enclosure":                   refusedBy("topology.hosts[blade-mii].enclosure=encl-x").on("blade-lab"),
	"topology.hosts[].bay":                         runs("topology.hosts[blade-mii].bay=3").on("blade-lab"),
	"topology.hosts[].nics[].name":                 {kind: identity},
	"topology.hosts[].nics[].speed":                runs("topology.hosts[srv-1].nics[eth0].speed=100M"),
	"topology.hosts[].nics[].duplex":               runs("topology.hosts[srv-1].nics[eth0].duplex=half"),
	"topology.hosts[].nics[].vlans":                runs("topology.hosts[srv-1].nics[eth0].vlans=[voice]", "topology.hosts[srv-1].nics[eth1].vlans=[voice]"),
	"topology.hosts[].nics[].connect":              runs("topology.hosts[srv-1].nics[eth0].connect=edge-a:11"),
	"topology.hosts[].teams[].name":                {kind: identity},
	"topology.hosts[].teams[].members":             runs(team + "members=[eth0]"),
	"topology.hosts[].teams[].mode":                runs(team + "mode=tlb"),
	"topology.hosts[].teams[].flavour":             runs(team+"flavour=hp").with(heartbeat, team+"primary_reselect=null"),
	"topology.hosts[].teams[].primary":             runs(team + "primary=eth1"),
	"topology.hosts[].teams[].primary_reselect":    runs(team + "primary_reselect=failure"),
	"topology.hosts[].teams[].preference":          runs(team+"preference=[eth1, eth0]").with(team+"primary_reselect=null", team+"primary=null", team+"flavour=hp"),
	"topology.hosts[].teams[].failback":            runs(team + "failback=false").with(team + "primary_reselect=null"),
	"topology.hosts[].teams[].detection.method":    runs(team + "detection.method=carrier"),
	"topology.hosts[].teams[].detection.interval":  runs(team + "detection.interval=50ms"),
	"topology.hosts[].teams[].detection.updelay":   runs(team + "detection.updelay=2s"),
	"topology.hosts[].teams[].detection.downdelay": runs(team + "detection.downdelay=200ms"),
	"topology.hosts[].teams[].detection.missed":    runs(team+"detection.missed=5").with(heartbeat, nicOneWay),
	"topology.hosts[].teams[].gratuitous_arp":      runs(team + "gratuitous_arp=1"),
	"topology.hosts[].teams[].lacp_rate": runs("topology.hosts[db-write].teams[bond0].lacp_rate=slow").on("classic-dc").
		with("failures.scheduled=[{at: 10s, component: \"db-write:eth0--agg-1:2\", kind: link-one-way, repair_after: 200s}]"),
	"topology.hosts[].storage":            refusedBy("topology.hosts[hv-2].storage=[]").on("classic-dc"),
	"topology.hosts[].port_groups[].name": {kind: identity},
	"topology.hosts[].port_groups[].vlan": refusedBy("topology.hosts[hv-1].port_groups[pg-voice].vlan=clients").on("classic-dc"),
	// A host's management network (HA heartbeats) is its first VMkernel port group
	// outside vMotion and FT logging; without pg-mgmt's, hv-3's is the vMotion VLAN,
	// which has no gateway: hv-3 is isolated from the HA cluster.
	"topology.hosts[].port_groups[].vmkernel": runs("topology.hosts[hv-3].port_groups[pg-mgmt].vmkernel=false").with("topology.clusters[vcluster].vmotion_vlan=null").on("classic-dc"),
	// hv-1's NFT team makes vmnic1 standby for its VMs; agg-1's failure at 30 s takes
	// vmnic0 (uplink failure detection of ic-sw1) and moves them to vmnic1 until it is back.
	"topology.hosts[].vswitch.standby":         runs("topology.hosts[hv-1].vswitch.standby=[]").on("classic-dc"),
	"topology.hosts[].vswitch.load_balancing":  runs("topology.hosts[hv-1].vswitch.load_balancing=explicit-failover").with("topology.hosts[hv-1].vswitch.standby=[]").on("classic-dc"),
	"topology.hosts[].vswitch.failback":        runs("topology.hosts[hv-1].vswitch.failback=false").with("failures.scheduled[1]={at: 400s, component: \"hv-1:vmnic1\", kind: nic, repair_after: 10s}").on("classic-dc"),
	"topology.hosts[].vswitch.notify_switches": runs("topology.hosts[hv-1].vswitch.notify_switches=false").on("classic-dc"),
	"topology.hosts[].vswitch.latency":         runs("topology.hosts[hv-2].vswitch.latency=1ms").on("classic-dc"),

	"topology.enclosures[].name":                               {kind: identity},
	"topology.enclosures[].bays":                               refusedBy("topology.enclosures[encl-plain].bays=1").on("blade-lab"),
	"topology.enclosures[].power_supplies":                     runs("topology.enclosures[encl-plain].power_supplies=1").on("blade-lab").with("failures.scheduled[0]={at: 10s, component: \"encl-plain:psu1\", kind: psu, repair_after: 20s}"),
	"topology.enclosures[].modules[].name":                     {kind: identity},
	"topology.enclosures[].modules[].kind":                     runs("topology.enclosures[encl-plain].modules[plain-1].kind=pass-through").on("blade-lab"),
	"topology.enclosures[].modules[].uplinks":                  refusedBy("topology.enclosures[encl-plain].modules[plain-1].uplinks=0").on("blade-lab"),
	"topology.enclosures[].modules[].uplink_failure_detection": runs("topology.enclosures[encl-plain].modules[plain-1].uplink_failure_detection=true").on("blade-lab"),
	"topology.enclosures[].modules[].vlans":                    refusedBy("topology.enclosures[encl-plain].modules[plain-1].vlans=[clients]").on("blade-lab"),
	"topology.enclosures[].modules[].spanning_tree":            runs("topology.enclosures[encl-plain].modules[plain-1].spanning_tree=stp").on("blade-lab").with("failures.scheduled[0]={at: 10s, component: plain-1, kind: module, repair_after: 20s}", long),
	"topology.enclosures[].modules[].boot_time":                runs("topology.enclosures[encl-plain].modules[plain-1].boot_time=20s").on("blade-lab").with("failures.scheduled[0]={at: 10s, component: plain-1, kind: module, repair_after: 20s}", long),

	"topology.storage[].name": {kind: identity},
	"topology.storage[].kind": info("storage kinds").on("classic-dc"),
	"topology.storage[].vlan": refusedBy("topology.storage[san-1].vlan=nowhere").on("storage-lab"),
	// both ports on sw-b: sw-a's failure no longer stalls the VMs' I/O
	"topology.storage[].ports[].name":      {kind: identity},
	"topology.storage[].ports[].connect":   runs(`topology.storage[san-1].ports[ctrl-a].connect="sw-b:19"`).on("storage-lab"),
	"topology.storage[].datastores[].name": {kind: identity},
	"topology.storage[].path_failover":     runs("topology.storage[san-1].path_failover=10s").on("storage-lab"),
	"topology.storage[].apd_timeout":       runs("topology.storage[san-1].apd_timeout=60s").on("storage-lab"),

	"topology.clusters[].name":                    {kind: identity},
	"topology.clusters[].hosts":                   runs("topology.clusters[vcluster].hosts=[hv-1, hv-2, hv-4]").on("classic-dc"),
	"topology.clusters[].ha.enabled":              runs("topology.clusters[vcluster].ha.enabled=false").on("classic-dc"),
	"topology.clusters[].ha.agent":                runs("topology.clusters[vcluster].ha.agent=aam").with(hv2Fails).on("classic-dc"),
	"topology.clusters[].ha.heartbeat":            runs("topology.clusters[vcluster].ha.heartbeat=3s").on("classic-dc"),
	"topology.clusters[].ha.failure_detection":    runs("topology.clusters[vcluster].ha.failure_detection=30s").with(hv2Fails).on("classic-dc"),
	"topology.clusters[].ha.datastore_heartbeats": runs("topology.clusters[vcluster].ha.datastore_heartbeats=false").with(hv2Fails).on("classic-dc"),
	"topology.clusters[].ha.vm_monitoring":        runs("topology.clusters[vcluster].ha.vm_monitoring=true").with(web1Hangs).on("classic-dc"),
	"topology.clusters[].ha.isolation_response":   runs("topology.clusters[vcluster].ha.isolation_response=power-off").with(hv3Isolated).on("classic-dc"),
	// web-1 (not restarted by HA) starts with hv-1 when hv-1 is back at 720 s; admission
	// control refuses that power-on (twin/admission_test.go has the arithmetic). The
	// slots of host-failures (topology/check TestAdmissionSlots): with mcu reserving
	// 4800 MHz and db-read-1 16 GB the hosts hold [16 16 12 12] slots, 12 after losing
	// three for 13 VMs; without reservations the slot is 4 GB (web-broker's FT
	// reservation) and 32 MHz, [64 64 48 48], 48 after losing three.
	"topology.clusters[].ha.host_failures_tolerated": runs("topology.clusters[vcluster].ha.host_failures_tolerated=3").with(web1WithHost...).with(slotsReserved...).on("classic-dc"),
	"topology.clusters[].ha.admission_control":       runs("topology.clusters[vcluster].ha.admission_control=disabled").with(web1WithHost...).with(slotsReserved...).with("topology.clusters[vcluster].ha.host_failures_tolerated=3").on("classic-dc"),
	"topology.vms[].ram_reservation_gb":              runs("topology.vms[db-read-1].ram_reservation_gb=16").with(web1WithHost...).with("topology.clusters[vcluster].ha.host_failures_tolerated=3").on("classic-dc"),
	// A 19200 MHz slot: hv-1 57600/19200 = 3 slots, hv-3 76800/19200 = 4: 3 after
	// losing three, for 13 VMs.
	"topology.vms[].cpu_reservation_mhz": runs("topology.vms[mcu].cpu_reservation_mhz=19200").with(web1WithHost...).with("topology.clusters[vcluster].ha.host_failures_tolerated=3").on("classic-dc"),
	// A 9600 MHz slot: [8 8 6 6], 12 after losing two, refuses web-1; hv-1 at 4800 MHz
	// a core holds 115200/9600 = 12: [12 8 8 6], 14 after losing two, admits it.
	"topology.hosts[].core_mhz":                      runs("topology.hosts[hv-1].core_mhz=4800").with(web1WithHost...).with("topology.clusters[vcluster].ha.host_failures_tolerated=2", "topology.vms[mcu].cpu_reservation_mhz=9600").on("classic-dc"),
	"topology.clusters[].ha.cpu_failover_percent":    runs("topology.clusters[vcluster].ha.cpu_failover_percent=99").with(web1WithHost...).on("classic-dc"),
	"topology.clusters[].ha.memory_failover_percent": runs("topology.clusters[vcluster].ha.memory_failover_percent=92").with(web1WithHost...).on("classic-dc"),
	"topology.clusters[].ha.failover_hosts":          runs("topology.clusters[vcluster].ha.failover_hosts=[hv-1]").with(web1WithHost...).on("classic-dc"),
	// web-broker's logging stream (hv-3 → hv-1) at 9 Gbit/s fills the 10 Gbit/s links
	// it shares with the calls and flows.
	"topology.clusters[].ft.logging_rate": runs("topology.clusters[vcluster].ft.logging_rate=9G").on("classic-dc"),
	"topology.clusters[].ft.logging_vlan": refusedBy("topology.clusters[vcluster].ft.logging_vlan=nosuch").on("classic-dc"),
	"topology.clusters[].ft.enabled":      runs("topology.clusters[vcluster].ft.enabled=false").with(hv3Fails).on("classic-dc"),
	"topology.clusters[].ha.apd_response": runs("topology.clusters[cl].ha.apd_response=disabled").on("storage-lab"),
	"topology.clusters[].ha.apd_delay":    runs("topology.clusters[cl].ha.apd_delay=1m").on("storage-lab"),
	// Without a vMotion network the migration is refused.
	"topology.clusters[].vmotion_vlan": runs("topology.clusters[vcluster].vmotion_vlan=null").with(web1Migrates).on("classic-dc"),
	// hv-2's four VMs leave one at a time instead of all at once (8 on its 10 GbE).
	"topology.clusters[].concurrent_vmotions": runs("topology.clusters[vcluster].concurrent_vmotions=1").with(hv2Maintenance).on("classic-dc"),

	"topology.vms[].name": {kind: identity},
	"topology.vms[].host": runs("topology.vms[web-1].host=hv-4").on("classic-dc"),
	// pbx-a with 126 vCPUs fits no host (4 per core) and is not restarted.
	"topology.vms[].cpu": runs("topology.vms[pbx-a].cpu=126").on("classic-dc"),
	// pbx-a's restart goes to hv-4 (away from pbx-b) whatever its size up to what fits:
	// at 250 GB no host has the room.
	"topology.vms[].ram_gb":           runs("topology.vms[pbx-a].ram_gb=250").on("classic-dc"),
	"topology.vms[].disk":             runs("topology.vms[web-1].disk=local").on("classic-dc"),
	"topology.vms[].role":             runs("topology.vms[web-1].role=shop").on("classic-dc"),
	"topology.vms[].ft":               runs("topology.vms[web-broker].ft=false").with(hv3Fails).on("classic-dc"),
	"topology.vms[].boot_time":        runs("topology.vms[web-1].boot_time=30s").on("classic-dc"),
	"topology.vms[].restart_priority": runs("topology.vms[web-1].restart_priority=disabled").on("classic-dc"),
	// web-1's guest crashes at 5 min: it reboots (60 s down), or halts until the repair.
	"topology.vms[].on_guest_crash": runs("topology.vms[web-1].on_guest_crash=halt").with(web1Crashes).on("classic-dc"),
	// A guest dirtying 2 Gbit/s needs more pre-copy rounds; within a small working set
	// the dirty set stops growing with the round.
	"topology.clusters[].drs.enabled":            runs("topology.clusters[cl].drs.enabled=false").on("dpm-lab").with(tenHours),
	"topology.clusters[].drs.threshold":          runs("topology.clusters[cl].drs.threshold=1").on("dpm-lab").with(tenHours),
	"topology.clusters[].drs.interval":           runs("topology.clusters[cl].drs.interval=10m").on("dpm-lab").with(tenHours),
	"topology.clusters[].drs.automation":         runs("topology.clusters[cl].drs.automation=manual").on("dpm-lab").with(tenHours),
	"topology.clusters[].dpm.enabled":            runs("topology.clusters[cl].dpm.enabled=false").on("dpm-lab").with("run.duration=1h"),
	"topology.clusters[].dpm.target_utilization": runs("topology.clusters[cl].dpm.target_utilization=80").on("dpm-lab").with(tenHours),
	"topology.clusters[].dpm.tolerance":          runs("topology.clusters[cl].dpm.tolerance=10").on("dpm-lab").with(tenHours),
	"topology.vms[].demand.cpu":                  runs("topology.vms[app-1].demand.cpu=0.2").on("dpm-lab").with("run.duration=1h"),
	"topology.vms[].demand.profile":              runs("topology.vms[app-1].demand.profile=batch").on("dpm-lab").with("run.duration=1h"),
	// Memory in use below 45 % on one host of two lets DPM (HA off: one host may do)
	// power off the third of four hosts too.
	"topology.vms[].demand.ram": runs("topology.vms[app-1].demand.ram=0.5", "topology.vms[app-2].demand.ram=0.5", "topology.vms[app-3].demand.ram=0.5",
		"topology.vms[app-4].demand.ram=0.5", "topology.vms[app-5].demand.ram=0.5", "topology.vms[app-6].demand.ram=0.5",
		"topology.vms[app-7].demand.ram=0.5", "topology.vms[app-8].demand.ram=0.5").on("dpm-lab").with("run.duration=2h", "topology.clusters[cl].ha.enabled=false"),
	// Memory in use following the office profile (0.1 at night: 8·1.6/128 = 10 % on
	// one host) lets DPM (HA off) power off the third of four hosts too.
	"topology.vms[].demand.ram_profile": runs("topology.vms[app-1].demand.ram_profile=office", "topology.vms[app-2].demand.ram_profile=office",
		"topology.vms[app-3].demand.ram_profile=office", "topology.vms[app-4].demand.ram_profile=office", "topology.vms[app-5].demand.ram_profile=office",
		"topology.vms[app-6].demand.ram_profile=office", "topology.vms[app-7].demand.ram_profile=office",
		"topology.vms[app-8].demand.ram_profile=office").on("dpm-lab").with("run.duration=2h", "topology.clusters[cl].ha.enabled=false"),
	"topology.vms[].dirty_rate":        runs("topology.vms[web-1].dirty_rate=2G").with(web1Migrates).on("classic-dc"),
	"topology.vms[].working_set_gb":    runs("topology.vms[web-1].working_set_gb=0.05").with(web1Migrates, "topology.vms[web-1].dirty_rate=2G").on("classic-dc"),
	"topology.vms[].nics[].name":       {kind: identity},
	"topology.vms[].nics[].port_group": runs("topology.vms[web-1].nics[eth1].port_group=pg-web").on("classic-dc"),
	"topology.vm_clusters[].name":      {kind: identity},
	// hv-1 (pbx-a) fails at 300 s: with pbx-b active nothing fails over; heartbeats
	// every 700 ms put the last one at 299.6 s.
	"topology.vm_clusters[].vms":       runs("topology.vm_clusters[pbx-pair].vms=[pbx-b, pbx-a]").on("classic-dc"),
	"topology.vm_clusters[].heartbeat": runs("topology.vm_clusters[pbx-pair].heartbeat=700ms").on("classic-dc"),
	"topology.vm_clusters[].timeout":   runs("topology.vm_clusters[pbx-pair].timeout=5s").on("classic-dc"),
	"topology.vm_clusters[].takeover":  runs("topology.vm_clusters[pbx-pair].takeover=1s").on("classic-dc"),
	"topology.endpoints[].name":        {kind: identity},
	"topology.endpoints[].kind":        runs("topology.endpoints[client-1].kind=phone"),
	"topology.endpoints[].connect":     runs("topology.endpoints[client-1].connect=edge-a:6"),
	"topology.endpoints[].vlan":        runs("topology.endpoints[client-1].vlan=voice"),
	"topology.gateways[].name":         {kind: identity},
	"topology.gateways[].vlan":         runs("topology.gateways[gw-clients].vlan=voice", "topology.gateways[gw-voice].vlan=clients"),
	"topology.gateways[].address":      info("gateway addresses"),
	"topology.gateways[].protocol":     runs("topology.gateways[gw-voice].protocol=hsrp").with(coreAFails),
	"topology.gateways[].routers":      runs("topology.gateways[gw-clients].routers=[core-a, core-b]"),
	"topology.gateways[].hello":        runs("topology.gateways[gw-voice].hello=2s").with(coreAFails),
	"topology.gateways[].dead":         runs("topology.gateways[gw-servers].dead=10s").with(coreAFails),

	"workloads.flows[].name":          runs("workloads.flows[web-1].name=web-9"),
	"workloads.flows[].from":          runs("workloads.flows[web-1].from=client-2"),
	"workloads.flows[].to":            runs("workloads.flows[web-1].to=client-2"),
	"workloads.flows[].rate":          runs("workloads.flows[web-1].rate=4M"),
	"workloads.flows[].packet_size":   runs("workloads.flows[web-1].packet_size=600"),
	"workloads.flows[].bidirectional": runs("workloads.flows[web-1].bidirectional=false"),

	"workloads.calls.groups[].name":                 {kind: identity},
	"workloads.calls.groups[].endpoints":            runs("workloads.calls.groups[office].endpoints=[phone-1, phone-4]"),
	"workloads.calls.groups[].stations":             runs("workloads.calls.groups[office].stations=2"),
	"workloads.calls.groups[].bhca":                 runs("workloads.calls.groups[office].bhca=2").with("workloads.calls.groups[office].erlangs=null"),
	"workloads.calls.groups[].erlangs":              runs("workloads.calls.groups[office].erlangs=0.05"),
	"workloads.calls.groups[].holding_time":         runs("workloads.calls.groups[office].holding_time=60s"),
	"workloads.calls.groups[].codec":                runs("workloads.calls.groups[office].codec=g729a"),
	"workloads.calls.groups[].pbx":                  refusedBy("workloads.calls.groups[office].pbx=phone-1"),
	"workloads.calls.groups[].jitter_buffer":        runs("workloads.calls.groups[office].jitter_buffer=120ms"),
	"workloads.calls.groups[].jitter_buffer_mode":   runs("workloads.calls.groups[office].jitter_buffer_mode=adaptive"),
	"workloads.calls.groups[].holding_distribution": runs("workloads.calls.groups[office].holding_distribution=lognormal"),
	"workloads.calls.groups[].packetization":        runs("workloads.calls.groups[office].packetization=40ms"),
	"workloads.calls.groups[].mix.internal":         runs("workloads.calls.groups[office].mix.internal=5"),
	"workloads.calls.groups[].mix.other_group":      runs("workloads.calls.groups[sales].mix.other_group=10").on("classic-dc"),
	"workloads.calls.groups[].mix.trunk":            runs("workloads.calls.groups[sales].mix.trunk=10").on("classic-dc"),
	"workloads.calls.groups[].mix.voicemail":        runs("workloads.calls.groups[office].mix.voicemail=5"),
	"workloads.calls.groups[].mix.conference":       runs("workloads.calls.groups[support].mix.conference=10").on("classic-dc"),
	"workloads.calls.groups[].video":                runs("workloads.calls.groups[office].video=room"),
	"workloads.calls.pbxs[].name":                   {kind: identity},
	"workloads.calls.pbxs[].nodes":                  runs("workloads.calls.pbxs[pbx].nodes=[pbx-a]").on("classic-dc"),
	"workloads.calls.pbxs[].channels":               runs("workloads.calls.pbxs[pbx].channels=3").on("classic-dc"),
	"workloads.calls.pbxs[].failover_delay":         runs("workloads.calls.pbxs[pbx].failover_delay=20s").on("classic-dc"),
	"workloads.calls.gateway.node":                  runs("workloads.calls.gateway.node=voicemail").on("classic-dc"),
	"workloads.calls.gateway.channels":              runs("workloads.calls.gateway.channels=2").on("classic-dc"),
	"workloads.calls.voicemail.node":                runs("workloads.calls.voicemail.node=pbx-a").on("classic-dc"),
	"workloads.calls.voicemail.channels":            runs("workloads.calls.voicemail.channels=1"),
	"workloads.calls.conference.node":               runs("workloads.calls.conference.node=pbx-a").on("classic-dc"),
	"workloads.calls.conference.channels":           runs("workloads.calls.conference.channels=1").on("classic-dc"),
	"workloads.calls.rtp_timeout":                   runs("workloads.calls.rtp_timeout=5s").with(edgeAFails),
	"workloads.calls.post_dial_delay":               runs("workloads.calls.post_dial_delay=100s"),
	"workloads.calls.mos_interval":                  runs("workloads.calls.mos_interval=1s").with("workloads.calls.groups[office].codec=g711"),

	"failures.scheduled[].at":           runs("failures.scheduled[0].at=20s"),
	"failures.scheduled[].component":    runs("failures.scheduled[0].component=srv-1:eth1"),
	"failures.scheduled[].kind":         runs("failures.scheduled[0].kind=switch-port", "failures.scheduled[0].component=edge-a:10"),
	"failures.scheduled[].repair_after": runs("failures.scheduled[0].repair_after=30s"),
	"failures.scheduled[].manual":       runs("failures.scheduled[0].manual=true"),
	"failures.scheduled[].to":           runs("failures.scheduled[0].to=hv-4").with(web1Migrates).on("classic-dc"),
	"failures.random[].class":           runs("failures.random[0].class=nic").with(randomLinks, long),
	"failures.random[].mtbf":            runs("failures.random[0].mtbf=60s").with(randomLinks, long),
	"failures.random[].mttr":            runs("failures.random[0].mttr=20s").with(randomLinks, long),
	"failures.random[].distribution":    runs("failures.random[0].distribution=weibull").with(randomLinks, long),
	"failures.random[].kind":            runs("failures.random[0].kind=vm-hang").with("failures.random=[{class: vm, mtbf: 5m, mttr: 1m}]").on("classic-dc"),

	"run.duration": runs("run.duration=100s"),
	"run.seed":     runs("run.seed=2"),
}

const randomLinks = "failures.random=[{class: link, mtbf: 120s, mttr: 10s}]"

// leafKeys lists the schema's keys as paths ("topology.switches[].stp.hello").
func leafKeys() []string {
	var keys []string
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.String {
			e := t.Elem()
			for e.Kind() == reflect.Pointer {
				e = e.Elem()
			}
			if e.Kind() == reflect.Struct {
				walk(prefix+"[]", e)
				return
			}
		}
		if t.Kind() == reflect.Struct && t.PkgPath() == "dctwin/scenario" {
			for i := 0; i < t.NumField(); i++ {
				tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
				if tag == "" || tag == "-" {
					continue
				}
				walk(strings.TrimPrefix(prefix+"."+tag, "."), t.Field(i).Type)
			}
			return
		}
		keys = append(keys, prefix)
	}
	walk("", reflect.TypeOf(scenario.Spec{}))
	sort.Strings(keys)
	return keys
}

func TestEverySettingTakesEffect(t *testing.T) {
	keys := leafKeys()
	known := map[string]bool{}
	for _, k := range keys {
		known[k] = true
		if _, ok := fieldEffects[k]; !ok {
			t.Errorf("scenario key %s has no entry in fieldEffects: show how it changes the run, or that check refuses or notes it", k)
		}
	}
	for k := range fieldEffects {
		if !known[k] {
			t.Errorf("fieldEffects has %s, which the schema no longer has", k)
		}
	}
	for _, k := range keys {
		e, ok := fieldEffects[k]
		if !ok || e.kind == identity {
			continue
		}
		t.Run(k, func(t *testing.T) { e.prove(t, k) })
	}
}

func (e fieldEffect) scenario(t *testing.T, sets ...[]string) *scenario.Scenario {
	t.Helper()
	base := e.base
	if base == "" {
		base = "teaming-lab"
	}
	sc, err := twin.Load(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range sets {
		for _, kv := range list {
			path, value, _ := strings.Cut(kv, "=")
			if err := sc.Set(path, value); err != nil {
				if e.kind == refused {
					return nil
				}
				t.Fatalf("--set %s: %v", kv, err)
			}
		}
	}
	return sc
}

// report runs a scenario and returns its report as JSON and text.
func report(t *testing.T, sc *scenario.Scenario) string {
	t.Helper()
	tw, err := twin.New(sc, twin.Options{Force: true}) // blade-lab's lesson is a check error
	if err != nil {
		t.Fatalf("the scenario does not run: %v", err)
	}
	tw.Run()
	rep := tw.Report()
	j, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return string(j) + "\n" + b.String()
}

func (e fieldEffect) prove(t *testing.T, key string) {
	switch e.kind {
	case changesRun:
		before := report(t, e.scenario(t, e.setup))
		after := report(t, e.scenario(t, e.setup, e.change))
		if before == after {
			t.Errorf("%s: %v does not change the report", key, e.change)
		}
	case refused:
		sc := e.scenario(t, e.setup, e.change)
		if sc == nil {
			return // the override itself was refused
		}
		if twin.Check(sc).Count(check.Error) == 0 {
			t.Errorf("%s: %v is not refused by check", key, e.change)
		}
	case notSimulated:
		sc := e.scenario(t, e.setup, e.change)
		for _, f := range twin.Check(sc) {
			if f.Kind == check.NotSimulated && strings.Contains(f.Message, e.word) {
				return
			}
		}
		t.Errorf("%s: check does not say that %q is not simulated", key, e.word)
	}
}
