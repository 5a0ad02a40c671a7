package ha

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/sim"
)

// world is a fake data center for the HA agents: hosts up or down, each in a network
// group (heartbeats get through within a group), isolation addresses and datastores
// reachable or not.
type world struct {
	up       map[string]bool
	group    map[string]int
	pings    map[string]bool
	store    map[string]bool
	running  map[string]string // VM → host while it runs
	log      []string
	s        *sim.Simulation
	recorded []string
}

func newWorld(s *sim.Simulation, hosts ...string) *world {
	w := &world{s: s, up: map[string]bool{}, group: map[string]int{}, pings: map[string]bool{},
		store: map[string]bool{}, running: map[string]string{}}
	for _, h := range hosts {
		w.up[h], w.pings[h], w.store[h] = true, true, true
	}
	s.AddObserver(sim.ObserverFunc(func(at sim.Time, r sim.Record) {
		w.recorded = append(w.recorded, fmt.Sprintf("%.3f %s: %s", at.Seconds(), r.Subject(), r))
	}))
	return w
}

func (w *world) Up(h string) bool { return w.up[h] }
func (w *world) Heard(a, b string) bool {
	return w.up[a] && w.up[b] && w.group[a] == w.group[b]
}
func (w *world) PingsIsolationAddress(h string) bool { return w.up[h] && w.pings[h] }
func (w *world) WritesDatastore(h string) bool       { return w.up[h] && w.store[h] }
func (w *world) VMRunning(vm, host string, running bool) {
	if running {
		w.running[vm] = host
	} else {
		delete(w.running, vm)
	}
	w.log = append(w.log, fmt.Sprintf("%.3f %s %s %v", w.s.Now().Seconds(), vm, host, running))
}

// first finds the first recorded line containing all of the words, and its time.
func (w *world) first(t *testing.T, words ...string) sim.Time {
	t.Helper()
	for _, l := range w.recorded {
		ok := true
		for _, word := range words {
			ok = ok && strings.Contains(l, word)
		}
		if ok {
			var sec float64
			fmt.Sscanf(l, "%f", &sec)
			return sim.Seconds(sec)
		}
	}
	t.Fatalf("no record with %q in:\n%s", words, strings.Join(w.recorded, "\n"))
	return 0
}

// threeHosts is a cluster of three 16-core, 64 GB hosts with two VMs each (4 vCPU,
// 8 GB, boot 60 s).
func threeHosts(t *testing.T, cfg Config) (*sim.Simulation, *world, *Cluster) {
	t.Helper()
	s := sim.New(1)
	w := newWorld(s, "h1", "h2", "h3")
	var hosts []Host
	var vms []VM
	for i := 1; i <= 3; i++ {
		h := fmt.Sprintf("h%d", i)
		hosts = append(hosts, Host{Name: h, Cores: 16, RAMGB: 64})
		for j := 1; j <= 2; j++ {
			vms = append(vms, VM{Name: fmt.Sprintf("vm%d%d", i, j), Host: h, VCPU: 4, RAMGB: 8, BootTime: 60 * sim.Second})
		}
	}
	c, err := New(s, "cl", cfg, hosts, vms, w)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vms {
		w.running[v.Name] = v.Host
	}
	return s, w, c
}

// fail takes a host down at t.
func fail(s *sim.Simulation, w *world, c *Cluster, at sim.Time, h string) {
	s.At(at, func() { w.up[h] = false; c.Changed() })
}

// TestSlaveFailure: FDM, no heartbeat datastores. h2 (a slave) fails at 100 s; the
// master last heard it at its heartbeat before 100 s (phase φ in [0, 1 s)), so:
//
//	declared dead = last heartbeat + 15 s; restarts at once; running = dead + 60 s boot.
func TestSlaveFailure(t *testing.T) {
	s, w, c := threeHosts(t, Config{})
	fail(s, w, c, 100*sim.Second, "h2")
	s.RunUntil(300 * sim.Second)
	h2 := c.byName["h2"]
	last := h2.phase + (100*sim.Second-h2.phase)/sim.Second*sim.Second
	if got, want := w.first(t, "h2", "declared dead"), last+15*sim.Second; got != want {
		t.Errorf("declared dead at %v, want %v (last heartbeat %v + 15 s)", got, want, last)
	}
	for _, v := range []string{"vm21", "vm22"} {
		if got, want := w.first(t, v, "running again"), last+75*sim.Second; got != want {
			t.Errorf("%s running again at %v, want %v", v, got, want)
		}
		if h := w.running[v]; h == "" || h == "h2" {
			t.Errorf("%s runs on %q", v, h)
		}
	}
	if c.Master() != "h1" {
		t.Errorf("master %q", c.Master())
	}
}

// TestDatastoreHeartbeats: with heartbeat datastores a dead host is declared 3 s later
// (18 s); a host that is only cut off from the network keeps writing its datastore and
// is not declared dead at all.
func TestDatastoreHeartbeats(t *testing.T) {
	s, w, c := threeHosts(t, Config{DatastoreHeartbeats: true})
	fail(s, w, c, 100*sim.Second, "h2")
	s.At(200*sim.Second, func() { w.group["h3"] = 1; c.Changed() }) // h3 partitioned, pings its gateway
	s.RunUntil(400 * sim.Second)
	h2, h3 := c.byName["h2"], c.byName["h3"]
	last2 := h2.phase + (100*sim.Second-h2.phase)/sim.Second*sim.Second
	if got, want := w.first(t, "h2", "declared dead"), last2+18*sim.Second; got != want {
		t.Errorf("h2 declared dead at %v, want %v (+18 s)", got, want)
	}
	last3 := h3.phase + (200*sim.Second-h3.phase)/sim.Second*sim.Second
	if got, want := w.first(t, "h3", "writing its heartbeat datastore"), last3+18*sim.Second; got != want {
		t.Errorf("h3 alive per datastore at %v, want %v", got, want)
	}
	for _, l := range w.recorded {
		if strings.Contains(l, "h3: declared dead") || strings.Contains(l, "isolated:") {
			t.Errorf("a partitioned host that pings its gateway: %s", l)
		}
	}
	if w.running["vm31"] != "h3" {
		t.Errorf("vm31 moved off the partitioned h3: %q", w.running["vm31"])
	}
}

// TestIsolationPowerOff: h3 loses its management network (no heartbeats, no isolation
// address) but writes its datastore. vSphere 6's slave timeline: isolated at its last
// heartbeat + 30 s, response after the 30 s policy delay; the VMs go off and the master
// restarts them elsewhere at once; running 60 s later.
func TestIsolationPowerOff(t *testing.T) {
	s, w, c := threeHosts(t, Config{DatastoreHeartbeats: true, IsolationResponse: PowerOff})
	s.At(100*sim.Second, func() { w.group["h3"], w.pings["h3"] = 1, false; c.Changed() })
	s.RunUntil(400 * sim.Second)
	h3 := c.byName["h3"]
	last := h3.phase + (100*sim.Second-h3.phase)/sim.Second*sim.Second
	if got, want := w.first(t, "h3", "isolated:"), last+30*sim.Second; got != want {
		t.Errorf("isolated at %v, want %v (+30 s)", got, want)
	}
	if got, want := w.first(t, "h3", "isolation response power-off for 2 VMs"), last+60*sim.Second; got != want {
		t.Errorf("response at %v, want %v (+30 s + 30 s policy delay)", got, want)
	}
	if got, want := w.first(t, "vm31", "running again"), last+120*sim.Second; got != want {
		t.Errorf("vm31 running again at %v, want %v", got, want)
	}
	if h := w.running["vm31"]; h == "h3" || h == "" {
		t.Errorf("vm31 on %q", h)
	}
}

// TestIsolationLeftOnLocks: no datastore channel, leave powered on: the master
// declares the isolated host dead at 15 s and tries to restart its VMs, but their files
// are locked by the copies still running: the attempts fail at 0, 2, 6, 14, 30 min.
func TestIsolationLeftOnLocks(t *testing.T) {
	s, w, c := threeHosts(t, Config{})
	s.At(100*sim.Second, func() { w.group["h3"], w.pings["h3"] = 1, false; c.Changed() })
	s.RunUntil(3 * sim.Hour)
	h3 := c.byName["h3"]
	dead := h3.phase + (100*sim.Second-h3.phase)/sim.Second*sim.Second + 15*sim.Second
	var fails []sim.Time
	for _, l := range w.recorded {
		if strings.Contains(l, "vm31: HA restart attempt") {
			var sec float64
			fmt.Sscanf(l, "%f", &sec)
			fails = append(fails, sim.Seconds(sec)-dead)
			if !strings.Contains(l, "locked") {
				t.Errorf("not a lock: %s", l)
			}
		}
	}
	want := []sim.Time{0, 2 * sim.Minute, 6 * sim.Minute, 14 * sim.Minute, 30 * sim.Minute}
	if fmt.Sprint(fails) != fmt.Sprint(want) {
		t.Errorf("attempts at %v after the declaration, want %v", fails, want)
	}
	if w.running["vm31"] != "h3" {
		t.Error("the VM left powered on stopped running")
	}
}

// TestMasterFailure: the master h1 fails at 100 s. The slaves last heard it at its
// heartbeat before; the election starts 10 s later and takes 15 s (h2, the first host
// left, wins at +25 s); the new master restarts h1's VMs 10 s later (+35 s).
func TestMasterFailure(t *testing.T) {
	s, w, c := threeHosts(t, Config{})
	fail(s, w, c, 100*sim.Second, "h1")
	s.RunUntil(400 * sim.Second)
	h1 := c.byName["h1"]
	last := h1.phase + (100*sim.Second-h1.phase)/sim.Second*sim.Second
	if got, want := w.first(t, "h2", "elected HA master"), last+25*sim.Second; got != want {
		t.Errorf("elected at %v, want %v", got, want)
	}
	if got, want := w.first(t, "h1", "declared dead"), last+35*sim.Second; got != want {
		t.Errorf("h1 declared dead at %v, want %v", got, want)
	}
	if got, want := w.first(t, "vm11", "running again"), last+95*sim.Second; got != want {
		t.Errorf("vm11 running again at %v, want %v", got, want)
	}
	if c.Master() != "h2" {
		t.Errorf("master %q", c.Master())
	}
}

// TestCapacityAndPriority: two hosts; h2's VMs (a high-priority 24 GB and a low one of
// 40 GB) restart on h1 (64 GB, 16 GB used): the high one fits and starts first, the low
// one never fits and HA gives up after five attempts.
func TestCapacityAndPriority(t *testing.T) {
	s := sim.New(1)
	w := newWorld(s, "h1", "h2")
	hosts := []Host{{Name: "h1", Cores: 16, RAMGB: 64}, {Name: "h2", Cores: 16, RAMGB: 64}}
	vms := []VM{
		{Name: "a", Host: "h1", VCPU: 2, RAMGB: 16, BootTime: sim.Minute},
		{Name: "low", Host: "h2", VCPU: 2, RAMGB: 40, Priority: Low, BootTime: sim.Minute},
		{Name: "high", Host: "h2", VCPU: 2, RAMGB: 24, Priority: High, BootTime: sim.Minute},
	}
	c, err := New(s, "cl", Config{}, hosts, vms, w)
	if err != nil {
		t.Fatal(err)
	}
	fail(s, w, c, 10*sim.Second, "h2")
	s.RunUntil(2 * sim.Hour)
	if h := w.running["high"]; h != "h1" {
		t.Errorf("high runs on %q", h)
	}
	if _, ok := w.running["low"]; ok {
		t.Error("low runs although 16+24+40 GB exceed 64 GB")
	}
	restart := w.first(t, "high", "HA restarts")
	if lowTry := w.first(t, "low", "attempt 1 failed", "no host has 40 GB"); lowTry != restart {
		t.Errorf("low tried at %v, high at %v: same instant, high first", lowTry, restart)
	}
	if gaveUp := w.first(t, "low", "attempt 5 failed", "no more attempts"); gaveUp != restart+30*sim.Minute {
		t.Errorf("gave up at %v, want %v", gaveUp, restart+30*sim.Minute)
	}
}

// TestConcurrentPowerOns: at most N power-ons per host at a time; the rest wait for a
// slot and boot when one ends.
func TestConcurrentPowerOns(t *testing.T) {
	s, w, c := threeHosts(t, Config{ConcurrentPowerOns: 1})
	c.byName["h3"].RAMGB = 16 // full: only h1 takes restarts
	fail(s, w, c, 100*sim.Second, "h2")
	s.RunUntil(600 * sim.Second)
	a, b := w.first(t, "vm21", "running again"), w.first(t, "vm22", "running again")
	if b-a != 60*sim.Second && a-b != 60*sim.Second {
		t.Errorf("with one power-on slot the boots should follow each other: %v and %v", a, b)
	}
}

// TestVMMonitoring: a guest that stopped (hung, or crashed and halted) is reset 30 s
// later and serves again after its boot (60 s): reset at 50 + 30 = 80 s, running at
// 80 + 60 = 140 s.
func TestVMMonitoring(t *testing.T) {
	s, w, c := threeHosts(t, Config{VMMonitoring: true})
	s.At(50*sim.Second, func() {
		if err := c.GuestStopped("vm11", "guest hung"); err != nil {
			t.Error(err)
		}
	})
	s.RunUntil(300 * sim.Second)
	if got := w.first(t, "vm11", "resets the VM"); got != 80*sim.Second {
		t.Errorf("reset at %v, want 80 s", got)
	}
	if got := w.first(t, "vm11", "running again on h1 after a reset"); got != 140*sim.Second {
		t.Errorf("running at %v, want 140 s", got)
	}
	// vm12's guest stops at 50 s and serves again at 70 s (the repair), before the
	// 30 s are up: no reset.
	s, w, c = threeHosts(t, Config{VMMonitoring: true})
	s.At(50*sim.Second, func() { _ = c.GuestStopped("vm12", "guest hung") })
	s.At(70*sim.Second, func() { c.Recover("vm12") })
	s.RunUntil(300 * sim.Second)
	for _, l := range w.recorded {
		if strings.Contains(l, "resets the VM") {
			t.Errorf("a guest that serves again before the failure interval was reset: %s", l)
		}
	}
	if st, _, _ := c.VM("vm12"); st != VMRunning {
		t.Errorf("vm12 %s after its recovery, want running", st)
	}
}

// TestLegacy: AAM has no master: a failed host's peers declare it at its last
// heartbeat + 15 s; an isolated host pings its isolation address at 12 s and responds
// at once.
func TestLegacy(t *testing.T) {
	s, w, c := threeHosts(t, Config{Legacy: true, IsolationResponse: PowerOff})
	fail(s, w, c, 100*sim.Second, "h2")
	s.At(500*sim.Second, func() { w.group["h3"], w.pings["h3"] = 1, false; c.Changed() })
	s.RunUntil(900 * sim.Second)
	h2, h3 := c.byName["h2"], c.byName["h3"]
	last2 := h2.phase + (100*sim.Second-h2.phase)/sim.Second*sim.Second
	if got := w.first(t, "h2", "declared dead by HA (peers)"); got != last2+15*sim.Second {
		t.Errorf("h2 declared at %v, want %v", got, last2+15*sim.Second)
	}
	last3 := h3.phase + (500*sim.Second-h3.phase)/sim.Second*sim.Second
	if got := w.first(t, "h3", "isolation response power-off"); got != last3+12*sim.Second {
		t.Errorf("h3 responded at %v, want %v (+12 s, at once)", got, last3+12*sim.Second)
	}
	if c.Master() != "" {
		t.Errorf("legacy HA has a master: %q", c.Master())
	}
}

// TestDeterminism: the same seed gives the same trace.
func TestDeterminism(t *testing.T) {
	trace := func() string {
		s, w, c := threeHosts(t, Config{DatastoreHeartbeats: true, IsolationResponse: Shutdown})
		fail(s, w, c, 100*sim.Second, "h1")
		s.At(300*sim.Second, func() { w.group["h3"], w.pings["h3"] = 1, false; c.Changed() })
		s.RunUntil(time(20))
		return strings.Join(w.recorded, "\n")
	}
	if a, b := trace(), trace(); a != b {
		t.Errorf("two runs differ:\n%s\n---\n%s", a, b)
	}
}

func time(min float64) sim.Time { return sim.Minutes(min) }

// TestMasterIsolated: the master h1 loses its management network and its isolation
// address but writes its datastore (power-off response). It declares itself isolated
// 5 s after its last heartbeat and powers its VMs off 30 s later (+35 s); the slaves
// elect h2 at +25 s, which finds h1 alive on the datastore (not dead) and restarts the
// VMs it powered off: running at +35 s + 60 s.
func TestMasterIsolated(t *testing.T) {
	s, w, c := threeHosts(t, Config{DatastoreHeartbeats: true, IsolationResponse: PowerOff})
	s.At(100*sim.Second, func() { w.group["h1"], w.pings["h1"] = 1, false; c.Changed() })
	s.RunUntil(400 * sim.Second)
	last := c.byName["h1"].phase + (100*sim.Second-c.byName["h1"].phase)/sim.Second*sim.Second
	for _, want := range []struct {
		words []string
		at    sim.Time
	}{
		{[]string{"h1", "isolated:"}, last + 5*sim.Second},
		{[]string{"h2", "elected HA master"}, last + 25*sim.Second},
		{[]string{"h1", "isolation response power-off for 2 VMs"}, last + 35*sim.Second},
		{[]string{"vm11", "running again"}, last + 95*sim.Second},
	} {
		if got := w.first(t, want.words...); got != want.at {
			t.Errorf("%v at %v, want %v", want.words, got, want.at)
		}
	}
	for _, l := range w.recorded {
		if strings.Contains(l, "h1: declared dead") {
			t.Errorf("an isolated host that writes its datastore declared dead: %s", l)
		}
	}
}

// TestMasterBlip: the master's management network is out for 65 ms (a NIC team's
// failover) and for 9 s. The slaves enter the election state only 10 s after the
// master's last heartbeat (reference-facts §6.1, master failure: T10 s election
// starts), so neither outage costs an election or a restart (the 9 s one makes the
// master isolated at 5 s and not at 9 s, with no response as it leaves VMs powered on);
// an outage of 12 s does: an election at last heartbeat + 25 s, which h1, back by then
// and first in the cluster's order, wins again.
func TestMasterBlip(t *testing.T) {
	s, w, c := threeHosts(t, Config{})
	cut := func(at, d sim.Time) {
		s.At(at, func() { w.group["h1"], w.pings["h1"] = 1, false; c.Changed() })
		s.At(at+d, func() { w.group["h1"], w.pings["h1"] = 0, true; c.Changed() })
	}
	cut(100*sim.Second, 65*sim.Millisecond)
	cut(200*sim.Second, 9*sim.Second)
	s.RunUntil(300 * sim.Second)
	for _, l := range w.recorded {
		if strings.Contains(l, "elected") || strings.Contains(l, "declared dead") || strings.Contains(l, "restarts") {
			t.Errorf("a blip of the master's network cost: %s", l)
		}
	}
	if c.Master() != "h1" {
		t.Errorf("master %q, want h1 kept", c.Master())
	}
	cut(400*sim.Second, 12*sim.Second)
	s.RunUntil(500 * sim.Second)
	h1 := c.byName["h1"]
	last := h1.phase + (400*sim.Second-h1.phase)/sim.Second*sim.Second
	if got, want := w.first(t, "h1", "elected HA master"), last+25*sim.Second; got != want {
		t.Errorf("elected at %v, want %v (last heartbeat + 10 s + 15 s)", got, want)
	}
}
