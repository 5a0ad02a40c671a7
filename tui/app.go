package tui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"dctwin/failures"
	"dctwin/scenario"
	"dctwin/sim"
	"dctwin/topology"
	"dctwin/topology/network"
	"dctwin/twin"
)

// pane names a pane of the screen, for focus.
type pane int

const (
	paneTree pane = iota
	paneDetails
	panePath
	paneFailovers
	paneMetrics
	paneEvents
)

// Pane is what every pane of the screen is: it has a title, renders its content for
// the size it was given, and takes keys when it has the focus (Update may ignore
// them). A new pane (the virtualization and web issues will add some) implements it
// and takes a place in rects; nothing else changes.
type Pane interface {
	Title() string
	View() string
	SetSize(w, h int)
	Update(msg tea.Msg) tea.Cmd
}

// tabName is a pane's short name in the narrow layout's tabs.
var tabName = map[pane]string{paneDetails: "Details", panePath: "Path", paneFailovers: "Failovers", paneMetrics: "Calls"}

// mode is what the keyboard drives: the panes, or an input line, a menu, an overlay.
type mode int

const (
	modeNormal   mode = iota
	modeCommand       // ":" command line
	modeFilter        // "/" filter line
	modeDelay         // "F": the delay of a scheduled failure
	modeMenu          // "f"/"F": the failure kinds of the selection
	modeHelp          // "?"
	modeTimeline      // "t": the notable events to jump to
	modeChain         // enter on a failover: its chain of events
	modeHosts         // "m" on a VM: the hosts to migrate it to (vmactions.go)
)

// Minimum and comfortable terminal sizes: below the minimum the TUI asks for a bigger
// terminal; from the wide size on it shows every pane at once.
const (
	minW, minH   = 60, 16
	wideW, wideH = 100, 30
)

// frameInterval is the time between frames while the simulation runs (30 per second);
// frameBudget is how long a frame may simulate, so that keys stay responsive at any
// speed: the simulation runs in slices and falls behind rather than freeze the UI.
const (
	frameInterval = time.Second / 30
	frameBudget   = 25 * time.Millisecond
	// maxFrameStep bounds the wall time one frame simulates for, so that a pause, a
	// slow frame or a suspended laptop does not turn into a jump.
	maxFrameStep = 100 * time.Millisecond
	// availabilityEvery is how often the running availability is measured (it walks
	// the measurements of the whole run).
	availabilityEvery = time.Second
)

// speeds are the speed steps of + and -: simulated seconds per real second; 0 is "as
// fast as possible".
var speeds = []float64{0.1, 0.5, 1, 2, 5, 10, 100, 1000, 0}

// shared is what every pane reads: styles, the static model, the latest frame and the
// focus. Panes never touch the twin.
type shared struct {
	styles       Styles
	topo         *topology.Topology
	layout       *network.Layout
	flowEnds     map[string][2]string
	flowNames    []string
	flowsByEnd   map[string][]string // node → the flows that start or end at it
	vmsOn        map[string][]string // host → its VMs
	kinds        map[string][]failures.Kind
	frame        Frame
	focus        pane
	tree         *Tree
	availability float64
}

func (sh *shared) snap() *twin.Snapshot { return sh.frame.Snap }

func (sh *shared) selected() *node {
	if sh.tree == nil {
		return nil
	}
	return sh.tree.Selected()
}

// failureKinds lists how a component can fail (twin.FailureKindsOf, which searches
// the whole topology: kept per name).
func (sh *shared) failureKinds(name string) []failures.Kind {
	k, ok := sh.kinds[name]
	if !ok {
		k = twin.FailureKindsOf(sh.topo, name)
		sh.kinds[name] = k
	}
	return k
}

// flowsAt lists the flows that start or end at a node, or at a VM on it (a NIC or
// port: at its device).
func (sh *shared) flowsAt(name string) []string {
	if i, ok := sh.layout.Port[name]; ok {
		name = sh.layout.Devices[sh.layout.Ports[i].Device].Name
	}
	out := sh.flowsByEnd[name]
	if vms := sh.vmsOn[name]; len(vms) > 0 {
		out = slices.Clone(out)
		for _, v := range vms {
			out = append(out, sh.flowsByEnd[v]...)
		}
	}
	return out
}

// Options configure the TUI.
type Options struct {
	// Paused starts the simulation paused (tests, and users who want to look first).
	Paused bool
	// Speed is the initial speed factor (0: 1×).
	Speed float64
	// Notice is shown in the status line at the start (a scenario opened despite its
	// check errors).
	Notice string
}

// Model is the TUI's root model.
type Model struct {
	sh   *shared
	sess *Session
	sc   *scenario.Scenario
	keys keyMap
	help help.Model

	tree      *Tree
	details   *Details
	path      *PathView
	failovers *Failovers
	metrics   *Metrics
	events    *EventLog

	w, h     int
	rightTab pane // the pane the right side shows in the narrow layout

	running  bool
	speed    int // index into speeds
	behind   bool
	inflight int // commands on the twin not yet answered
	// achieved is the simulated seconds per real second of the last second running;
	// rateAt/rateWall start its window.
	achieved float64
	rateAt   sim.Time
	rateWall time.Time
	// busyFor says what a long command (a rewind) is doing; cancel stops it (esc).
	busyFor string
	cancel  context.CancelFunc
	// send delivers a message from a running command (progress); nil in tests.
	send    func(tea.Msg)
	lastRun time.Time
	lastAvl time.Time

	mode     mode
	input    textinput.Model
	menu     []failures.Kind
	menuAt   int
	menuFor  string
	schedule bool // the menu chooses a kind for a scheduled failure
	kind     failures.Kind
	hostMenu []string // the migration targets of modeHosts
	hostWhy  []string // why the twin would refuse each target now ("" if it would not)

	timeline   []twin.Event
	timelineAt int
	chain      string
	chainOff   int

	status    string
	statusErr bool
	quitting  bool
}

// New returns the TUI of a session.
func New(sess *Session, opt Options) *Model {
	sc := sess.sc
	tw := sess.Twin()
	sh := &shared{styles: DefaultStyles(), topo: tw.Topology, layout: tw.Net.Layout(), flowEnds: map[string][2]string{}, availability: -1}
	sh.flowsByEnd, sh.vmsOn, sh.kinds = map[string][]string{}, map[string][]string{}, map[string][]failures.Kind{}
	for _, v := range sh.topo.VMs {
		sh.vmsOn[v.Host] = append(sh.vmsOn[v.Host], v.Name)
	}
	for _, f := range sc.Spec.Workloads.Flows {
		sh.flowEnds[f.Name] = [2]string{f.From, f.To}
		sh.flowNames = append(sh.flowNames, f.Name)
		sh.flowsByEnd[f.From] = append(sh.flowsByEnd[f.From], f.Name)
		if f.To != f.From {
			sh.flowsByEnd[f.To] = append(sh.flowsByEnd[f.To], f.Name)
		}
	}
	sh.frame = sess.Frame("", false)
	var flows []network.FlowState
	for _, f := range sh.frame.Snap.Network.Flows {
		if _, ok := sh.flowEnds[f.Name]; ok {
			flows = append(flows, f)
		}
	}
	m := &Model{sh: sh, sess: sess, sc: sc, keys: newKeyMap(), help: help.New(), running: !opt.Paused, rightTab: paneDetails}
	m.speed = slices.Index(speeds, 1)
	if opt.Speed > 0 {
		for i, s := range speeds {
			if s > 0 && s <= opt.Speed {
				m.speed = i
			}
		}
	}
	m.tree = NewTree(sh, sh.topo, flows)
	sh.tree = m.tree
	// Start on the first teamed host, unfolded: its NICs are what a newcomer fails first.
	for _, h := range sh.topo.Hosts {
		if len(h.Teams) > 0 && m.tree.Find(h.Name) {
			m.tree.Selected().open = true
			m.tree.refresh()
			break
		}
	}
	m.details = NewDetails(sh)
	m.path = NewPathView(sh)
	m.failovers = NewFailovers(sh)
	m.metrics = NewMetrics(sh)
	m.events = NewEventLog(sh)
	first := sh.frame
	sh.frame = sess.Frame(m.selectedDevice(), false)
	m.events.Add(first.Events, true)
	m.input = textinput.New()
	m.input.Prompt = ""
	m.timeline = first.Timeline
	m.followSelection()
	if opt.Notice != "" {
		m.setStatus(opt.Notice, true)
	}
	return m
}

// Init starts the frame clock when running, and takes a frame with the selection's
// details.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.frameCmd()}
	if m.running {
		m.lastRun = time.Now()
		cmds = append(cmds, tick())
	}
	return tea.Batch(cmds...)
}

// Messages.
type (
	tickMsg  time.Time
	frameMsg struct {
		f      Frame
		behind bool
		note   string
		err    error
	}
	chainMsg struct {
		text string
	}
	// progressMsg reports how far a rewind's replay has come.
	progressMsg struct{ at, to sim.Time }
)

func tick() tea.Cmd {
	return tea.Tick(frameInterval, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// selectedDevice is the device whose detail the frames should carry.
func (m *Model) selectedDevice() string {
	n := m.tree.Selected()
	if n == nil {
		return ""
	}
	switch n.kind {
	case hostNode, switchNode, moduleNode:
		return n.name
	}
	return ""
}

// twinCmd runs fn on the session in a command and answers with a frame (with the
// availability so far: actions are rare, unlike running frames).
func (m *Model) twinCmd(fn func(s *Session) (note string, err error)) tea.Cmd {
	m.inflight++
	sess, sel, avail := m.sess, m.selectedDevice(), true
	return func() tea.Msg {
		note, err := fn(sess)
		return frameMsg{f: sess.Frame(sel, avail), note: note, err: err}
	}
}

// frameCmd takes a frame without running.
func (m *Model) frameCmd() tea.Cmd {
	return m.twinCmd(func(*Session) (string, error) { return "", nil })
}

// advanceCmd runs the simulation for one frame at the current speed.
func (m *Model) advanceCmd() tea.Cmd {
	wall := min(time.Since(m.lastRun), maxFrameStep)
	m.lastRun = time.Now()
	speed := speeds[m.speed]
	snap := m.sh.snap()
	target := snap.Duration
	if speed > 0 {
		target = snap.At + sim.Time(float64(wall)*speed)
	}
	m.inflight++
	sess, sel := m.sess, m.selectedDevice()
	avail := time.Since(m.lastAvl) >= availabilityEvery
	if avail {
		m.lastAvl = time.Now()
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), frameBudget)
		defer cancel()
		sess.Advance(ctx, target)
		f := sess.Frame(sel, avail)
		return frameMsg{f: f, behind: speed > 0 && f.Snap.At < min(target, f.Snap.Duration)}
	}
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tickMsg:
		if !m.running || m.quitting {
			return m, nil
		}
		var cmd tea.Cmd
		// The run holds while the user chooses a failure: it happens at the instant
		// the menu opened, not a few seconds of simulated time later.
		hold := m.mode == modeMenu || m.mode == modeDelay || m.mode == modeHosts
		if m.inflight == 0 && !hold {
			cmd = m.advanceCmd()
		}
		if hold {
			m.lastRun = time.Now()
		}
		return m, tea.Batch(cmd, tick())
	case progressMsg:
		if m.busyFor != "" {
			m.busyFor = fmt.Sprintf("going to %s: %s", fmtAt(msg.to), fmtAt(msg.at))
		}
		return m, nil
	case frameMsg:
		m.inflight--
		m.applyFrame(msg)
		return m, nil
	case chainMsg:
		m.chain, m.chainOff, m.mode = msg.text, 0, modeChain
		return m, nil
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

// applyFrame stores a new frame and lets the panes follow it.
func (m *Model) applyFrame(msg frameMsg) {
	f := msg.f
	m.busyFor, m.cancel = "", nil
	m.measureRate(f.Snap.At)
	m.sh.frame = f
	if f.Availability >= 0 {
		m.sh.availability = f.Availability
	}
	m.behind = msg.behind
	if f.Reset {
		m.path.Rewound(f.Snap.At)
		m.metrics.Rewound(f.Snap.At)
		m.sh.availability = -1
	}
	m.events.Add(f.Events, f.Reset)
	m.timeline = append(m.timeline[:min(f.TimelineFrom, len(m.timeline))], f.Timeline...)
	m.followSelection()
	m.path.Observe(f.Snap, f.Events)
	m.metrics.Observe()
	m.failovers.clamp()
	if msg.err != nil {
		m.setStatus(msg.err.Error(), true)
	} else if msg.note != "" {
		m.setStatus(msg.note, false)
	}
	if f.Snap.Done && m.running {
		m.running = false
		m.setStatus(fmt.Sprintf("the run ended at %s: b or :goto T goes back, :save FILE keeps the session", fmtAt(f.Snap.At)), false)
	}
}

func (m *Model) setStatus(s string, isErr bool) { m.status, m.statusErr = s, isErr }

// measureRate updates the achieved speed over windows of a second of running.
func (m *Model) measureRate(at sim.Time) {
	now := time.Now()
	if !m.running || at < m.rateAt {
		m.achieved, m.rateAt, m.rateWall = 0, at, now
		return
	}
	if d := now.Sub(m.rateWall); d >= time.Second {
		m.achieved = (at - m.rateAt).Seconds() / d.Seconds()
		m.rateAt, m.rateWall = at, now
	}
}

// showFlow points the path pane, and the frames, at a flow.
func (m *Model) showFlow(flow string) {
	m.path.Show(flow)
	m.sess.Watch(flow)
}

// followSelection points the path pane at the selection's flow when it has one.
func (m *Model) followSelection() {
	n := m.tree.Selected()
	if n == nil {
		return
	}
	if n.kind == flowNode {
		m.showFlow(n.name)
		return
	}
	flows := m.sh.flowsAt(n.name)
	if len(flows) > 0 && !slices.Contains(flows, m.path.Flow()) {
		m.showFlow(flows[0])
	}
}

// key handles a key press.
func (m *Model) key(k tea.KeyMsg) tea.Cmd {
	slog.Debug("key", "key", k.String(), "mode", m.mode)
	// Keys typed fast or pasted arrive as one message of several runes (":goto 5s"):
	// outside an input line each rune is a key of its own.
	if k.Type == tea.KeyRunes && len(k.Runes) > 1 && m.mode != modeCommand && m.mode != modeFilter && m.mode != modeDelay {
		var cmds []tea.Cmd
		for i, r := range k.Runes {
			cmds = append(cmds, m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
			if m.mode == modeCommand || m.mode == modeFilter || m.mode == modeDelay {
				// The rest is the line's text.
				if rest := k.Runes[i+1:]; len(rest) > 0 {
					cmds = append(cmds, m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: rest}))
				}
				break
			}
		}
		return tea.Batch(cmds...)
	}
	if k.String() == "ctrl+c" {
		m.quitting = true
		return tea.Quit
	}
	if m.cancel != nil && key.Matches(k, m.keys.Cancel) {
		m.cancel()
		return nil
	}
	m.status = ""
	switch m.mode {
	case modeCommand, modeFilter, modeDelay:
		return m.inputKey(k)
	case modeMenu:
		return m.menuKey(k)
	case modeHosts:
		return m.hostMenuKey(k)
	case modeHelp:
		if key.Matches(k, m.keys.Quit) {
			m.quitting = true
			return tea.Quit
		}
		if key.Matches(k, m.keys.Help, m.keys.Cancel) {
			m.mode = modeNormal
		}
		return nil
	case modeTimeline:
		return m.timelineKey(k)
	case modeChain:
		switch {
		case key.Matches(k, m.keys.Up):
			m.chainOff = max(0, m.chainOff-1)
		case key.Matches(k, m.keys.Down):
			m.chainOff++
		case key.Matches(k, m.keys.PageDown):
			m.chainOff += 10
		case key.Matches(k, m.keys.PageUp):
			m.chainOff = max(0, m.chainOff-10)
		case key.Matches(k, m.keys.Quit):
			m.quitting = true
			return tea.Quit
		case key.Matches(k, m.keys.Cancel, m.keys.Enter):
			m.mode = modeNormal
		}
		return nil
	}
	switch {
	case key.Matches(k, m.keys.Quit):
		m.quitting = true
		return tea.Quit
	case key.Matches(k, m.keys.Help):
		m.mode = modeHelp
		return nil
	case key.Matches(k, m.keys.Pause):
		return m.setRunning(!m.running)
	case key.Matches(k, m.keys.Faster):
		m.speed = min(m.speed+1, len(speeds)-1)
		return nil
	case key.Matches(k, m.keys.Slower):
		m.speed = max(m.speed-1, 0)
		return nil
	case key.Matches(k, m.keys.Step):
		m.running = false
		return m.twinCmd(func(s *Session) (string, error) { s.Step(); return "", nil })
	case key.Matches(k, m.keys.StepNotable):
		m.running = false
		return m.twinCmd(func(s *Session) (string, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if !s.StepNotable(ctx) {
				return "no notable event before the end of the run (or within 2 s of work): space runs on", nil
			}
			return "", nil
		})
	case key.Matches(k, m.keys.Back):
		return m.longCmd("going back", func(ctx context.Context, s *Session, progress func(sim.Time)) (string, error) {
			ev, ok, err := s.Back(ctx, progress)
			if err != nil || !ok {
				return "no earlier notable event to go back over (t lists them)", err
			}
			return fmt.Sprintf("back to just before %s: %s %s", fmtAt(ev.At), ev.Subject, ev.Text), nil
		}, m.sh.snap().At)
	case key.Matches(k, m.keys.BackFailure):
		return m.longCmd("going back", func(ctx context.Context, s *Session, progress func(sim.Time)) (string, error) {
			ev, ok, err := s.BackBeforeFailure(ctx, progress)
			if err != nil || !ok {
				return "no failure to go back before (t lists the notable events)", err
			}
			return fmt.Sprintf("back to just before the failure at %s: %s", fmtAt(ev.At), ev.Text), nil
		}, m.sh.snap().At)
	case key.Matches(k, m.keys.Timeline):
		m.mode = modeTimeline
		m.timelineAt = len(m.timeline) - 1
		for i, ev := range m.timeline {
			if ev.At <= m.sh.snap().At {
				m.timelineAt = i
			}
		}
		return nil
	case key.Matches(k, m.keys.Fail), key.Matches(k, m.keys.Schedule):
		return m.openMenu(key.Matches(k, m.keys.Schedule))
	case key.Matches(k, m.keys.VMAction):
		return m.vmAction()
	case key.Matches(k, m.keys.Repair):
		n := m.tree.Selected()
		if n == nil || n.kind == groupNode {
			m.setStatus("select a component to repair", true)
			return nil
		}
		return m.repair(n.name)
	case key.Matches(k, m.keys.Path):
		m.nextFlow()
		if !m.running && m.inflight == 0 {
			return m.frameCmd() // the frame carries the new flow's directions
		}
		return nil
	case key.Matches(k, m.keys.Filter):
		return m.openInput(modeFilter, "/", m.tree.filter)
	case key.Matches(k, m.keys.Command):
		return m.openInput(modeCommand, ":", "")
	case key.Matches(k, m.keys.Focus):
		m.cycleFocus(1)
		return nil
	case key.Matches(k, m.keys.FocusBack):
		m.cycleFocus(-1)
		return nil
	case key.Matches(k, m.keys.Cancel):
		if m.tree.filter != "" || m.events.filter != "" {
			m.tree.SetFilter("")
			m.events.SetFilter("")
		}
		return nil
	}
	switch m.sh.focus {
	case paneDetails:
		return m.details.Update(k)
	case panePath:
		return m.path.Update(k)
	case paneFailovers:
		if key.Matches(k, m.keys.Enter) {
			return m.openChain()
		}
		return m.failovers.Update(k)
	case paneEvents:
		return m.events.Update(k)
	case paneTree:
		before := m.tree.Selected()
		m.tree.Update(k)
		if m.tree.Selected() != before {
			m.followSelection()
			if !m.running && m.inflight == 0 {
				return m.frameCmd()
			}
		}
	}
	return nil
}

// setRunning pauses or resumes.
func (m *Model) setRunning(on bool) tea.Cmd {
	if on && m.sh.snap().Done {
		m.setStatus("the run has ended: :goto T or b goes back", false)
		return nil
	}
	m.running = on
	if on {
		m.lastRun = time.Now()
		return tick()
	}
	return nil
}

// cycleFocus moves the focus to the next pane that takes keys.
func (m *Model) cycleFocus(dir int) {
	order := []pane{paneTree, paneFailovers, paneDetails, panePath, paneEvents}
	if !m.wide() {
		order = append([]pane{paneTree}, rightTabs...)
		if m.eventRows() > 0 {
			order = append(order, paneEvents)
		}
	}
	i := slices.Index(order, m.sh.focus)
	i = (i + dir + len(order)) % len(order)
	m.sh.focus = order[i]
	if m.sh.focus != paneTree && m.sh.focus != paneEvents {
		m.rightTab = m.sh.focus
	}
}

// nextFlow shows the next flow of the selection in the path pane.
func (m *Model) nextFlow() {
	n := m.tree.Selected()
	if n == nil {
		return
	}
	flows := m.sh.flowsAt(n.name)
	if n.kind == flowNode {
		flows = []string{n.name}
	}
	if len(flows) == 0 {
		m.setStatus(n.name+" has no flows; the flows group in the tree lists them all", true)
		return
	}
	i := slices.Index(flows, m.path.Flow())
	m.showFlow(flows[(i+1)%len(flows)])
	m.path.Observe(m.sh.snap(), nil)
	if !m.wide() {
		m.rightTab = panePath
	}
}

// openMenu offers the failure kinds of the selection.
func (m *Model) openMenu(schedule bool) tea.Cmd {
	n := m.tree.Selected()
	if n == nil || n.kind == groupNode {
		m.setStatus("select a component to fail", true)
		return nil
	}
	kinds := m.sh.failureKinds(n.name)
	if len(kinds) == 0 {
		m.setStatus(fmt.Sprintf("%s cannot fail in the simulation (%s)", n.name, kindName(n.kind)), true)
		return nil
	}
	m.menu, m.menuAt, m.menuFor, m.schedule, m.mode = kinds, 0, n.name, schedule, modeMenu
	return nil
}

func (m *Model) menuKey(k tea.KeyMsg) tea.Cmd {
	return m.listMenuKey(k, len(m.menu), func(i int) tea.Cmd {
		m.kind = m.menu[i]
		if m.schedule {
			return m.openInput(modeDelay, fmt.Sprintf("fail %s (%s) after: ", m.menuFor, m.kind), "5s")
		}
		return m.fail(m.menuFor, m.kind, 0)
	})
}

// listMenuKey is a key in a menu of n entries (the failure kinds, the migration
// targets): arrows move, a digit or enter chooses, esc cancels, q quits.
func (m *Model) listMenuKey(k tea.KeyMsg, n int, choose func(i int) tea.Cmd) tea.Cmd {
	c := listCursor{at: m.menuAt}
	if c.move(k, m.keys, n, n) {
		m.menuAt = c.at
		return nil
	}
	switch {
	case key.Matches(k, m.keys.Quit):
		m.quitting = true
		return tea.Quit
	case key.Matches(k, m.keys.Cancel):
		m.mode = modeNormal
	case key.Matches(k, m.keys.Enter):
		m.mode = modeNormal
		return choose(m.menuAt)
	default:
		// A digit chooses directly.
		if s := k.String(); len(s) == 1 && s[0] >= '1' && s[0] <= '9' && int(s[0]-'1') < n {
			m.menuAt = int(s[0] - '1')
			m.mode = modeNormal
			return choose(m.menuAt)
		}
	}
	return nil
}

func (m *Model) fail(component string, kind failures.Kind, after sim.Time) tea.Cmd {
	if snap := m.sh.snap(); after > 0 && snap.At+after > snap.Duration {
		m.setStatus(fmt.Sprintf("%s from now is after the end of the run (%s): it would not happen", fmtDur(after), fmtAt(snap.Duration)), true)
		return nil
	}
	return m.twinCmd(func(s *Session) (string, error) {
		if err := s.Fail(component, kind, after); err != nil {
			return "", err
		}
		if after > 0 {
			return fmt.Sprintf("%s (%s) will fail in %s", component, kind, fmtDur(after)), nil
		}
		return fmt.Sprintf("%s failed (%s) at %s: watch the failovers and the path", component, kind, fmtAt(s.Now())), nil
	})
}

func (m *Model) repair(component string) tea.Cmd {
	if len(m.sh.failureKinds(component)) == 0 {
		m.setStatus(fmt.Sprintf("%q is not a component that can fail (/ finds names)", component), true)
		return nil
	}
	return m.twinCmd(func(s *Session) (string, error) {
		if err := s.Repair(component); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s repaired at %s", component, fmtAt(s.Now())), nil
	})
}

// goTo moves the run to a time, back by replay if needed; a long replay reports its
// progress and esc stops it.
func (m *Model) goTo(t sim.Time) tea.Cmd {
	return m.longCmd(fmt.Sprintf("going to %s", fmtAt(t)), func(ctx context.Context, s *Session, progress func(sim.Time)) (string, error) {
		if err := s.Goto(ctx, t, progress); err != nil {
			return "", err
		}
		return fmt.Sprintf("at %s", fmtAt(s.Now())), nil
	}, t)
}

// longCmd runs fn, which may replay the run from its start, as a command that shows
// what it does in the header, reports progress and can be cancelled with esc.
func (m *Model) longCmd(what string, fn func(ctx context.Context, s *Session, progress func(sim.Time)) (string, error), to sim.Time) tea.Cmd {
	m.running = false
	m.busyFor = what
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	send := m.send
	return m.twinCmd(func(s *Session) (string, error) {
		defer cancel()
		last := time.Now()
		progress := func(at sim.Time) {
			if send != nil && time.Since(last) > 100*time.Millisecond {
				last = time.Now()
				send(progressMsg{at: at, to: to})
			}
		}
		note, err := fn(ctx, s, progress)
		if errors.Is(err, context.Canceled) {
			return fmt.Sprintf("stopped at %s (esc)", fmtAt(s.Now())), nil
		}
		return note, err
	})
}

func (m *Model) timelineKey(k tea.KeyMsg) tea.Cmd {
	c := listCursor{at: m.timelineAt}
	if c.move(k, m.keys, len(m.timeline), 10) {
		m.timelineAt = c.at
		return nil
	}
	switch {
	case key.Matches(k, m.keys.Quit):
		m.quitting = true
		return tea.Quit
	case key.Matches(k, m.keys.Cancel, m.keys.Timeline):
		m.mode = modeNormal
	case key.Matches(k, m.keys.Enter):
		m.mode = modeNormal
		if m.timelineAt >= 0 && m.timelineAt < len(m.timeline) {
			return m.goTo(m.timeline[m.timelineAt].At)
		}
	case k.String() == "b":
		// Just before the chosen event.
		m.mode = modeNormal
		if m.timelineAt >= 0 && m.timelineAt < len(m.timeline) {
			return m.goTo(beforeMs(m.timeline[m.timelineAt].At))
		}
	}
	return nil
}

// openChain fetches the selected failure's chain of events.
func (m *Model) openChain() tea.Cmd {
	i := m.failovers.Selected()
	if i < 0 {
		return nil
	}
	r := m.sh.snap().Failovers[i]
	sess, sh, w := m.sess, m.sh, m.overlayWidth()
	return func() tea.Msg {
		sess.mu.Lock()
		lines, omitted := sess.tw.FailureTimeline(i)
		sess.mu.Unlock()
		return chainMsg{text: sh.chainView(r, lines, omitted, w-4)}
	}
}

// resize lays the panes out for the terminal size.
func (m *Model) resize() {
	m.help.Width = m.w
	if m.w < minW || m.h < minH {
		return
	}
	panes := m.panes()
	for _, r := range m.rects() {
		panes[r.p].SetSize(max(0, r.w-2), max(0, r.h-2))
	}
	m.tree.clamp()
}

// wide reports whether every pane fits at once.
func (m *Model) wide() bool { return m.w >= wideW && m.h >= wideH }

// eventRows is the height of the event log (border included) in the narrow layout.
func (m *Model) eventRows() int {
	if m.wide() {
		return max(6, (m.h-2)/4)
	}
	if m.h-2-6 >= 12 {
		return 6
	}
	return 0
}

// rect is one pane's place on the screen.
type rect struct {
	p          pane
	x, y, w, h int
}

// panes maps the panes to their components.
func (m *Model) panes() map[pane]Pane {
	return map[pane]Pane{paneTree: m.tree, paneDetails: m.details, panePath: m.path,
		paneFailovers: m.failovers, paneMetrics: m.metrics, paneEvents: m.events}
}

// rects computes where the panes go.
func (m *Model) rects() []rect {
	H := m.h - 2 // header and key line
	ev := m.eventRows()
	var rs []rect
	if m.wide() {
		mid := max(6, H/6)
		top := H - ev - mid
		tw := max(30, m.w*36/100)
		rw := m.w - tw
		dh := top * 55 / 100
		mw := max(36, m.w/3)
		rs = []rect{
			{paneTree, 0, 1, tw, top},
			{paneDetails, tw, 1, rw, dh},
			{panePath, tw, 1 + dh, rw, top - dh},
			{paneFailovers, 0, 1 + top, m.w - mw, mid},
			{paneMetrics, m.w - mw, 1 + top, mw, mid},
			{paneEvents, 0, 1 + top + mid, m.w, ev},
		}
		return rs
	}
	top := H - ev
	tw := min(32, m.w*2/5)
	rw := m.w - tw
	rs = []rect{{paneTree, 0, 1, tw, top}}
	for _, p := range rightTabs {
		rs = append(rs, rect{p, tw, 1, rw, top})
	}
	if ev > 0 {
		rs = append(rs, rect{paneEvents, 0, 1 + top, m.w, ev})
	}
	return rs
}

// rightTabs are the panes the narrow layout shows as tabs on the right.
var rightTabs = []pane{paneDetails, panePath, paneFailovers, paneMetrics}

// View renders the screen from the latest frame.
func (m *Model) View() string {
	if m.w == 0 {
		return "starting…"
	}
	if m.w < minW || m.h < minH {
		msg := fmt.Sprintf("terminal too small (need %d×%d, have %d×%d)", minW, minH, m.w, m.h)
		if lipgloss.Width(msg) > m.w {
			// one fact a line, so that a narrow terminal still shows the sizes
			msg = truncate("terminal too small", m.w) + "\n" + truncate(fmt.Sprintf("need %d×%d", minW, minH), m.w) +
				"\n" + truncate(fmt.Sprintf("have %d×%d", m.w, m.h), m.w)
		}
		return lipgloss.Place(m.w, m.h, lipgloss.Center, lipgloss.Center, truncate(msg, m.w))
	}
	screen := make([]string, 0, m.h)
	screen = append(screen, m.header())
	body := m.body()
	switch m.mode {
	case modeHelp:
		hv := m.helpView()
		body = overlay(body, m.sh.box("Help", hv, m.overlayWidth(), min(m.h-2, strings.Count(hv, "\n")+3), true), m.w)
	case modeMenu:
		body = overlay(body, m.sh.box("fail "+m.menuFor, m.menuView(), min(m.w-4, 44), len(m.menu)+4, true), m.w)
	case modeHosts:
		body = overlay(body, m.sh.box("migrate "+m.menuFor+" to", m.hostMenuView(), min(m.w-4, m.hostMenuWidth()), len(m.hostMenu)+4, true), m.w)
	case modeTimeline:
		body = overlay(body, m.sh.box("Timeline: notable events", m.timelineView(), m.overlayWidth(), m.h-4, true), m.w)
	case modeChain:
		body = overlay(body, m.sh.box("Chain of events  (esc closes)", m.chainView(), m.overlayWidth(), m.h-4, true), m.w)
	}
	screen = append(screen, body...)
	screen = append(screen, m.bottom())
	return strings.Join(screen, "\n")
}

func (m *Model) overlayWidth() int { return min(m.w-4, 110) }

// body renders the panes into m.h-2 lines.
func (m *Model) body() []string {
	grid := make([][]string, m.h-2)
	for _, r := range m.rects() {
		if !m.wide() && r.p != paneTree && r.p != paneEvents && r.p != m.rightTab {
			continue
		}
		title, content := m.paneView(r.p)
		if !m.wide() && r.p == m.rightTab {
			title = m.tabs()
		}
		focused := m.sh.focus == r.p
		footer := ""
		if f, ok := m.panes()[r.p].(interface{ Footer() string }); ok {
			footer = f.Footer()
		}
		for i, l := range strings.Split(m.sh.boxFooter(title, content, footer, r.w, r.h, focused), "\n") {
			if y := r.y - 1 + i; y >= 0 && y < len(grid) {
				grid[y] = append(grid[y], l)
			}
		}
	}
	out := make([]string, len(grid))
	for i, parts := range grid {
		out[i] = strings.Join(parts, "")
	}
	return out
}

// paneView returns a pane's title and content.
func (m *Model) paneView(p pane) (string, string) {
	c := m.panes()[p]
	return c.Title(), c.View()
}

// tabs is the title of the right pane in the narrow layout.
func (m *Model) tabs() string {
	var parts []string
	for _, p := range rightTabs {
		name := tabName[p]
		if p == paneMetrics {
			name = m.metrics.Title() // Calls, or Service without calls
		}
		if p == m.rightTab {
			name = "[" + name + "]"
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, " ") + "  tab"
}

// header is the top line: scenario, seed, clock, speed, state. What does not fit
// goes, least needed first: the run's length, the seed, the scenario's name, the keys.
func (m *Model) header() string {
	snap := m.sh.snap()
	st := m.sh.styles
	speed := "max"
	if s := speeds[m.speed]; s > 0 {
		speed = fmt.Sprintf("×%g", s)
	}
	if m.running && m.achieved > 0 && (speeds[m.speed] == 0 || m.achieved < 0.8*speeds[m.speed]) {
		speed += fmt.Sprintf(" (≈×%s)", fmtFactor(m.achieved))
	}
	state := "⏸ paused"
	switch {
	case m.busyFor != "":
		state = "… " + m.busyFor
	case snap.Done:
		state = "■ ended"
	case m.running:
		state = "▶ running"
	}
	clock := "t = " + fmtClock(snap.At)
	name, seed, length := " ▸ "+m.sc.Name, fmt.Sprintf("seed %d", m.sh.frame.Seed), " / "+fmtClock(snap.Duration)
	right := "? help  q quit "
	for _, drop := range []*string{nil, &length, &seed, &right, &name} {
		if drop != nil {
			*drop = ""
		}
		left := fmt.Sprintf(" dctwin%s  %s   %s%s   %s %s", name, seed, clock, length, speed, state)
		if gap := m.w - lipgloss.Width(left) - lipgloss.Width(right); gap >= 1 {
			return st.Header.Render(left) + strings.Repeat(" ", gap) + st.Dim.Render(right)
		}
	}
	return st.Header.Render(truncate(fmt.Sprintf(" %s %s %s", clock, speed, state), m.w))
}

// fmtFactor prints a speed factor with two significant digits.
func fmtFactor(f float64) string {
	if f >= 10 {
		return fmt.Sprintf("%.0f", f)
	}
	return trimZeros(fmt.Sprintf("%.1f", f))
}

// bottom is the last line: the input, a status message, or the keys.
func (m *Model) bottom() string {
	st := m.sh.styles
	switch m.mode {
	case modeCommand, modeFilter, modeDelay:
		return truncate(m.input.View(), m.w)
	}
	if m.status != "" {
		if m.statusErr {
			return truncate(st.Error.Render(" "+m.status), m.w)
		}
		return truncate(st.Info.Render(" "+m.status), m.w)
	}
	h := m.help
	h.ShortSeparator = "  "
	return truncate(" "+h.ShortHelpView(m.keys.ShortHelp()), m.w)
}

// helpView is the full help with the glyph legend.
func (m *Model) helpView() string {
	h := m.help
	h.ShowAll = true
	h.Width = 0 // laid out here: a column that does not fit goes below, not away
	groups := m.keys.FullHelp()
	keys := h.FullHelpView(groups)
	if lipgloss.Width(keys) > m.overlayWidth()-4 {
		half := (len(groups) + 1) / 2
		keys = h.FullHelpView(groups[:half]) + "\n\n" + h.FullHelpView(groups[half:])
	}
	return keys + "\n\n" + strings.Join(wrapJoin(strings.Split(glyphLegend, "  "), "  ", m.overlayWidth()-4, ""), "\n") +
		"\n\ncommands (:): fail X [KIND] [after D] · repair X · goto T · speed S|max · save FILE\n" +
		"              seed N · find X · events all|notable|TEXT · pause · run · quit\n" +
		"              migrate VM HOST · maintenance HOST [on|off]\n\n" +
		"f on a component fails it; the failover table, the path and the calls show what\n" +
		"the mechanisms did. b steps back before the latest notable event (the run is\n" +
		"replayed: same seed, same actions), t lists them to jump to. ? or esc closes."
}

func (m *Model) menuView() string {
	var b strings.Builder
	b.WriteString(m.sh.styles.Dim.Render("↑/↓ enter or a digit; esc cancels"))
	for i, k := range m.menu {
		line := fmt.Sprintf("%d  %-14s  %s", i+1, k, kindGloss[k])
		if i == m.menuAt {
			line = m.sh.styles.selected(line, 38)
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

func (m *Model) timelineView() string {
	st := m.sh.styles
	if len(m.timeline) == 0 {
		return st.Dim.Render("no notable event yet")
	}
	rows := m.h - 8
	start := max(0, min(m.timelineAt-rows/2, len(m.timeline)-rows))
	var b strings.Builder
	b.WriteString(st.Dim.Render("enter goes to the event, b to just before it; esc closes"))
	now := m.sh.snap().At
	for i := start; i < len(m.timeline) && i < start+rows; i++ {
		ev := m.timeline[i]
		mark := " "
		if ev.At > now {
			mark = st.Dim.Render("›") // ahead of now: recorded, replayed when the run goes on
		}
		line := fmt.Sprintf("%s %-12s %-16s %s", mark, fmtAt(ev.At), truncate(ev.Subject, 16), ev.Text)
		if i == m.timelineAt {
			line = st.selected(line, m.overlayWidth()-4)
		}
		b.WriteString("\n" + line)
	}
	return b.String()
}

func (m *Model) chainView() string {
	lines := strings.Split(m.chain, "\n")
	m.chainOff = min(m.chainOff, max(0, len(lines)-(m.h-6)))
	return strings.Join(lines[m.chainOff:], "\n")
}

// overlay draws a box over the middle of the body lines.
func overlay(body []string, box string, w int) []string {
	bl := strings.Split(box, "\n")
	bw := lipgloss.Width(bl[0])
	x := max(0, (w-bw)/2)
	y := max(0, (len(body)-len(bl))/2)
	out := slices.Clone(body)
	for i, l := range bl {
		if y+i >= len(out) {
			break
		}
		base := padRight(out[y+i], w)
		out[y+i] = cut(base, x) + l + truncateLeft(base, x+bw)
	}
	return out
}
