package check_test

import (
	"os"
	"strings"
	"testing"

	"dctwin/scenario"
	"dctwin/topology/check"
	"dctwin/twin"
)

// edit replaces the first occurrence of old by new in the base scenario.
type edit struct{ old, new string }

// applyEdits makes each edit (its first occurrence) in text; an edit whose target is
// missing fails the test.
func applyEdits(t *testing.T, text string, edits []edit) string {
	t.Helper()
	for _, e := range edits {
		if !strings.Contains(text, e.old) {
			t.Fatalf("edit target %q not in the base", e.old)
		}
		text = strings.Replace(text, e.old, e.new, 1)
	}
	return text
}

// findingCase expects a finding of kind at the line of the edited scenario that
// contains at.
type findingCase struct {
	kind  check.Kind
	edits []edit
	at    string
}

var cases = []findingCase{
	{check.DuplicateName, []edit{{"    - {name: san, kind: san}\n", "    - {name: san, kind: san}\n    - {name: san, kind: nas} # dup\n"}}, "# dup"},
	{check.DanglingName, []edit{{"{name: gw, vlan: voice,", "{name: gw, vlan: voyce,"}}, "voyce"},
	{check.BadPort, []edit{{`b: "core-b:8"`, `b: "core-b:9"`}}, "core-b:9"},
	{check.BadValue, []edit{{"{name: vmotion, id: 30}", "{name: vmotion, id: 5000}"}}, "id: 5000"},
	{check.BadValue, []edit{{"{name: sw-b, ports: 24,", "{name: sw-b, ports: 100000000,"}}, "ports: 100000000"},
	{check.NotHypervisor, []edit{{"hosts: [hv1, hv2]", "hosts: [hv1, hv2, srv]"}}, "hosts: [hv1, hv2, srv]"},
	{check.PortReused, []edit{{`connect: "sw-a:5"`, `connect: "sw-a:1"`}}, `{name: phone`},
	{check.BayMissing, []edit{{"      bay: 1\n      storage", "      bay: 5\n      storage"}}, "bay: 5"},
	{check.BayOccupied, []edit{{"  clusters:", "    - {name: bl2, kind: blade, enclosure: enc-p, bay: 1, nics: [{name: e0, vlans: [srv]}]}\n  clusters:"}}, "name: bl2"},
	{check.BladeWiring, []edit{{"{name: eth0, speed: 1G, vlans: [srv]} # bl", `{name: eth0, speed: 1G, vlans: [srv], connect: "sw-a:6"} # bl`}}, `"sw-a:6"`},
	{check.NICUnconnected, []edit{{`        - {name: eth1, speed: 1G, vlans: [srv], connect: "sw-b:1"}`, "        - {name: eth1, speed: 1G, vlans: [srv], connect: \"sw-b:1\"}\n        - {name: eth2, speed: 1G}"}}, "name: eth2"},
	{check.VLANNotCarried, []edit{
		{"    - {name: sw-b, ports: 24, cluster: pair}", "    - {name: sw-b, ports: 24, cluster: pair}\n    - {name: acc, ports: 8, vlans: [voice]}"},
		{"    - {name: isl,", "    - {a: \"acc:8\", b: \"sw-a:10\"}\n    - {name: isl,"},
		{"  gateways:", "    - {name: pc, connect: \"acc:1\", vlan: srv}\n  gateways:"}}, "name: pc"},
	{check.TeamVLANMismatch, []edit{{`{name: eth1, speed: 1G, vlans: [srv], connect: "sw-b:1"}`, `{name: eth1, speed: 1G, vlans: [srv, voice], connect: "sw-b:1"}`}}, "{name: bond0, members: [eth0, eth1], mode: nft"},
	{check.TeamNoL2Path, []edit{{`    - {name: isl, a: "sw-a:24", b: "sw-b:24"}` + "\n", ""}, {`    - {name: core-isl, a: "core-a:8", b: "core-b:8"}` + "\n", ""}}, "{name: bond0, members: [eth0, eth1], mode: nft"},
	{check.TeamSplitAggregate, []edit{{"{name: sw-b, ports: 24, cluster: pair}", "{name: sw-b, ports: 24, cluster: other}"}}, "mode: lacp"},
	{check.TeamOneMember, []edit{{"members: [eth0, eth1], mode: nft", "members: [eth0], mode: nft"}}, "members: [eth0], mode: nft"},
	{check.TeamSpeedMismatch, []edit{{`{name: eth1, speed: 1G, vlans: [srv], connect: "sw-b:1"}`, `{name: eth1, speed: 100M, vlans: [srv], connect: "sw-b:1"}`}}, "{name: bond0, members: [eth0, eth1], mode: nft"},
	{check.TeamMemberReused, []edit{{"mode: nft, detection: {method: miimon}}\n    - name: hv1", "mode: nft, detection: {method: miimon}}\n        - {name: bond1, members: [eth0, eth1]}\n    - name: hv1"}}, "name: bond1"},
	{check.UplinkInvisible, []edit{{"{name: ic1, kind: switch, uplinks: 1, uplink_failure_detection: true}", "{name: ic1, kind: switch, uplinks: 1}"}}, "{name: t, members: [n0, n1], mode: nft"},
	{check.UpdelayBelowSTP, []edit{{"{name: sw-a, ports: 24, cluster: pair}", "{name: sw-a, ports: 24, cluster: pair, spanning_tree: stp, portfast: false}"}}, "{name: bond0, members: [eth0, eth1], mode: nft"},
	{check.HeartbeatTooSlow, []edit{{"mode: lacp, detection: {method: miimon}}", "mode: lacp, detection: {method: heartbeat, interval: 5s, missed: 3}}"}}, "interval: 5s"},
	{check.BeaconTwoNICs, []edit{{"mode: lacp, detection: {method: miimon}}", "mode: lacp, detection: {method: heartbeat}}"}}, "method: heartbeat"},
	{check.LACPWithHeartbeat, []edit{{"mode: lacp, detection: {method: miimon}}", "mode: lacp, detection: {method: heartbeat}}"}}, "method: heartbeat"},
	{check.LoopWithoutSTP, []edit{
		{"{name: sw-a, ports: 24, cluster: pair}", "{name: sw-a, ports: 24, cluster: pair, spanning_tree: none}"},
		{"{name: sw-b, ports: 24, cluster: pair}", "{name: sw-b, ports: 24, cluster: pair, spanning_tree: none}"},
		{`    - {a: "sw-a:23", b: "core-a:1"}`, `    - {a: "sw-a:23", b: "core-a:1"}` + "\n    - {name: second, a: \"sw-a:22\", b: \"sw-b:22\"}"}}, "name: second"},
	{check.NoGratuitousARP, []edit{{"mode: nft, detection: {method: miimon}}\n    - name: hv1", "mode: nft, gratuitous_arp: 0, detection: {method: miimon}}\n    - name: hv1"}}, "gratuitous_arp: 0"},
	{check.SinglePSU, []edit{{"    - name: enc-s\n      bays: 4\n", "    - name: enc-s\n      bays: 4\n      power_supplies: 1\n"}}, "power_supplies: 1"},
	{check.ModuleNoUplinks, []edit{{"{name: ic1, kind: switch, uplinks: 1,", "{name: ic1, kind: switch, uplinks: 0,"}}, "uplinks: 0"},
	{check.ModuleUplinkUnused, []edit{{`    - {a: "ic2:up1", b: "sw-b:20"}` + "\n", ""}}, "{name: ic2"},
	{check.GatewayOneSwitch, []edit{{"routers: [core-a, core-b]", "routers: [core-a, core-a]"}}, "routers: [core-a, core-a]"},
	{check.GatewayNotL3, []edit{{"routers: [core-a, core-b]", "routers: [core-a, sw-a]"}}, "routers: [core-a, sw-a]"},
	{check.NotSimulated, []edit{{"{name: srv, id: 10}", "{name: srv, id: 10, subnet: 10.0.10.0/24}"}}, "subnet: 10.0.10.0/24"},
	{check.FailureNotSimulated, []edit{{"  scheduled:\n", "  scheduled:\n    - {at: 1s, component: srv, kind: storage-path}\n"}}, "kind: storage-path"},
	{check.FlowEndpoints, []edit{{"{name: f, from: phone, to: pbx,", "{name: f, from: phone, to: phone,"}}, "to: phone,"},
	{check.FlowOverCapacity, []edit{{"to: pbx, rate: 100k,", "to: pbx, rate: 4T,"}}, "rate: 4T"},
	{check.FailureOverlap, []edit{{"    - {at: 1s, component: sw-a, kind: switch}", "    - {at: 1s, component: sw-a, kind: switch}\n    - {at: 5s, component: sw-a, kind: switch} # again"}}, "# again"},
	{check.SessionOverlap, []edit{{"    - {at: 1s, component: sw-a, kind: switch}", "    - {at: 1s, component: sw-a, kind: switch}\n    - {at: 5s, component: sw-a, kind: switch, manual: true} # by hand"}}, "# by hand"},
	{check.FailureBudget, []edit{{"  scheduled:\n", "  random:\n    - {class: link, mtbf: 1ns, mttr: 1ns}\n  scheduled:\n"}}, "mtbf: 1ns"},
	{check.BadValue, []edit{{"\nfailures:\n", "\nrun:\n  duration: 1000001h # long\nfailures:\n"}}, "# long"},
	{check.GatewaySplit, []edit{{`    - {name: isl, a: "sw-a:24", b: "sw-b:24"}` + "\n", ""}, {`    - {name: core-isl, a: "core-a:8", b: "core-b:8"}` + "\n", ""}}, "{name: gw"},
	{check.LocalDiskInCluster, []edit{{"host: hv1, disk: san", "host: hv1, disk: local"}}, "{name: pbx"},
	{check.ClusterNetworks, []edit{{"{name: pg-voice, vlan: voice} # hv2", "{name: pg-voice, vlan: srv} # hv2"}}, "port_groups: # hv2"},
	// DRS without the cluster's vMotion network can move nothing.
	{check.ClusterNetworks, []edit{{"      vmotion_vlan: vmotion\n", ""}}, "drs: {enabled: true}"},
	// concurrent_vmotions without the vMotion network limits nothing (DRS off, so
	// that the finding is this one).
	{check.ClusterNetworks, []edit{{"      vmotion_vlan: vmotion\n", "      concurrent_vmotions: 2\n"}, {"      drs: {enabled: true}\n", ""}}, "concurrent_vmotions: 2"},
	{check.ClusterStorage, []edit{{"storage: [san] # hv2", "storage: [] # hv2"}}, "storage: [] # hv2"},
	{check.HATooFewHosts, []edit{{"hosts: [hv1, hv2]", "hosts: [hv1]"}}, "ha: {enabled: true}"},
	{check.HAAdmission, []edit{{"ha: {enabled: true}", "ha: {enabled: true, host_failures_tolerated: 2}"}}, "host_failures_tolerated: 2"},
	{check.FTWithoutShared, []edit{{"host: hv1, disk: san, role: pbx,", "host: hv1, disk: local, ft: true, role: pbx,"}}, "{name: pbx"},
	{check.FTNoLogging, []edit{{"disk: san, role: pbx,", "disk: san, ft: true, role: pbx,"}}, "ft: {enabled: true}"},
	{check.FTNotEnabled, []edit{{"ft: {enabled: true}", "ft: {enabled: false}"}, {"disk: san, role: pbx,", "disk: san, ft: true, role: pbx,"}}, "{name: pbx"},
	{check.VMNotOnHypervisor, []edit{{"{name: pbx, host: hv1,", "{name: pbx, host: srv,"}}, "{name: pbx"},
	{check.VMPortGroupMissing, []edit{{"{name: pg-voice, vlan: voice} # hv2", "{name: pg-phones, vlan: voice} # hv2"}}, "{name: pbx"},
	{check.IPHashUnbundled, []edit{{"      port_groups:\n        - {name: pg-voice, vlan: voice}\n", "      vswitch: {load_balancing: ip-hash}\n      port_groups:\n        - {name: pg-voice, vlan: voice}\n"}}, "load_balancing: ip-hash"},
	{check.VMTooBig, []edit{{"{name: pbx, host: hv1,", "{name: pbx, host: hv1, ram_gb: 64,"}, {"      bay: 1\n      storage: [san] # hv1", "      bay: 1\n      ram_gb: 32\n      storage: [san] # hv1"}, {"      storage: [san] # hv2", "      ram_gb: 32\n      storage: [san] # hv2"}}, "ram_gb: 64"},
	{check.OperationMeaningless, []edit{{"      vmotion_vlan: vmotion\n", ""}, {"  scheduled:\n", "  scheduled:\n    - {at: 2s, component: pbx, kind: migrate, to: hv2} # move\n"}}, "# move"},
	// storage-path needs a hypervisor on shared storage: with none, random ones are
	// of nothing.
	{check.RandomOfNothing, []edit{{"storage: [san] # hv1", "storage: [] # hv1"}, {"storage: [san] # hv2", "storage: [] # hv2"},
		{"  scheduled:\n", "  random:\n    - {class: host, kind: storage-path, mtbf: 1000h, mttr: 1h} # none\n  scheduled:\n"}}, "# none"},
	{check.RepairOfNothing, []edit{{"  scheduled:\n", "  scheduled:\n    - {at: 2s, component: hv2, kind: repair} # nothing\n"}}, "# nothing"},
	{check.VMClusterOneHost, []edit{{"  endpoints:\n", "    - {name: pbx2, host: hv1, disk: san, role: pbx, nics: [{name: e0, port_group: pg-voice}]}\n  vm_clusters:\n    - {name: pair, vms: [pbx, pbx2]}\n  endpoints:\n"}}, "name: pair"},
	{check.VMNoNetwork, []edit{{"{name: e0, port_group: pg-voice}", "{name: e0, port_group: pg-video}"}}, "{name: pbx"},
	{check.StorageNotAttached, []edit{{"storage: [san] # hv1", "storage: [] # hv1"}}, "{name: pbx"},
	{check.HostIsolated, []edit{{"  clusters:", "    - {name: lonely, kind: rack}\n  clusters:"}}, "name: lonely"},
	{check.FailureUnknown, []edit{{"component: sw-a, kind: switch", "component: sw-z, kind: switch"}}, "sw-z"},
	{check.FailureAfterEnd, []edit{{"{at: 1s, component: sw-a", "{at: 2h, component: sw-a"}}, "at: 2h"},
	{check.WorkloadUnknownName, []edit{{"from: phone, to: pbx,", "from: phone, to: pbz,"}}, "to: pbz"},
	{check.CallLoadMissing, []edit{{"{name: g, endpoints: [phone], bhca: 1, pbx: pbx,", "{name: g, endpoints: [phone], pbx: pbx,"}}, "{name: g,"},
	{check.CallConfigInvalid, []edit{{"mix: {voicemail: 1}}", "\n         mix: {voicemail: 1, trunk: 1}}"}}, "mix:"},
}

func base(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func findings(t *testing.T, text string) check.Findings {
	t.Helper()
	sc, err := scenario.Parse("base.yaml", []byte(text))
	if err != nil {
		t.Fatalf("scenario does not load: %v", err)
	}
	return twin.Check(sc)
}

func TestBaseIsClean(t *testing.T) {
	for _, f := range findings(t, base(t)) {
		if f.Kind == check.NotSimulated {
			continue // the base writes a cluster: it is said once, as info
		}
		t.Errorf("unexpected finding in the clean base: %s", f)
	}
}

func TestEveryFindingKind(t *testing.T) {
	covered := map[check.Kind]bool{}
	for _, c := range cases {
		covered[c.kind] = true
		t.Run(string(c.kind), func(t *testing.T) {
			text := base(t)
			text = applyEdits(t, text, c.edits)
			line := lineOf(text, c.at)
			if line == 0 {
				t.Fatalf("marker %q not in edited scenario", c.at)
			}
			fs := findings(t, text)
			for _, f := range fs {
				if f.Kind == c.kind && f.Pos.Line == line {
					if f.Message == "" || f.Why == "" || f.Pos.Col == 0 {
						t.Errorf("finding without message, explanation or column: %+v", f)
					}
					return
				}
			}
			t.Errorf("no %s finding at line %d; got:", c.kind, line)
			for _, f := range fs {
				t.Logf("  %s [%s]", f, f.Kind)
			}
		})
	}
	for _, k := range check.Kinds() {
		if !covered[k] {
			t.Errorf("finding kind %s has no test case", k)
		}
	}
}

func lineOf(text, marker string) int {
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, marker) {
			return i + 1
		}
	}
	return 0
}

func TestSeverityAndDescribe(t *testing.T) {
	for _, k := range check.Kinds() {
		sev, why, ok := check.Describe(k)
		if !ok || why == "" {
			t.Errorf("%s: no explanation", k)
		}
		if sev < check.Info || sev > check.Error {
			t.Errorf("%s: bad severity %v", k, sev)
		}
	}
}

func TestBuiltinScenariosHaveNoErrors(t *testing.T) {
	for _, name := range []string{"teaming-lab", "classic-dc"} {
		sc, err := twin.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		fs := twin.Check(sc)
		if n := fs.Count(check.Error); n > 0 {
			t.Errorf("%s: %d errors, e.g. %s", name, n, fs[0])
		}
	}
}

// Each mistake planted in misconfigured-dc is named in its header as [kind]; check
// must report every one of them.
func TestMisconfiguredFindsEveryPlantedMistake(t *testing.T) {
	sc, err := twin.Load("misconfigured-dc")
	if err != nil {
		t.Fatal(err)
	}
	got := map[check.Kind]bool{}
	fs := twin.Check(sc)
	for _, f := range fs {
		got[f.Kind] = true
	}
	if fs.Count(check.Error) == 0 {
		t.Fatal("misconfigured-dc has no errors")
	}
	for _, line := range strings.Split(string(sc.Text), "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		i, j := strings.LastIndex(line, "["), strings.LastIndex(line, "]")
		if i < 0 || j < i {
			continue
		}
		for _, k := range strings.Split(line[i+1:j], ",") {
			k = strings.TrimSpace(k)
			if !got[check.Kind(k)] {
				t.Errorf("planted mistake [%s] not found", k)
			}
		}
	}
}

// The ha-admission finding counts slots as the run does (topology/ha): classic-dc's
// cluster has hv-1 and hv-2 (192 GB, 24 cores) and hv-3 and hv-4 (256 GB, 32 cores),
// all at the default 2400 MHz a core (57600 and 76800 MHz). Its VMs reserve nothing
// but the FT VMs, which reserve all their memory (mgw 2 GB, web-broker 4 GB); the slot
// is 4 GB and 32 MHz (reference-facts §6.1):
//
//	hv-1, hv-2: min(57600/32, 192/4) = min(1800, 48) = 48; hv-3, hv-4: min(2400, 64) = 64
//	VMs: 11, and the two FT secondaries = 13 slots used; tolerating 3: 48 ≥ 13.
//
// With mcu reserving 4800 MHz and db-read-1 16 GB, the slot is 16 GB and 4800 MHz:
//
//	hv-1, hv-2: min(57600/4800, 192/16) = min(12, 12) = 12; hv-3, hv-4: min(16, 16) = 16
//	tolerating 2: 56 − 32 = 24 ≥ 13, no finding; tolerating 3: 56 − 44 = 12 < 13.
func TestAdmissionSlots(t *testing.T) {
	reserved := []string{"topology.vms[mcu].cpu_reservation_mhz=4800", "topology.vms[db-read-1].ram_reservation_gb=16"}
	for _, c := range []struct {
		tolerated string
		sets      []string
		want      string
	}{
		{"3", nil, ""},
		{"2", reserved, ""},
		{"3", reserved, "13 VMs need 13 slots of 16 GB and 4800 MHz; the hosts hold [16 16 12 12], 12 after losing the 3 largest"},
	} {
		sc, err := twin.Load("classic-dc")
		if err != nil {
			t.Fatal(err)
		}
		for _, kv := range append([]string{"topology.clusters[vcluster].ha.host_failures_tolerated=" + c.tolerated}, c.sets...) {
			if err := sc.Override(kv); err != nil {
				t.Fatal(err)
			}
		}
		got := ""
		for _, f := range twin.Check(sc) {
			if f.Kind == check.HAAdmission {
				got = f.Message
			}
		}
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("tolerating %s: finding %q, want %q", c.tolerated, got, c.want)
		}
	}
}
