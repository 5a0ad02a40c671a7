package tui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"dctwin/twin"
)

// Every colour and glyph of the TUI is here. State is carried by the glyph; colour only
// reinforces it, so that the screen reads the same on a monochrome terminal, to a
// colour-blind participant, and in the ASCII golden files of the tests.

// glyphs by component state.
var glyphs = map[twin.ComponentState]string{
	twin.StateUp:       "●",
	twin.StateActive:   "◆",
	twin.StateStandby:  "○",
	twin.StateFailed:   "✗",
	twin.StateOff:      "■",
	twin.StateBooting:  "◌",
	twin.StateNoLink:   "-",
	twin.StateBlocked:  "⊘",
	twin.StateDisabled: "⊖",
	// a hypervisor entering or in maintenance mode: powered, empty
	twin.StateMaintenance: "□",
	// a hypervisor DPM powered off: asleep until DPM wakes it
	twin.StateDPMStandby: "☾",
}

// glyphLegend explains the glyphs in the help overlay, in a line.
const glyphLegend = "● up  ◆ active member  ○ standby  ✗ failed  ■ off  ◌ booting  - no link  ⊘ blocked (STP)  ⊖ disabled (uplink tracking)  □ maintenance  ☾ DPM standby"

// Styles are the TUI's lipgloss styles.
type Styles struct {
	Border, FocusBorder      lipgloss.Style
	Title, FocusTitle        lipgloss.Style
	Header, Dim, Bold, Error lipgloss.Style
	Good, Bad, Warn, Info    lipgloss.Style
	Selected                 lipgloss.Style
	KeyLine                  lipgloss.Style
}

// DefaultStyles are the styles for a dark or light terminal alike: adaptive colours,
// never colour alone.
func DefaultStyles() Styles {
	subtle := lipgloss.AdaptiveColor{Light: "#9B9B9B", Dark: "#5C5C5C"}
	accent := lipgloss.AdaptiveColor{Light: "#005FAF", Dark: "#5FAFFF"}
	return Styles{
		Border:      lipgloss.NewStyle().Foreground(subtle),
		FocusBorder: lipgloss.NewStyle().Foreground(accent),
		Title:       lipgloss.NewStyle().Bold(true),
		FocusTitle:  lipgloss.NewStyle().Bold(true).Reverse(true),
		Header:      lipgloss.NewStyle().Bold(true),
		Dim:         lipgloss.NewStyle().Foreground(subtle),
		Bold:        lipgloss.NewStyle().Bold(true),
		Error:       lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#AF0000", Dark: "#FF5F5F"}).Bold(true),
		Good:        lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#008700", Dark: "#5FD75F"}),
		Bad:         lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#AF0000", Dark: "#FF5F5F"}),
		Warn:        lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#AF5F00", Dark: "#FFAF00"}),
		Info:        lipgloss.NewStyle().Foreground(accent),
		Selected:    lipgloss.NewStyle().Reverse(true),
		KeyLine:     lipgloss.NewStyle().Foreground(subtle),
	}
}

// selected renders the line under a cursor: the whole line in reverse video, its own
// colours dropped (a colour's reset would end the reverse video after the first cell).
func (st Styles) selected(line string, w int) string {
	return st.Selected.Render(padRight(ansi.Strip(truncate(line, w)), w))
}

// glyph renders a state's glyph in its colour.
func (st Styles) glyph(s twin.ComponentState) string {
	g := glyphs[s]
	if g == "" {
		g = "?"
	}
	return st.stateStyle(s).Render(g)
}

func (st Styles) stateStyle(s twin.ComponentState) lipgloss.Style {
	switch s {
	case twin.StateUp, twin.StateActive:
		return st.Good
	case twin.StateFailed, twin.StateNoLink, twin.StateOff:
		return st.Bad
	case twin.StateBooting, twin.StateBlocked, twin.StateDisabled, twin.StateMaintenance, twin.StateDPMStandby:
		return st.Warn
	}
	return st.Dim
}
