package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"dctwin/twin"
)

func init() {
	// Golden files hold what a monochrome terminal shows: glyphs carry the state.
	lipgloss.SetColorProfile(termenv.Ascii)
}

// newModel opens a built-in scenario paused, as `dctwin tui NAME --paused` does.
func newModel(t testing.TB, name string) *Model {
	t.Helper()
	sc, err := twin.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := NewSession(sc, twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return New(sess, Options{Paused: true})
}

// drive feeds messages to a model as the bubbletea runtime would, running the commands
// they return synchronously (ticks and quitting excepted), so that a unit test sees
// every frame the keys asked for before it looks.
func drive(m *Model, msgs ...tea.Msg) {
	for _, msg := range msgs {
		_, cmd := m.Update(msg)
		runCmd(m, cmd)
	}
}

func runCmd(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil, tickMsg, tea.QuitMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			runCmd(m, c)
		}
	default:
		_, next := m.Update(msg)
		runCmd(m, next)
	}
}

// keys turns a string into key presses: single runes, or names in angle brackets
// ("<enter>", "<esc>", "<tab>").
func keys(s string) []tea.Msg {
	var out []tea.Msg
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '<' {
			j := i + 1
			for j < len(rs) && rs[j] != '>' {
				j++
			}
			name := string(rs[i+1 : j])
			i = j
			switch name {
			case "enter":
				out = append(out, tea.KeyMsg{Type: tea.KeyEnter})
			case "esc":
				out = append(out, tea.KeyMsg{Type: tea.KeyEscape})
			case "tab":
				out = append(out, tea.KeyMsg{Type: tea.KeyTab})
			case "space":
				out = append(out, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
			case "up":
				out = append(out, tea.KeyMsg{Type: tea.KeyUp})
			case "down":
				out = append(out, tea.KeyMsg{Type: tea.KeyDown})
			default:
				panic("unknown key " + name)
			}
			continue
		}
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{rs[i]}})
	}
	return out
}

// sized is the window-size message of a w×h terminal.
func sized(w, h int) tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} }
