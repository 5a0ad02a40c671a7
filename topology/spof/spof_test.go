package spof_test

import (
	"slices"
	"strings"
	"testing"

	"dctwin/topology"
	"dctwin/topology/spof"
	"dctwin/twin"
)

func results(t *testing.T, name string) map[string]spof.Result {
	t.Helper()
	sc, err := twin.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]spof.Result{}
	for _, r := range spof.Analyze(sc.Topology()) {
		out[string(r.Component.Class)+" "+r.Component.Name] = r
	}
	return out
}

func effect(r spof.Result, item string) spof.Effect {
	for _, im := range r.Impacts {
		if im.Item.Name == item {
			return im.Effect
		}
	}
	return ""
}

func TestClassicDC(t *testing.T) {
	rs := results(t, "classic-dc")
	cases := []struct {
		component, item string
		want            spof.Effect
	}{
		// an enclosure takes its blades; their VMs come back by HA on the rack hosts
		{"enclosure encl-sw", "hv-1", spof.Down},
		{"enclosure encl-sw", "pbx-a", spof.ClusterTakeover}, // pbx-pair: pbx-b on hv-3 takes over
		// the pass-through enclosure holds both directory servers
		{"enclosure encl-pt", "dir-1", spof.Down},
		{"enclosure encl-pt", "dir-2", spof.Down},
		// the legacy server hangs off one switch with one NIC
		{"switch agg-1", "legacy-fax", spof.Isolated},
		{"nic legacy-fax:eth0", "legacy-fax", spof.Isolated},
		// access switches cut their phones and clients off
		{"switch acc-1", "phone-1", spof.Isolated},
		{"switch acc-1", "client-2", spof.Isolated},
		// a host failure: HA restart vs FT secondary
		{"host hv-3", "pbx-b", spof.ClusterTakeover},
		{"host hv-3", "web-broker", spof.FTTakeover},
		// shared storage: nothing can restart a VM whose disk is gone
		{"storage san-1", "pbx-a", spof.Down},
		{"storage san-1", "mgw", spof.Down},
	}
	for _, c := range cases {
		r, ok := rs[c.component]
		if !ok {
			t.Errorf("%s: not reported", c.component)
			continue
		}
		if got := effect(r, c.item); got != c.want {
			t.Errorf("%s: %s is %q, want %q", c.component, c.item, got, c.want)
		}
	}
	if r := rs["enclosure encl-pt"]; !slices.Contains(r.ServicesLost, "directory") {
		t.Errorf("encl-pt: services lost %v", r.ServicesLost)
	}
	if r := rs["host hv-3"]; !slices.Contains(r.ServicesDegraded, "pbx") || slices.Contains(r.ServicesLost, "pbx") {
		t.Errorf("hv-3: the PBX pair survives on pbx-a: lost %v degraded %v", r.ServicesLost, r.ServicesDegraded)
	}
	// a server's phones on the other access switch are not affected by acc-1
	if effect(rs["switch acc-1"], "phone-3") != "" || effect(rs["switch acc-1"], "pbx-a") != "" {
		t.Error("acc-1 failure reported beyond its own endpoints")
	}
	// redundant parts are not single points of failure
	for _, k := range []string{"switch core-1", "switch agg-2", "module ic-sw1", "psu encl-sw:psu1", "link agg-isl"} {
		if r, ok := rs[k]; ok && r.Serious() {
			t.Errorf("%s reported as a single point of failure: %+v", k, r.Impacts)
		}
	}
}

// The teaming lab's server is dual-homed: losing one NIC or one edge switch leaves it
// reachable; a phone's own cable is expected to isolate it and is not "serious".
func TestTeamingLab(t *testing.T) {
	rs := results(t, "teaming-lab")
	for _, k := range []string{"nic srv-1:eth0", "link isl", "switch core-a"} {
		if r, ok := rs[k]; ok && r.Serious() {
			t.Errorf("%s: %+v", k, r.Impacts)
		}
	}
	r := rs["switch edge-a"]
	if effect(r, "phone-1") != spof.Isolated || effect(r, "srv-1") != "" {
		t.Errorf("edge-a: %+v", r.Impacts)
	}
	if r, ok := rs["link phone-1:nic--edge-a:1"]; !ok || r.Serious() {
		t.Errorf("phone cable: %+v (reported: %v)", r, ok)
	}
}

// A VM on a local disk, or in a cluster without HA, is simply down with its host; with
// the last cluster host gone there is nowhere to restart.
func TestDownWithoutHA(t *testing.T) {
	top := topology.New()
	top.AddStorage(&topology.Storage{Name: "san"})
	for _, h := range []string{"h1", "h2"} {
		top.AddHost(&topology.Host{Name: h, Kind: topology.Hypervisor})
	}
	top.AddCluster(&topology.Cluster{Name: "c", Hosts: []string{"h1", "h2"}, HA: topology.HA{Enabled: true}})
	top.AddVM(&topology.VM{Name: "shared", Host: "h1", Disk: "san"})
	top.AddVM(&topology.VM{Name: "local", Host: "h1", Disk: topology.LocalDisk})
	items := spof.Items(top)
	r := spof.Fail(top, topology.Component{Class: topology.ClassHost, Name: "h1"}, items, spof.Baseline(top, items))
	if effect(r, "shared") != spof.HARestart || effect(r, "local") != spof.Down {
		t.Errorf("%+v", r.Impacts)
	}
}

// The failover times spof quotes for classic-dc's protections, from the scenario's
// settings and reference-facts §6.1:
//
//	hv-2 (a slave) fails: its VMs restart after 15 s failure_detection + 3 s for the
//	    heartbeat datastores (every host mounts san-1) + 60 s default boot = 78 s
//	hv-1 (the master, first host of the cluster) fails: 10 s until the election, 15 s
//	    of election, 10 s to read the protected list, + 60 s boot = 95 s
//	hv-3 fails: web-broker's FT secondary goes live after 3 missed 100 ms heartbeats
//	    = 300 ms; pbx-b's VM-cluster peer after its 3 s timeout + 2 s takeover = 5 s
func TestFailoverTimes(t *testing.T) {
	rs := results(t, "classic-dc")
	for _, c := range []struct {
		component, item string
		effect          spof.Effect
		ms              float64
	}{
		{"host hv-2", "web-2", spof.HARestart, 78000},
		{"host hv-2", "db-read-1", spof.HARestart, 78000},
		{"host hv-1", "web-1", spof.HARestart, 95000},
		{"host hv-3", "web-broker", spof.FTTakeover, 300},
		{"host hv-3", "pbx-b", spof.ClusterTakeover, 5000},
	} {
		found := false
		for _, im := range rs[c.component].Impacts {
			if im.Item.Name != c.item {
				continue
			}
			found = true
			if im.Effect != c.effect || im.FailoverMs != c.ms {
				t.Errorf("%s: %s %q out up to %v ms, want %q %v ms", c.component, c.item, im.Effect, im.FailoverMs, c.effect, c.ms)
			}
		}
		if !found {
			t.Errorf("%s: %s not affected", c.component, c.item)
		}
	}
	var b strings.Builder
	if err := (spof.Report{Results: []spof.Result{rs["host hv-2"]}}).WriteText(&b, "classic-dc.yaml"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "web-2 (vm, web, out up to 1m18s)") {
		t.Errorf("report text:\n%s", b.String())
	}
}
