package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds every key of the TUI, so that the help overlay and the key line are
// generated from the bindings that Update matches and cannot drift from them.
type keyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Toggle, Expand, Collapse                key.Binding
	Focus, FocusBack                        key.Binding

	Pause, Faster, Slower     key.Binding
	Speed                     key.Binding // + and - together, for the key line
	Step, StepNotable, Back   key.Binding
	BackFailure               key.Binding
	Timeline                  key.Binding
	Fail, Schedule, Repair    key.Binding
	VMAction                  key.Binding // m: migrate a VM, maintenance of a host
	Path, Filter, Command     key.Binding
	Help, Quit, Cancel, Enter key.Binding
}

func newKeyMap() keyMap {
	b := func(keys []string, k, h string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, h))
	}
	return keyMap{
		Up:        b([]string{"up", "k"}, "↑/k", "up"),
		Down:      b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:    b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown:  b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Top:       b([]string{"home", "g"}, "g/home", "first"),
		Bottom:    b([]string{"end", "G"}, "G/end", "last, follow"),
		Toggle:    b([]string{"enter"}, "enter", "fold / open"),
		Expand:    b([]string{"right", "l"}, "→/l", "unfold"),
		Collapse:  b([]string{"left", "h"}, "←/h", "fold"),
		Focus:     b([]string{"tab"}, "tab", "next pane"),
		FocusBack: b([]string{"shift+tab"}, "shift+tab", "previous pane"),

		Pause:       b([]string{" "}, "space", "pause"),
		Faster:      b([]string{"+", "="}, "+", "faster"),
		Slower:      b([]string{"-", "_"}, "-", "slower"),
		Speed:       b([]string{}, "+/-", "speed"),
		Step:        b([]string{"n"}, "n", "step"),
		StepNotable: b([]string{"N"}, "N", "notable"),
		Back:        b([]string{"b"}, "b", "back"),
		BackFailure: b([]string{"B"}, "B", "before failure"),
		Timeline:    b([]string{"t"}, "t", "timeline"),
		Fail:        b([]string{"f"}, "f", "fail"),
		Schedule:    b([]string{"F"}, "F", "fail later"),
		Repair:      b([]string{"r"}, "r", "repair"),
		VMAction:    b([]string{"m"}, "m", "migrate/maint."),
		Path:        b([]string{"p"}, "p", "path"),
		Filter:      b([]string{"/"}, "/", "filter"),
		Command:     b([]string{":"}, ":", "command"),
		Help:        b([]string{"?"}, "?", "help"),
		Quit:        b([]string{"q", "ctrl+c"}, "q", "quit"),
		Cancel:      b([]string{"esc"}, "esc", "back out"),
		Enter:       b([]string{"enter"}, "enter", "choose"),
	}
}

// ShortHelp is the key line at the bottom of the screen.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Pause, k.Speed, k.Step, k.StepNotable, k.Back, k.Fail, k.Repair, k.Path, k.Timeline, k.Filter, k.Command}
}

// FullHelp is the help overlay, by column.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Pause, k.Faster, k.Slower, k.Step, k.StepNotable, k.Back, k.BackFailure, k.Timeline},
		{k.Fail, k.Schedule, k.Repair, k.VMAction, k.Path, k.Filter, k.Command},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Toggle, k.Expand, k.Collapse, k.Focus, k.FocusBack, k.Cancel, k.Help, k.Quit},
	}
}
