package twin_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/topology/network"
	"dctwin/twin"
)

// correlatedLab is the data center of the correlated-failure tests:
//
//	client-1 - core-a ==core-isl== core-b            L3, VRRP gateways (core-a master)
//	            | | | |  \            |  \
//	   acc -----+ | | |   m1-up      m2-up rack-1:eth1
//	 client-2     | | rack-1:eth0     |
//	   lacp-1 eth0/eth1 (LACP)   encl: m1 | m2 (switch modules, uplink failure
//	                                   detection, boot 60 s; 2 power supplies)
//	                             blade-1 (bay 1), blade-2 (bay 2): boot 150 s
//
// Every team is NFT with eth0 primary, miimon 100 ms, updelay 200 ms, failback; lacp-1
// runs LACP (fast) to core-a. acc boots in 90 s. PHY delays are 0 (the default), the
// RSTP handshake is the network's 10 ms.
const correlatedLab = `version: 1
topology:
  vlans:
    - {name: servers, id: 10, subnet: 10.0.10.0/24}
    - {name: clients, id: 30, subnet: 10.0.30.0/24}
  switches:
    - {name: core-a, layer: 3, ports: 24}
    - {name: core-b, layer: 3, ports: 24}
    - {name: acc, layer: 2, ports: 24, boot_time: 90s}
  links:
    - {name: core-isl, a: "core-a:24", b: "core-b:24", speed: 10G}
    - {name: acc-up,   a: "acc:24",    b: "core-a:20", speed: 10G}
    - {name: m1-up,    a: "m1:up1",    b: "core-a:1",  speed: 10G}
    - {name: m2-up,    a: "m2:up1",    b: "core-b:1",  speed: 10G}
  enclosures:
    - name: encl
      bays: 4
      power_supplies: 2
      modules:
        - {name: m1, kind: switch, uplinks: 1, uplink_failure_detection: true, boot_time: 60s}
        - {name: m2, kind: switch, uplinks: 1, uplink_failure_detection: true, boot_time: 60s}
  hosts:
    - {name: blade-1, kind: blade, enclosure: encl, bay: 1, boot_time: 150s,
       nics: [{name: eth0, speed: 1G, vlans: [servers]}, {name: eth1, speed: 1G, vlans: [servers]}],
       teams: [{name: bond0, members: [eth0, eth1], mode: nft, primary: eth0, failback: true,
                detection: {method: miimon, interval: 100ms, updelay: 200ms}}]}
    - {name: blade-2, kind: blade, enclosure: encl, bay: 2, boot_time: 150s,
       nics: [{name: eth0, speed: 1G, vlans: [servers]}, {name: eth1, speed: 1G, vlans: [servers]}],
       teams: [{name: bond0, members: [eth0, eth1], mode: nft, primary: eth0, failback: true,
                detection: {method: miimon, interval: 100ms, updelay: 200ms}}]}
    - {name: rack-1, kind: rack,
       nics: [{name: eth0, speed: 1G, vlans: [servers], connect: "core-a:5"},
              {name: eth1, speed: 1G, vlans: [servers], connect: "core-b:5"}],
       teams: [{name: bond0, members: [eth0, eth1], mode: nft, primary: eth0, failback: true,
                detection: {method: miimon, interval: 100ms, updelay: 200ms}}]}
    - {name: lacp-1, kind: rack,
       nics: [{name: eth0, speed: 1G, vlans: [servers], connect: "core-a:6"},
              {name: eth1, speed: 1G, vlans: [servers], connect: "core-a:7"}],
       teams: [{name: bond0, members: [eth0, eth1], mode: lacp, lacp_rate: fast}]}
  endpoints:
    - {name: client-1, kind: client, connect: "core-a:10", vlan: clients}
    - {name: client-2, kind: client, connect: "acc:1", vlan: clients}
  gateways:
    - {name: gw-servers, vlan: servers, address: 10.0.10.1, protocol: vrrp, routers: [core-a, core-b]}
    - {name: gw-clients, vlan: clients, address: 10.0.30.1, protocol: vrrp, routers: [core-a, core-b]}
workloads:
  flows:
    - {name: to-blade-1, from: client-1, to: blade-1, rate: 1M, packet_size: 1000}
    - {name: to-blade-2, from: client-1, to: blade-2, rate: 1M, packet_size: 1000}
    - {name: to-rack-1,  from: client-1, to: rack-1,  rate: 1M, packet_size: 1000}
    - {name: to-lacp-1,  from: client-1, to: lacp-1,  rate: 1M, packet_size: 1000}
    - {name: acc-rack-1, from: client-2, to: rack-1,  rate: 1M, packet_size: 1000}
failures:
  scheduled:
%s
run:
  duration: 300s
  seed: 1
`

// labRun is one correlated-lab run with the given scheduled failures (YAML list items)
// and text substitutions (each must match at least once).
type labRun struct {
	tw   *twin.Twin
	r    *twin.Report
	recs []stampedRecord
}

type stampedRecord struct {
	at sim.Time
	r  sim.Record
}

func runLab(t *testing.T, seed uint64, scheduled string, replace ...string) *labRun {
	t.Helper()
	text := fmt.Sprintf(correlatedLab, scheduled)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(text, replace[i]) {
			t.Fatalf("%q is not in the lab", replace[i])
		}
		text = strings.ReplaceAll(text, replace[i], replace[i+1])
	}
	sc, err := scenario.Parse("lab.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(sc, twin.Options{Seed: seed, SeedSet: true})
	if err != nil {
		t.Fatal(err)
	}
	lr := &labRun{tw: tw}
	tw.Observe(sim.ObserverFunc(func(at sim.Time, r sim.Record) { lr.recs = append(lr.recs, stampedRecord{at, r}) }))
	tw.Run()
	lr.r = tw.Report()
	return lr
}

// when returns the time of the first record from `from` on that matches.
func (lr *labRun) when(t *testing.T, from sim.Time, what string, match func(sim.Record) bool) sim.Time {
	t.Helper()
	for _, s := range lr.recs {
		if s.at >= from && match(s.r) {
			return s.at
		}
	}
	t.Fatalf("no %s from %v on", what, from)
	return 0
}

// booted returns when the host or switch finished booting after from.
func (lr *labRun) booted(t *testing.T, from sim.Time, device string) sim.Time {
	t.Helper()
	return lr.when(t, from, device+" booted", func(r sim.Record) bool {
		switch r := r.(type) {
		case twin.HostBooted:
			return r.Host == device
		case network.SwitchBooted:
			return r.Switch == device
		}
		return false
	})
}

// restored returns when the flow's outage that began at `from` ended.
func (lr *labRun) restored(t *testing.T, flow string, from sim.Time) sim.Time {
	t.Helper()
	for _, iv := range lr.tw.Net.Flow(flow).Outages() {
		if iv.Start == from {
			return iv.End
		}
	}
	t.Fatalf("flow %s has no outage from %v: %v", flow, from, lr.tw.Net.Flow(flow).Outages())
	return 0
}

// interrupted lists the flows a failure interrupted in either direction (not those a
// repair did).
func interrupted(f twin.FailureResult) []string {
	var out []string
	for _, fo := range f.Flows {
		if !fo.AfterRepair {
			out = append(out, fo.Flow)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// within fails unless lo < got ≤ hi.
func within(t *testing.T, what string, got, lo, hi sim.Time) {
	t.Helper()
	if got <= lo || got > hi {
		t.Errorf("%s at %v, want in (%v, %v]", what, got, lo, hi)
	}
}

func equalTime(t *testing.T, what string, got, want sim.Time) {
	t.Helper()
	if got != want {
		t.Errorf("%s at %v, want %v", what, got, want)
	}
}

// An enclosure fails at 10 s and is repaired at 40 s. Blast radius (the enclosure
// rule): modules m1, m2 and blades blade-1, blade-2 lose power at 10 s, so exactly the
// flows to the blades stop then; nothing can fail over (every NIC of the blades is
// dark), so no mechanism detects anything. Timings:
//
//	modules booted: 40 s + 60 s boot = 100 s
//	blades booted:  40 s + 150 s boot = 190 s (after the modules, whose bay ports are up)
//	flows back:     carrier at 190 s, miimon sees it at its next poll (0, 100 ms] later;
//	                no member is active, so updelay is skipped (Linux bonding,
//	                reference-facts §4.1) → in (190.0 s, 190.1 s]
func TestEnclosureFailureTakesItsBladesAndModules(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		lr := runLab(t, seed, `    - {at: 10s, component: encl, kind: enclosure, repair_after: 30s}`)
		f := lr.r.Failures[0]
		if got := interrupted(f); fmt.Sprint(got) != "[to-blade-1 to-blade-2]" {
			t.Errorf("seed %d: flows interrupted %v, want the blades' [to-blade-1 to-blade-2]", seed, got)
		}
		if len(f.Detections) != 0 {
			t.Errorf("seed %d: detections %+v, want none: nothing is left to fail over to", seed, f.Detections)
		}
		for _, port := range []string{"core-a:1", "core-b:1"} { // the modules' uplinks go dark
			at := lr.when(t, sim.Seconds(10), port+" carrier loss", func(r sim.Record) bool {
				c, ok := r.(network.CarrierChanged)
				return ok && c.Port == port && !c.Up
			})
			equalTime(t, port+" carrier loss", at, sim.Seconds(10))
		}
		for _, m := range []string{"m1", "m2"} {
			equalTime(t, m+" booted", lr.booted(t, sim.Seconds(40), m), sim.Seconds(100))
		}
		for _, b := range []string{"blade-1", "blade-2"} {
			equalTime(t, b+" booted", lr.booted(t, sim.Seconds(40), b), sim.Seconds(190))
			within(t, "to-"+b+" delivered again", lr.restored(t, "to-"+b, sim.Seconds(10)),
				sim.Milliseconds(190000), sim.Milliseconds(190100))
		}
	}
}

// The first of the enclosure's two power supplies fails at 10 s: the other carries
// the load, nothing happens (no flow, no detection, not a carrier change). The second
// fails at 20 s: the enclosure has no power and fails as in the enclosure test. Its
// repair at 50 s gives power back:
//
//	modules booted: 50 s + 60 s = 110 s; blades booted: 50 s + 150 s = 200 s
//	flows back in (200.0 s, 200.1 s] (next miimon poll; no member is active, so no updelay)
func TestLastPowerSupplyTakesTheEnclosure(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		lr := runLab(t, seed, `    - {at: 10s, component: "encl:psu1", kind: psu}
    - {at: 20s, component: "encl:psu2", kind: psu, repair_after: 30s}`)
		first, last := lr.r.Failures[0], lr.r.Failures[1]
		if len(first.Flows) != 0 || len(first.Detections) != 0 {
			t.Errorf("seed %d: the first power supply's failure interrupted %v, detected %+v; want nothing",
				seed, interrupted(first), first.Detections)
		}
		for _, s := range lr.recs {
			if _, ok := s.r.(network.CarrierChanged); ok && s.at >= sim.Seconds(10) && s.at < sim.Seconds(20) {
				t.Errorf("seed %d: %v %s: %s with one power supply still working", seed, s.at, s.r.Subject(), s.r)
			}
		}
		if got := interrupted(last); fmt.Sprint(got) != "[to-blade-1 to-blade-2]" {
			t.Errorf("seed %d: the last power supply interrupted %v, want [to-blade-1 to-blade-2]", seed, got)
		}
		for _, m := range []string{"m1", "m2"} {
			equalTime(t, m+" booted", lr.booted(t, sim.Seconds(50), m), sim.Seconds(110))
		}
		for _, b := range []string{"blade-1", "blade-2"} {
			equalTime(t, b+" booted", lr.booted(t, sim.Seconds(50), b), sim.Seconds(200))
			within(t, "to-"+b+" delivered again", lr.restored(t, "to-"+b, sim.Seconds(20)),
				sim.Milliseconds(200000), sim.Milliseconds(200100))
		}
	}
}

// Switch port core-a:5, where rack-1's primary eth0 is cabled, fails at 10 s: the NIC
// loses carrier at once (PHY delay 0), miimon notices at its next poll, (0, 100 ms]
// later (downdelay 0), the team switches to eth1 and its gratuitous ARP moves the MAC:
// the flows to rack-1, and only they, are out for the detection time (+ < 1 ms). After
// the repair at 40 s eth0 is used again after the next poll plus updelay 200 ms: in
// (40.2 s, 40.3 s].
func TestSwitchPortFailureFailsOverPerTheTeamTimers(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		lr := runLab(t, seed, `    - {at: 10s, component: "core-a:5", kind: switch-port, repair_after: 30s}`)
		f := lr.r.Failures[0]
		if f.DetectedAfterMs == nil || len(f.Detections) != 1 || f.Detections[0].By != "rack-1" ||
			f.Detections[0].Mechanism != "miimon" {
			t.Fatalf("seed %d: detections %+v, want one by miimon at rack-1", seed, f.Detections)
		}
		det := *f.DetectedAfterMs
		if det <= 0 || det > 100 {
			t.Errorf("seed %d: detected after %.3f ms, want in (0, 100]", seed, det)
		}
		if got := interrupted(f); fmt.Sprint(got) != "[acc-rack-1 to-rack-1]" {
			t.Errorf("seed %d: flows interrupted %v, want rack-1's [acc-rack-1 to-rack-1]", seed, got)
		}
		for _, fo := range f.Flows {
			if fo.AfterRepair {
				continue
			}
			if fo.OutageMs == nil || *fo.OutageMs < det || *fo.OutageMs > det+1 {
				t.Errorf("seed %d: %s outage %v ms, want the detection time %.3f ms + < 1 ms", seed, fo.Flow, fo.OutageMs, det)
			}
		}
		back := lr.when(t, sim.Seconds(40), "rack-1:eth0 back", func(r sim.Record) bool {
			d, ok := r.(network.Detected)
			return ok && d.Member == "rack-1:eth0" && d.Up
		})
		within(t, "rack-1:eth0 back", back, sim.Milliseconds(40200), sim.Milliseconds(40300))
	}
}

// A fibre cut in one direction leaves the sending end with carrier: only the receiving
// end sees carrier loss at once; the sending end notices only through a mechanism that
// expects frames back (reference-facts §5):
//
//   - lacp-1:eth0 → core-a:6 cut: core-a drops the member on carrier loss at +0; lacp-1
//     keeps carrier and times its partner out 3 periods after the last LACPDU, which
//     came within the period before the cut: fast (1 s) in (2 s, 3 s], slow (30 s) in
//     (60 s, 90 s]; its miimon/carrier sees nothing;
//   - core-isl core-a → core-b cut: core-b's port loses carrier (no team involved);
//     core-a ages core-b's BPDUs after 3 × hello = 6 s from the last one, which came
//     within the hello (2 s) before the cut: in (4 s, 6 s]; core-b, VRRP backup, stops
//     hearing the master and takes over after the master-down interval 3 × 1 s + skew
//     609 ms from the last advertisement: in (2.609 s, 3.609 s] per gateway.
func TestOneWayLinkFailureIsNoticedOnlyByWhatExpectsFramesBack(t *testing.T) {
	type want struct {
		mechanism, by string
		lo, hi        sim.Time
	}
	cases := []struct {
		name      string
		component string
		replace   []string
		want      []want
	}{
		{"lacp fast", "lacp-1:eth0--core-a:6", nil, []want{
			{"carrier", "core-a", -1, 0},
			{"lacp", "lacp-1", sim.Seconds(2), sim.Seconds(3)},
		}},
		{"lacp slow", "lacp-1:eth0--core-a:6", []string{"lacp_rate: fast", "lacp_rate: slow"}, []want{
			{"carrier", "core-a", -1, 0},
			{"lacp", "lacp-1", sim.Seconds(60), sim.Seconds(90)},
		}},
		{"rstp inter-switch link", "core-isl", nil, []want{
			{"vrrp", "gw-servers", sim.Milliseconds(2609), sim.Milliseconds(3609)},
			{"vrrp", "gw-clients", sim.Milliseconds(2609), sim.Milliseconds(3609)},
			{"stp", "core-a", sim.Seconds(4), sim.Seconds(6)},
		}},
	}
	for _, c := range cases {
		for seed := uint64(1); seed <= 3; seed++ {
			lr := runLab(t, seed, fmt.Sprintf(`    - {at: 10s, component: %q, kind: link-one-way, repair_after: 100s}`,
				c.component), c.replace...)
			f := lr.r.Failures[0]
			var got []string
			for _, d := range f.Detections {
				got = append(got, d.Mechanism+" at "+d.By)
			}
			var expect []string
			for _, w := range c.want {
				expect = append(expect, w.mechanism+" at "+w.by)
			}
			slices.Sort(got)
			slices.Sort(expect)
			if fmt.Sprint(got) != fmt.Sprint(expect) {
				t.Errorf("%s, seed %d: detections %v, want %v", c.name, seed, got, expect)
				continue
			}
			for _, w := range c.want {
				for _, d := range f.Detections {
					if d.Mechanism == w.mechanism && d.By == w.by {
						within(t, fmt.Sprintf("%s, seed %d: %s at %s", c.name, seed, w.mechanism, w.by),
							sim.Milliseconds(d.AfterMs), w.lo, w.hi)
					}
				}
			}
		}
	}
}

// Module m1 (slot 1: every blade's primary eth0) fails at 10 s: the blades' eth0 lose
// carrier at once, miimon notices at the next poll, (0, 100 ms] later, and the teams
// switch to eth1 on m2: the blades' flows are out for the detection time (+ < 1 ms).
// The repair at 40 s starts m1's boot: booted at 40 + 60 = 100 s; with uplink failure
// detection its bay ports come up once its uplink has carrier (PHY delay 0: at 100 s);
// the teams take eth0 back after the next poll plus updelay 200 ms: (100.2 s, 100.3 s].
func TestModuleFailureFailsTheBladesOver(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		lr := runLab(t, seed, `    - {at: 10s, component: m1, kind: module, repair_after: 30s}`)
		f := lr.r.Failures[0]
		if got := interrupted(f); fmt.Sprint(got) != "[to-blade-1 to-blade-2]" {
			t.Errorf("seed %d: flows interrupted %v, want [to-blade-1 to-blade-2]", seed, got)
		}
		det := map[string]float64{}
		for _, d := range f.Detections {
			if d.Mechanism != "miimon" {
				t.Errorf("seed %d: detected by %s at %s, want miimon at the blades only", seed, d.Mechanism, d.By)
			}
			det[d.By] = d.AfterMs
		}
		for _, fo := range f.Flows {
			blade := strings.TrimPrefix(fo.Flow, "to-")
			d, ok := det[blade]
			if !ok || d <= 0 || d > 100 {
				t.Errorf("seed %d: %s detected after %v ms (found %v), want in (0, 100]", seed, blade, d, ok)
			}
			if fo.OutageMs == nil || *fo.OutageMs < d || *fo.OutageMs > d+1 {
				t.Errorf("seed %d: %s outage %v ms, want the detection time %.3f ms + < 1 ms", seed, fo.Flow, fo.OutageMs, d)
			}
		}
		equalTime(t, "m1 booted", lr.booted(t, sim.Seconds(40), "m1"), sim.Seconds(100))
		for _, b := range []string{"blade-1", "blade-2"} {
			back := lr.when(t, sim.Seconds(40), b+":eth0 back", func(r sim.Record) bool {
				d, ok := r.(network.Detected)
				return ok && d.Member == b+":eth0" && d.Up
			})
			within(t, b+":eth0 back", back, sim.Milliseconds(100200), sim.Milliseconds(100300))
		}
	}
}

// Access switch acc (client-2's only way in) fails at 10 s and is repaired at 40 s. It
// boots for 90 s before its ports come up, then spanning tree takes it in:
//
//	RSTP: carrier at 130 s (PHY delay 0), one proposal/agreement handshake (10 ms) on
//	      acc–core-a → client-2's flow delivered again at 130.010 s
//	802.1D: listening 15 s + learning 15 s → 160 s
//
// Before booting existed the flow came back about 10 ms after the repair.
func TestRepairedSwitchBootsBeforeSpanningTreeTakesItIn(t *testing.T) {
	for _, c := range []struct {
		name    string
		replace []string
		want    sim.Time
	}{
		{"rstp", nil, sim.Milliseconds(130010)},
		{"stp", []string{"ports: 24", "ports: 24, spanning_tree: stp"}, sim.Seconds(160)},
	} {
		lr := runLab(t, 1, `    - {at: 10s, component: acc, kind: switch, repair_after: 30s}`, c.replace...)
		f := lr.r.Failures[0]
		if got := interrupted(f); fmt.Sprint(got) != "[acc-rack-1]" {
			t.Errorf("%s: flows interrupted %v, want client-2's [acc-rack-1]", c.name, got)
		}
		equalTime(t, c.name+": acc booted", lr.booted(t, sim.Seconds(40), "acc"), sim.Seconds(130))
		equalTime(t, c.name+": acc-rack-1 delivered again", lr.restored(t, "acc-rack-1", sim.Seconds(10)), c.want)
		// The report's timeline covers the boot, not just the minute after the repair.
		var booted bool
		for _, l := range f.Timeline {
			if _, ok := l.Record.(network.SwitchBooted); ok {
				booted = true
			}
		}
		if !booted {
			t.Errorf("%s: the failure's timeline does not show acc booted", c.name)
		}
	}
}
