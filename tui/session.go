package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"dctwin/failures"
	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/topology/network"
	"dctwin/twin"
)

// A Session is the twin as the TUI drives it: one branch of a what-if, with the
// journal of what the user did, the notable events seen so far (the timeline to jump
// back to), and the latest events for the log. The UI goroutine never touches the
// twin: commands lock the session, run or change the twin, and return a Frame.
//
// Rewind rebuilds the twin and replays the journal: the twin is deterministic, so
// that is the same run. The journal keeps actions beyond the rewind point, like a
// recording: running forward again repeats them, until the user acts, which starts a
// new branch from that instant and drops the recorded future.

// logSize is how many of the latest events the log keeps.
const logSize = 4000

// maxMACs is how many MAC entries the details of a switch show (it scrolls).
const maxMACs = 64

// Session is one interactive run of a scenario.
type Session struct {
	mu  sync.Mutex
	sc  *scenario.Scenario
	opt twin.Options
	tw  *twin.Twin

	journal  []twin.Action
	timeline []twin.Event // notable events of this branch, in order, as far as it ran
	seen     int          // notable events the current twin has produced
	log      []record     // ring of the latest events
	logNext  int
	logTotal uint64
	fresh    int  // events since the last frame
	reset    bool // the log was rebuilt (rewind) since the last frame
	sent     int  // timeline events the frames have carried

	// watch is the flow the path pane shows, whose two directions the frames carry;
	// its own lock, so that the UI can set it while a long replay holds mu.
	watchMu sync.Mutex
	watch   string
}

// Watch sets the flow whose directions the frames carry.
func (s *Session) Watch(flow string) {
	s.watchMu.Lock()
	s.watch = flow
	s.watchMu.Unlock()
}

// record is one trace record, kept raw: formatting every MAC move of a large fabric
// would cost more than the simulation.
type record struct {
	at sim.Time
	r  sim.Record
}

// Observe implements sim.Observer.
func (s *Session) Observe(at sim.Time, r sim.Record) {
	if len(s.log) < logSize {
		s.log = append(s.log, record{at, r})
	} else {
		s.log[s.logNext] = record{at, r}
		s.logNext = (s.logNext + 1) % logSize
	}
	s.logTotal++
	s.fresh++
	if twin.IsNotable(r) {
		s.seen++
		if s.seen > len(s.timeline) {
			s.timeline = append(s.timeline, twin.NewEvent(at, r))
		}
	}
}

// NewSession builds the twin of a scenario for the TUI.
func NewSession(sc *scenario.Scenario, opt twin.Options) (*Session, error) {
	s := &Session{sc: sc, opt: opt}
	if err := s.rebuild(nil); err != nil {
		return nil, err
	}
	// The network converges at time 0 (links up, spanning tree, first MAC learning):
	// the first screen shows it converged, not every port dark.
	s.tw.RunUntil(0)
	return s, nil
}

// rebuild makes a new twin with the journal scheduled, at time 0.
func (s *Session) rebuild(journal []twin.Action) error {
	tw, err := twin.Replay(s.sc, s.opt, journal)
	if err != nil {
		return err
	}
	s.tw = tw
	s.journal = journal
	s.seen = 0
	s.log, s.logNext, s.logTotal, s.fresh, s.reset = nil, 0, 0, 0, true
	tw.Observe(s)
	return nil
}

// Twin returns the session's twin; callers must hold no reference across calls that
// rewind (they replace it).
func (s *Session) Twin() *twin.Twin { return s.tw }

// Now returns the simulated time.
func (s *Session) Now() sim.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tw.Now()
}

// Actions counts the actions of the journal.
func (s *Session) Actions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.journal)
}

// Advance runs the twin to time t, or until ctx ends (a frame's budget).
func (s *Session) Advance(ctx context.Context, t sim.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.tw.RunUntilContext(ctx, t)
}

// Step processes one event.
func (s *Session) Step() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tw.Step()
}

// StepNotable runs to the next notable event, for at most the wall time of ctx; it
// reports whether it found one.
func (s *Session) StepNotable(ctx context.Context) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Run in slices of simulated time so that a quiet stretch cannot hold the UI.
	const slice = 10 * sim.Second
	for ctx.Err() == nil && !s.tw.Done() {
		if s.tw.RunToNotable(s.tw.Now() + slice) {
			return true
		}
	}
	return false
}

// Fail breaks a component now, or after a delay if after > 0. Acting on a rewound
// run starts a new branch: the recorded actions after now are dropped.
func (s *Session) Fail(component string, kind failures.Kind, after sim.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.branch(); err != nil {
		return err
	}
	s.alignToMs()
	var err error
	if after > 0 {
		err = s.tw.ScheduleFailure(after, component, kind, 0)
	} else {
		err = s.tw.FailNow(component, kind)
	}
	s.journal = s.tw.Journal()
	return err
}

// Repair repairs a component's failures now.
func (s *Session) Repair(component string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.branch(); err != nil {
		return err
	}
	s.alignToMs()
	err := s.tw.RepairNow(component)
	s.journal = s.tw.Journal()
	return err
}

// alignToMs runs on to the next whole millisecond before an action, so that what the
// user does happens at a time a scenario file writes plainly ("1.9s", not
// "1.899866134s"): running at real time, a key press lands anywhere between events.
func (s *Session) alignToMs() {
	if r := s.tw.Now() % sim.Millisecond; r != 0 {
		s.tw.RunUntil(s.tw.Now() - r + sim.Millisecond)
	}
}

// beforeMs is the last whole millisecond before t: where "just before an event" goes,
// so that an action taken there is written plainly too.
func beforeMs(t sim.Time) sim.Time {
	return max(0, (t-1)/sim.Millisecond*sim.Millisecond)
}

// branch drops the recorded future before the user acts on a rewound run: the twin is
// rebuilt with the actions up to now and run back to now.
func (s *Session) branch() error {
	now := s.tw.Now()
	keep := slices.IndexFunc(s.journal, func(a twin.Action) bool { return a.At > now })
	// The timeline beyond now belonged to the dropped future.
	cut := slices.IndexFunc(s.timeline, func(e twin.Event) bool { return e.At > now })
	if cut >= 0 {
		s.timeline = s.timeline[:cut]
		s.sent = min(s.sent, cut)
	}
	if keep < 0 {
		return nil
	}
	logged := s.logTotal
	if err := s.rebuild(slices.Clone(s.journal[:keep])); err != nil {
		return err
	}
	s.tw.RunUntil(now)
	s.reset = logged != s.logTotal || s.reset
	return nil
}

// Goto moves the run to time t: forward by running, backward by replaying the journal
// from the start (the same run, by determinism). progress, if not nil, is told how far
// the run has come, every simulated second; ctx stops it where it is.
func (s *Session) Goto(ctx context.Context, t sim.Time, progress func(sim.Time)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t = max(0, min(t, s.tw.Duration))
	if t < s.tw.Now() {
		if err := s.rebuild(s.journal); err != nil {
			return err
		}
	}
	for {
		next := min(t, s.tw.Now()+sim.Second)
		if err := s.tw.RunUntilContext(ctx, next); err != nil {
			return err
		}
		if progress != nil {
			progress(s.tw.Now())
		}
		if next >= t {
			return nil
		}
	}
}

// Reseed restarts the run from the start with another seed, keeping the journal.
func (s *Session) Reseed(seed uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opt.Seed, s.opt.SeedSet = seed, true
	s.timeline, s.sent = nil, 0
	if err := s.rebuild(s.journal); err != nil {
		return err
	}
	s.tw.RunUntil(0)
	return nil
}

// Back returns to just before the latest notable instant before now (the last whole
// millisecond before it), and reports the event it went back over (false if there is
// none).
func (s *Session) Back(ctx context.Context, progress func(sim.Time)) (twin.Event, bool, error) {
	return s.backTo(ctx, progress, func(twin.Event) bool { return true })
}

// BackBeforeFailure returns to just before the latest failure (made by hand or by the
// scenario) at or before now: "undo the last failure" in one key.
func (s *Session) BackBeforeFailure(ctx context.Context, progress func(sim.Time)) (twin.Event, bool, error) {
	return s.backTo(ctx, progress, func(e twin.Event) bool { return e.Kind == "failure" })
}

func (s *Session) backTo(ctx context.Context, progress func(sim.Time), match func(twin.Event) bool) (twin.Event, bool, error) {
	s.mu.Lock()
	now := s.tw.Now()
	i := len(s.timeline) - 1
	for i >= 0 && (s.timeline[i].At > now || !match(s.timeline[i])) {
		i--
	}
	// Everything of the latest instant goes: its events are one step of the run.
	if i < 0 || s.timeline[i].At == 0 {
		s.mu.Unlock()
		return twin.Event{}, false, nil
	}
	ev := s.timeline[i]
	s.mu.Unlock()
	return ev, true, s.Goto(ctx, beforeMs(ev.At), progress)
}

// Save writes the scenario with the session's failures and repairs as a file that
// `dctwin run FILE` replays to the same report.
func (s *Session) Save(path string) error {
	s.mu.Lock()
	spec := s.tw.SessionSpec()
	s.mu.Unlock()
	var b bytes.Buffer
	header := fmt.Sprintf("saved by the dctwin TUI on %s: %s with the failures and repairs made by hand",
		time.Now().Format("2006-01-02 15:04"), s.sc.Name)
	if err := scenario.Write(&b, &spec, header, "dctwin run FILE replays the session"); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// Frame is what the UI renders: a snapshot of the twin, the detail of the selected
// device, and the events since the previous frame.
type Frame struct {
	Snap *twin.Snapshot
	// Inspect is the selected device's detail (zero when nothing or no device is
	// selected).
	Inspect network.Inspection
	// Events are the events since the previous frame (at most logSize); Reset says the
	// log was rebuilt by a rewind and Events is all of it.
	Events []twin.Event
	Reset  bool
	// Timeline carries the notable events of the branch from index TimelineFrom on:
	// the UI keeps the earlier ones it has and drops those after.
	Timeline     []twin.Event
	TimelineFrom int
	Journal      []twin.Action
	Total        uint64 // events logged since the twin was built
	// Directions are the watched flow's directions (Watch), forward first.
	Directions []DirectionView
	// Availability is the share of flow time delivered so far (-1 when not measured
	// for this frame).
	Availability float64
	Seed         uint64
}

// DirectionView is one direction of the watched flow.
type DirectionView struct {
	Name       string // "client-1 → srv-1"
	Delivering bool
	Delay      sim.Time
	Reason     string
	Hops       []twin.Hop
}

// Frame takes a frame with the detail of the selected device.
func (s *Session) Frame(selected string, availability bool) Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := Frame{Snap: s.tw.Snapshot(), Reset: s.reset, Total: s.logTotal, Availability: -1, Seed: s.tw.Seed}
	if selected != "" {
		f.Inspect, _ = s.tw.Net.Inspect(selected, maxMACs)
	}
	s.watchMu.Lock()
	watch := s.watch
	s.watchMu.Unlock()
	if fl := s.tw.Net.Flow(watch); fl != nil {
		for i := range fl.Directions() {
			d := fl.Direction(i)
			dv := DirectionView{Name: d.Name(), Delivering: d.Delivering(), Delay: d.Delay(), Reason: d.Reason()}
			p := d.Path()
			for k := 0; k+2 < len(p); k += 3 {
				dv.Hops = append(dv.Hops, twin.Hop{From: p[k], Link: p[k+1], To: p[k+2]})
			}
			f.Directions = append(f.Directions, dv)
		}
	}
	n := min(s.fresh, len(s.log))
	if s.reset {
		n = len(s.log)
	}
	f.Events = make([]twin.Event, 0, n)
	start := (s.logNext + len(s.log) - n) % max(len(s.log), 1)
	for i := range n {
		rec := s.log[(start+i)%len(s.log)]
		f.Events = append(f.Events, twin.NewEvent(rec.at, rec.r))
	}
	s.fresh, s.reset = 0, false
	f.TimelineFrom = s.sent
	f.Timeline = slices.Clone(s.timeline[s.sent:])
	s.sent = len(s.timeline)
	f.Journal = slices.Clone(s.journal)
	if availability && f.Snap.At > 0 {
		f.Availability = s.tw.Report().Summary.FlowAvailability
	}
	return f
}
