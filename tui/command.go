package tui

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dctwin/failures"
	"dctwin/sim"
)

// The command line (":") does by name what the keys do on the selection, and what
// has no key: goto a time, set a speed, save the session, change the seed.

// openInput starts the command, filter or delay line.
func (m *Model) openInput(md mode, prompt, value string) tea.Cmd {
	m.mode = md
	m.input.Prompt = prompt
	m.input.SetValue(value)
	m.input.CursorEnd()
	m.input.Cursor.SetMode(cursor.CursorStatic)
	m.input.CharLimit = 256
	m.input.Width = max(10, m.w-len(prompt)-2)
	return m.input.Focus()
}

func (m *Model) inputKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Cancel):
		if m.mode == modeFilter {
			m.tree.SetFilter("")
			m.events.SetFilter("")
		}
		m.mode = modeNormal
		m.input.Blur()
		return nil
	case k.Type == tea.KeyEnter:
		md, text := m.mode, strings.TrimSpace(m.input.Value())
		m.mode = modeNormal
		m.input.Blur()
		switch md {
		case modeCommand:
			return m.command(text)
		case modeDelay:
			d, err := parseTime(text)
			if err != nil || d <= 0 {
				m.setStatus(fmt.Sprintf("%q is not a delay: write 5s, 500ms or 2m", text), true)
				return nil
			}
			return m.fail(m.menuFor, m.kind, d)
		case modeFilter:
			m.applyFilter(text)
		}
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	if m.mode == modeFilter {
		m.applyFilter(strings.TrimSpace(m.input.Value()))
	}
	return cmd
}

// applyFilter filters the tree and the event log as the user types.
func (m *Model) applyFilter(s string) {
	m.tree.SetFilter(s)
	m.events.SetFilter(s)
	m.followSelection()
}

// command runs a ":" command.
func (m *Model) command(line string) tea.Cmd {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil
	}
	arg := func(i int) string {
		if i < len(f) {
			return f[i]
		}
		return ""
	}
	switch f[0] {
	case "q", "quit", "exit":
		m.quitting = true
		return tea.Quit
	case "help", "h":
		m.mode = modeHelp
	case "pause":
		return m.setRunning(false)
	case "run", "resume":
		return m.setRunning(true)
	case "fail":
		return m.commandFail(f[1:])
	case "migrate":
		return m.commandMigrate(f[1:])
	case "maintenance":
		return m.commandMaintenance(f[1:])
	case "repair":
		if arg(1) == "" {
			m.setStatus("usage: repair COMPONENT", true)
			return nil
		}
		return m.repair(arg(1))
	case "goto", "go":
		t, err := parseTime(arg(1))
		if err != nil {
			m.setStatus(fmt.Sprintf("usage: goto T, with T like 30s, 1m30s or 12.5 (seconds): %v", err), true)
			return nil
		}
		return m.goTo(t)
	case "speed":
		if arg(1) == "max" {
			m.speed = len(speeds) - 1
			return nil
		}
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(arg(1), "×"), "x"), 64)
		if err != nil || v < 0.1 || v > 1000 || math.IsNaN(v) {
			m.setStatus("usage: speed S, with S from 0.1 to 1000 (× real time), or max", true)
			return nil
		}
		// The nearest step at or under the value.
		m.speed = 0
		for i, s := range speeds {
			if s > 0 && s <= v {
				m.speed = i
			}
		}
	case "save", "w", "save!", "w!":
		if arg(1) == "" {
			m.setStatus("usage: save FILE (a scenario file that dctwin run replays; save! FILE overwrites)", true)
			return nil
		}
		path, overwrite := arg(1), strings.HasSuffix(f[0], "!")
		if _, err := os.Stat(path); err == nil && !overwrite {
			m.setStatus(fmt.Sprintf("%s exists: :save! %s overwrites it", path, path), true)
			return nil
		}
		return m.twinCmd(func(s *Session) (string, error) {
			if err := s.Save(path); err != nil {
				return "", err
			}
			return fmt.Sprintf("saved %s: `dctwin run %s` replays this session (%d actions)", path, path, s.Actions()), nil
		})
	case "seed":
		n, err := strconv.ParseUint(arg(1), 10, 64)
		if err != nil {
			m.setStatus("usage: seed N (a whole number): the run restarts with it", true)
			return nil
		}
		m.running = false
		return m.twinCmd(func(s *Session) (string, error) {
			if err := s.Reseed(n); err != nil {
				return "", err
			}
			return fmt.Sprintf("restarted with seed %d (your actions are kept)", n), nil
		})
	case "find", "select":
		if arg(1) == "" {
			m.setStatus("usage: find NAME (the exact name; / filters by part of a name)", true)
			return nil
		}
		slashFilter := m.tree.filter // / filters both panes with one text
		if !m.tree.Find(arg(1)) {
			m.setStatus(fmt.Sprintf("no component %q (/ filters by part of a name)", arg(1)), true)
			return nil
		}
		// Find takes the tree's filter away to show the component; a / filter goes
		// from the Events pane with it (it was one filter of both panes), while one
		// set there alone (:events TEXT) stays.
		if slashFilter != "" && m.events.filter == slashFilter {
			m.events.SetFilter("")
		}
		m.sh.focus = paneTree
		m.followSelection()
		if !m.running {
			return m.frameCmd()
		}
	case "events":
		switch arg(1) {
		case "", "all":
			m.events.SetNotable(false)
			m.events.SetFilter("")
		case "notable":
			m.events.SetNotable(true)
		default:
			m.events.SetFilter(strings.Join(f[1:], " "))
		}
	default:
		m.setStatus(fmt.Sprintf("unknown command %q: fail, repair, goto, speed, save, seed, find, events, quit (? for help)", f[0]), true)
	}
	return nil
}

// commandFail runs ":fail X [KIND] [after D]".
func (m *Model) commandFail(args []string) tea.Cmd {
	if len(args) == 0 {
		m.setStatus("usage: fail COMPONENT [KIND] [after DELAY]", true)
		return nil
	}
	comp := args[0]
	kinds := m.sh.failureKinds(comp)
	if len(kinds) == 0 {
		m.setStatus(fmt.Sprintf("%q is not a component that can fail (/ finds names)", comp), true)
		return nil
	}
	kind := kinds[0]
	rest := args[1:]
	if len(rest) > 0 && rest[0] != "after" && rest[0] != "in" {
		k := failures.Kind(rest[0])
		if !slices.Contains(kinds, k) {
			m.setStatus(fmt.Sprintf("%s cannot fail as %q; it can fail as: %s", comp, rest[0], failures.JoinKinds(kinds)), true)
			return nil
		}
		kind, rest = k, rest[1:]
	}
	var after sim.Time
	if len(rest) > 0 {
		if len(rest) != 2 {
			m.setStatus("usage: fail COMPONENT [KIND] [after DELAY]", true)
			return nil
		}
		d, err := parseTime(rest[1])
		if err != nil || d <= 0 {
			m.setStatus(fmt.Sprintf("%q is not a delay: write 5s, 500ms or 2m", rest[1]), true)
			return nil
		}
		after = d
	}
	return m.fail(comp, kind, after)
}

// parseTime reads a time of the run or a delay: a Go duration ("1m30s", "250ms") or
// a bare number of seconds, as the header shows them.
func parseTime(s string) (sim.Time, error) {
	if s == "" {
		return 0, fmt.Errorf("missing time")
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) || v > 1e9 {
			return 0, fmt.Errorf("%q is out of range", s)
		}
		return sim.Seconds(v), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a time", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative", s)
	}
	return sim.Time(d), nil
}
