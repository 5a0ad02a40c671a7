package network

// The dependency index is internal bookkeeping with no API of its own; its promises
// (order of marking, no stale matches after compaction, sweeps and id reuse) are
// tested here from inside the package.

import (
	"testing"

	"dctwin/sim"
)

// indexNet returns a started network with k active flows that are not dirty, as
// between two settles.
func indexNet(t *testing.T, k int) (*Network, []*Flow) {
	t.Helper()
	n := New(sim.New(1), Options{})
	n.started = true
	fs := make([]*Flow, k)
	for i := range fs {
		fs[i] = n.newFlow(FlowConfig{Name: string(rune('a' + i))}, endpoint{}, endpoint{}, false)
		fs[i].active = true
	}
	return n, fs
}

// register adds f's registration for a new evaluation on each list, as a walk does.
func register(n *Network, f *Flow, ds ...*depList) {
	n.stamps[f.id]++
	for _, d := range ds {
		d.add(n, depRef{f.id, n.stamps[f.id]})
	}
}

// dirtyNames takes the flows marked dirty, in order, and clears the marks.
func dirtyNames(n *Network) string {
	s := ""
	for _, f := range n.dirty {
		s += f.cfg.Name
		f.dirty = false
	}
	n.dirty = n.dirty[:0]
	return s
}

func TestTouchMarksInOrderOfLatestRegistration(t *testing.T) {
	n, fs := indexNet(t, 4)
	var d depList
	// a, b, c, d register; then a and c are evaluated again (a new stamp each), c
	// without looking at the element. Many rounds fill and compact the list.
	for range 100 {
		for _, f := range fs {
			register(n, f, &d)
		}
		register(n, fs[0], &d)
		register(n, fs[2])
	}
	n.touch(&d)
	if got := dirtyNames(n); got != "bda" {
		t.Errorf("touch marked %q, want %q", got, "bda")
	}
	if len(d.items) != 0 || n.depItems != 0 {
		t.Errorf("after touch: %d items, %d counted, want none", len(d.items), n.depItems)
	}
}

func TestRepeatedAddsOfOneEvaluationAreOneItem(t *testing.T) {
	n, fs := indexNet(t, 1)
	var d depList
	register(n, fs[0], &d, &d, &d)
	if len(d.items) != 1 {
		t.Errorf("%d items, want 1", len(d.items))
	}
}

func TestReusedFlowIDDoesNotMatchStaleItems(t *testing.T) {
	n, fs := indexNet(t, 2)
	var d depList
	register(n, fs[0], &d)
	register(n, fs[1], &d)
	id := fs[0].id
	n.flows[fs[0].cfg.Name] = fs[0]
	n.flowList = append(n.flowList, fs[0])
	n.RemoveFlow(fs[0].cfg.Name)
	g := n.newFlow(FlowConfig{Name: "g"}, endpoint{}, endpoint{}, false)
	g.active = true
	if g.id != id {
		t.Fatalf("new flow got id %d, want the freed %d", g.id, id)
	}
	n.touch(&d)
	if got := dirtyNames(n); got != "b" {
		t.Errorf("touch marked %q, want %q (the removed flow's item must not mark g)", got, "b")
	}
}

func TestSweepKeepsValidItemsInOrder(t *testing.T) {
	n, fs := indexNet(t, 3)
	h := &device{kind: kindHost}
	n.devList = append(n.devList, h)
	// a, c, b register, then a and b are evaluated again: two stale items, in a list
	// too roomy to be compacted on an add.
	h.deps.items = make([]depRef, 0, 16)
	register(n, fs[0], &h.deps)
	register(n, fs[2], &h.deps)
	register(n, fs[1], &h.deps)
	register(n, fs[0], &h.deps)
	register(n, fs[1], &h.deps)
	if len(h.deps.items) != 5 {
		t.Fatalf("%d items before the sweep, want 5", len(h.deps.items))
	}
	// Pretend other lists of a large network hold enough items to pay for a sweep.
	n.depItems += sweepMin
	n.maybeSweep()
	if len(h.deps.items) != 3 {
		t.Fatalf("after the sweep %d items, want 3", len(h.deps.items))
	}
	if want := sweepMin + 3; n.depItems != want || n.depKept != want {
		t.Errorf("counted %d items, %d kept, want %d and %d", n.depItems, n.depKept, want, want)
	}
	n.touch(&h.deps)
	if got := dirtyNames(n); got != "cab" {
		t.Errorf("touch marked %q, want %q", got, "cab")
	}
}
