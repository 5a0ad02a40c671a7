package twin

import (
	"slices"

	"dctwin/failures"
	"dctwin/sim"
	"dctwin/topology/network"
)

// failureTimelines keeps, for each failure the report shows in detail, the notable
// records of its window: from the failure until the next failure begins, or a minute
// after its repair and after the boots that repair started. Each window keeps its first
// maxTimeline records (what the text report prints) and counts the rest, and a record
// is handed to the windows as soon as no later event can change which windows it falls
// in, so a run of any duration holds only the records of the last step.
type failureTimelines struct {
	detailed int // how many failures get a window (the measurement's Detailed)
	count    int // failures that happened

	open    []*timelineWindow       // windows that may still gain records, by injection
	untaken []*timelineWindow       // windows whose calls are not taken yet, by injection
	byID    map[int]*timelineWindow // every window
	pending []TraceLine             // records not yet handed to the windows, in order

	// The last injection, undone if the target refuses the failure right after it.
	lastID     int
	lastWindow *timelineWindow
	lastNext   []*timelineWindow // windows whose nextAt it set
}

// timelineWindow is one failure's window and what it holds so far.
type timelineWindow struct {
	at         sim.Time
	repairAt   sim.Time // sim.Never until repaired
	bootsEnd   sim.Time // when the boots the repair started are over, once bootsKnown
	bootsKnown bool
	nextAt     sim.Time // when the next failure began, sim.Never until one did

	lines   []TraceLine // the first maxTimeline records
	omitted int         // records beyond them

	// The calls the failure dropped and degraded while in force, taken once its window
	// for calls has closed (see Twin.housekeep).
	callsTaken        bool
	dropped, degraded int
	failedSetup       int
}

func newFailureTimelines(detailed int) *failureTimelines {
	return &failureTimelines{detailed: detailed, byID: map[int]*timelineWindow{}}
}

// observe follows the failures and keeps the notable records.
func (ft *failureTimelines) observe(at sim.Time, r sim.Record) {
	switch r := r.(type) {
	case failures.Injected:
		ft.lastID, ft.lastWindow, ft.lastNext = r.Failure.ID, nil, ft.lastNext[:0]
		for _, w := range ft.open {
			if w.nextAt == sim.Never && w.at < at {
				w.nextAt = at
				ft.lastNext = append(ft.lastNext, w)
			}
		}
		if ft.count < ft.detailed {
			w := &timelineWindow{at: at, repairAt: sim.Never, nextAt: sim.Never}
			ft.open = append(ft.open, w)
			ft.untaken = append(ft.untaken, w)
			ft.byID[r.Failure.ID] = w
			ft.lastWindow = w
		}
		ft.count++
	case failures.Refused:
		if r.Failure.ID == ft.lastID {
			ft.undoLast()
		}
	case failures.Repaired:
		if w := ft.byID[r.Failure.ID]; w != nil {
			w.repairAt = at
		}
	}
	if notable(r) {
		ft.pending = append(ft.pending, NewTraceLine(at, r))
	}
}

// undoLast takes back the last injection: the target refused the failure.
func (ft *failureTimelines) undoLast() {
	for _, w := range ft.lastNext {
		w.nextAt = sim.Never
	}
	if w := ft.lastWindow; w != nil {
		drop := func(x *timelineWindow) bool { return x == w }
		ft.open = slices.DeleteFunc(ft.open, drop)
		ft.untaken = slices.DeleteFunc(ft.untaken, drop)
		delete(ft.byID, ft.lastID)
	}
	ft.count--
	ft.lastID, ft.lastWindow, ft.lastNext = 0, nil, ft.lastNext[:0]
}

// bootsEndIn is when the boots that began at a repair at time at are over, from the
// records at that instant (at itself if none began).
func bootsEndIn(lines []TraceLine, at sim.Time) sim.Time {
	end := at
	for _, l := range lines {
		if l.At != at {
			continue
		}
		switch r := l.Record.(type) {
		case HostBooting:
			end = max(end, at+r.For)
		case network.SwitchBooting:
			end = max(end, at+r.For)
		}
	}
	return end
}

// holds reports whether a record at time a falls in the window; bootsEnd is the end of
// the repair's boots.
func (w *timelineWindow) holds(a, bootsEnd sim.Time) bool {
	if a < w.at || a >= w.nextAt {
		return false
	}
	return w.repairAt == sim.Never || a < bootsEnd+sim.Minute
}

// add keeps a record, or counts it once the window holds maxTimeline.
func (w *timelineWindow) add(l TraceLine) {
	if len(w.lines) < maxTimeline {
		w.lines = append(w.lines, l)
		return
	}
	w.omitted++
}

// settle hands the records before time upTo to their windows and forgets them. By then
// every failure injected, refused or repaired before upTo is known, and so are the
// boots of repairs before upTo: which windows hold such a record cannot change.
// Records at upTo itself wait: a failure injected at that instant (from the TUI,
// between steps) would still end the windows before it.
func (ft *failureTimelines) settle(upTo sim.Time) {
	n := 0
	for n < len(ft.pending) && ft.pending[n].At < upTo {
		n++
	}
	for _, w := range ft.open {
		if !w.bootsKnown && w.repairAt < upTo {
			w.bootsEnd, w.bootsKnown = bootsEndIn(ft.pending, w.repairAt), true
		}
	}
	for _, l := range ft.pending[:n] {
		for _, w := range ft.open {
			// A repair at upTo or later has boots not known yet, but they end after it,
			// and so after every record handed over now.
			bootsEnd := w.bootsEnd
			if !w.bootsKnown {
				bootsEnd = w.repairAt
			}
			if w.holds(l.At, bootsEnd) {
				w.add(l)
			}
		}
	}
	// A window whose end has come gains nothing more.
	ft.open = slices.DeleteFunc(ft.open, func(w *timelineWindow) bool {
		end := w.nextAt
		if w.bootsKnown {
			end = min(end, w.bootsEnd+sim.Minute)
		}
		return end <= upTo
	})
	rest := copy(ft.pending, ft.pending[n:])
	clear(ft.pending[rest:])
	ft.pending = ft.pending[:rest]
}

// timelineOf returns the records of a failure's window so far: those it keeps, with
// those still waiting to be handed over, and how many more it holds beyond maxTimeline.
func (ft *failureTimelines) timelineOf(id int) ([]TraceLine, int) {
	w := ft.byID[id]
	if w == nil {
		return nil, 0
	}
	view := *w
	view.lines = slices.Clone(w.lines)
	bootsEnd := w.bootsEnd
	if !w.bootsKnown && w.repairAt != sim.Never {
		bootsEnd = bootsEndIn(ft.pending, w.repairAt)
	}
	for _, l := range ft.pending {
		if view.holds(l.At, bootsEnd) {
			view.add(l)
		}
	}
	return view.lines, view.omitted
}

// takeCalls takes the calls each failure shown in detail dropped and degraded while in
// force, once nothing can add to them: a sample interval may date a degraded episode
// back by up to one interval (workloads/uc), so twice that after the repair. Then the
// call model forgets what came before the oldest failure still waiting, or before now.
func (tw *Twin) takeCalls(now sim.Time) {
	lag := 2 * max(tw.Calls.Config().SampleInterval, 0)
	horizon := now
	ft := tw.timelines
	ft.untaken = slices.DeleteFunc(ft.untaken, func(w *timelineWindow) bool {
		if w.repairAt == sim.Never || now <= w.repairAt+lag {
			horizon = min(horizon, w.at)
			return false
		}
		w.dropped, w.degraded = tw.Calls.CallsAffected(w.at, w.repairAt)
		w.failedSetup = tw.Calls.CallsFailedSetup(w.at, w.repairAt)
		w.callsTaken = true
		return true
	})
	if horizon > tw.forgotten {
		tw.Calls.Forget(horizon)
		tw.forgotten = horizon
	}
}

// callsOf returns the calls a failure shown in detail dropped and degraded while in
// force, up to now.
func (tw *Twin) callsOf(f failures.Failure, now sim.Time) (dropped, degraded, failedSetup int) {
	if w := tw.timelines.byID[f.ID]; w != nil && w.callsTaken {
		return w.dropped, w.degraded, w.failedSetup
	}
	// Calls count against a failure while it is in force; a drop by RTP timeout caused
	// by it falls inside that window (the gap began at the failure).
	to := min(f.RepairAt, now)
	dropped, degraded = tw.Calls.CallsAffected(f.At, to)
	return dropped, degraded, tw.Calls.CallsFailedSetup(f.At, to)
}
