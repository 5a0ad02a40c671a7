package network

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"

	"dctwin/sim"
	"dctwin/topology"
)

// randomTree wires k switches into a random tree (switch i to a random earlier one,
// on ports chosen at random among 60) with a host on each, and starts the network.
func randomTree(t *testing.T, seed uint64, k int) (*sim.Simulation, *Network) {
	rng := rand.New(rand.NewPCG(seed, 11))
	s := sim.New(seed)
	n := New(s, Options{EagerBridges: -1})
	used := make([]map[int]bool, k)
	port := func(i int) string {
		for {
			p := 1 + rng.IntN(60)
			if !used[i][p] {
				used[i][p] = true
				return fmt.Sprintf("s%d:p%d", i, p)
			}
		}
	}
	for i := range k {
		used[i] = map[int]bool{}
		must(t, n.AddSwitch(fmt.Sprintf("s%d", i), SwitchConfig{Layer: topology.L2}))
		must(t, n.AddHost(fmt.Sprintf("h%d", i), HostConfig{}))
		must(t, n.AddLink(fmt.Sprintf("h%d", i), fmt.Sprintf("h%d:eth0", i), port(i), LinkConfig{}))
		if i > 0 {
			j := rng.IntN(i)
			must(t, n.AddLink(fmt.Sprintf("l%d", i), port(i), port(j), LinkConfig{}))
		}
	}
	s.RunUntil(0)
	return s, n
}

// floodKey must order bridges as floodOrder does (the order a flood reaches them,
// compared route by route), from every origin of random trees.
func TestFloodKeyOrdersAsFloodOrder(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		_, n := randomTree(t, seed, 25)
		tr := n.tree(DefaultVLAN)
		if !tr.simple {
			t.Fatalf("seed %d: the tree of a tree of switches is not simple", seed)
		}
		sign := func(v int) int { return min(max(v, -1), 1) }
		compared := 0
		for _, o := range n.bridges {
			for _, x := range n.bridges {
				for _, y := range n.bridges {
					if x == o || y == o {
						continue
					}
					kx, okx := tr.floodKey(o, x)
					ky, oky := tr.floodKey(o, y)
					if !okx || !oky {
						continue // a route longer than a key holds: floodOrder sorts those
					}
					byKey := 0
					switch {
					case kx < ky:
						byKey = -1
					case kx > ky:
						byKey = 1
					}
					compared++
					if want := sign(tr.floodOrder(o, x, y)); byKey != want {
						t.Fatalf("seed %d, flood from %s: %s vs %s ordered %d by key, %d by route", seed, o.name, x.name, y.name, byKey, want)
					}
				}
			}
		}
		if compared < 25*24*24/2 {
			t.Fatalf("seed %d: only %d pairs had keys", seed, compared)
		}
	}
}

// A flood tree joins bridges only: a host failing and coming back (its links going
// dark and light) leaves the trees as they are, a link between two switches does not.
func TestHostChangesKeepTheFloodTree(t *testing.T) {
	s, n := randomTree(t, 3, 6)
	ver := n.floodVer
	at := sim.Second
	s.At(at, func() { must(t, n.FailHost("h2")) })
	s.At(2*at, func() { must(t, n.RepairHost("h2")) })
	s.RunUntil(3 * at)
	if n.floodVer != ver {
		t.Errorf("a host's failure and repair changed the flood trees (version %d → %d)", ver, n.floodVer)
	}
	s.At(4*at, func() { must(t, n.FailLink("l3")) })
	s.RunUntil(5 * at)
	if n.floodVer == ver {
		t.Error("an inter-switch link's failure left the flood trees as they were")
	}
}

// An entry nothing looks at is dropped when an announcement reaches it, not taught:
// written again by the next look-up it holds what the announcement taught, the port
// towards the sender learned at its instant, and keeps its creation number.
func TestAnnouncementDropsQuietEntries(t *testing.T) {
	s, n := randomTree(t, 5, 8)
	h := n.devices["h0"]
	var far *bridge
	for _, b := range n.bridges {
		if b != h.ports[0].link.ends[1].dev.br {
			far = b
		}
	}
	e := far.entry(DefaultVLAN, h.mac) // learned from h0's gratuitous ARP at the start
	if e.lp == nil || e.last != 0 {
		t.Fatalf("%s's entry for h0: port %v, learned at %v; want one from the start", far.name, e.lp, e.last)
	}
	lp, id := e.lp, e.id
	s.At(sim.Second, func() {
		w := n.oneShot(h.mac)
		w.fr.vlan = DefaultVLAN
		w.fromHost(h, nil)
	})
	s.RunUntil(sim.Second)
	ks := n.keyAt(n.vlanIndex(DefaultVLAN), h.mac)
	for _, x := range ks.entries {
		if x == e {
			t.Fatal("the announcement kept the quiet entry")
		}
	}
	if e.state&entryForgotten == 0 {
		t.Fatal("the dropped entry is not marked forgotten")
	}
	again := far.entry(DefaultVLAN, h.mac)
	if again == e || again.lp != lp || again.last != sim.Second || again.id != id {
		t.Errorf("written again: port %v learned at %v, number %d; want %v at 1s, number %d", again.lp, again.last, again.id, lp, id)
	}
}

// An entry whose aging timer was armed while a flow looked it up is quiet once the
// flow has stopped: the announcement drops it (and its timer) as well, and the look-up
// writes it again aging without a timer, as an entry nobody looks at does.
func TestAnnouncementDropsEntriesOfStoppedFlows(t *testing.T) {
	s, n := randomTree(t, 5, 8)
	h := n.devices["h0"]
	src := n.devices["h7"]
	far := src.ports[0].link.ends[1].dev.br
	f, err := n.AddFlow(FlowConfig{Name: "f", From: "h7", To: "h0", RateBps: 1e6})
	must(t, err)
	s.RunUntil(sim.Second)
	e := far.entry(DefaultVLAN, h.mac)
	if e.age == nil || !e.age.Armed() {
		t.Fatalf("%s's entry for h0, looked up by a running flow, has no aging timer", far.name)
	}
	f.Stop()
	lp, id := e.lp, e.id
	s.At(2*sim.Second, func() {
		w := n.oneShot(h.mac)
		w.fr.vlan = DefaultVLAN
		w.fromHost(h, nil)
	})
	s.RunUntil(2 * sim.Second)
	if e.state&entryForgotten == 0 || e.age != nil {
		t.Fatalf("the announcement kept the entry of the stopped flow (timer %v)", e.age)
	}
	again := far.entry(DefaultVLAN, h.mac)
	if again.lp != lp || again.last != 2*sim.Second || again.id != id || again.age != nil || again.state&entryAging == 0 {
		t.Errorf("written again: port %v learned at %v, number %d, timer %v; want %v at 2s, number %d, aging without a timer",
			again.lp, again.last, again.id, again.age, lp, id)
	}
}

// A data center of 200,000 flows holds a flow and its directions for each: at 320
// bytes a flow and 384 a direction they fill Go's size classes exactly (320, and 768
// for a bidirectional flow's two directions); a field more costs up to 128 bytes a
// flow, 25 MB at 20,000 hosts (measured when flowDir went from 384 to 392 bytes).
func TestFlowsFitTheirSizeClasses(t *testing.T) {
	if s := unsafe.Sizeof(Flow{}); s > 320 {
		t.Errorf("Flow is %d bytes, more than 320", s)
	}
	if s := unsafe.Sizeof(flowDir{}); s > 384 {
		t.Errorf("flowDir is %d bytes, more than 384", s)
	}
	// and a MAC entry, of which a large fabric holds millions, 112 (a size class too)
	if s := unsafe.Sizeof(fdbEntry{}); s > 112 {
		t.Errorf("fdbEntry is %d bytes, more than 112", s)
	}
}

// A passive probe to a host whose entries have aged floods, and a pruned flood walks
// only the way to the host: on a random tree of 25 switches it crosses the links
// between the two hosts' switches (and the hosts' own), a full flood every link of
// the VLAN; both deliver by the same path.
func TestProbeFloodsOnlyTowardsItsDestination(t *testing.T) {
	walked := func(prune bool) (all, path int, delivered bool) {
		old := pruneFloodsDefault
		pruneFloodsDefault = prune
		defer func() { pruneFloodsDefault = old }()
		s, n := randomTree(t, 9, 25)
		f, err := n.AddFlow(FlowConfig{Name: "probe", From: "h3", To: "h17", Passive: true, Stopped: true})
		must(t, err)
		s.At(400*sim.Second, f.Start) // every entry learned at the start has aged
		s.RunUntil(400 * sim.Second)
		d := &f.dirs[0]
		return len(d.all), len(d.path), d.delivered && d.books.up
	}
	fullAll, fullPath, fullOK := walked(false)
	prunedAll, prunedPath, prunedOK := walked(true)
	if !fullOK || !prunedOK || fullPath != prunedPath {
		t.Fatalf("full flood: delivered %v, path of %d hops; pruned: %v, %d hops", fullOK, fullPath, prunedOK, prunedPath)
	}
	if prunedAll != prunedPath || fullAll <= prunedAll {
		t.Errorf("the pruned flood crossed %d hops for a path of %d, the full one %d", prunedAll, prunedPath, fullAll)
	}
}
