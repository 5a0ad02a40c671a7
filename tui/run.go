// Package tui is dctwin's terminal UI: the data center live, failures by key, the
// failover table, the path of a flow hop by hop, call quality, and rewind.
//
// The simulation advances in commands that run the twin for one frame and answer with
// an immutable Frame (a twin.Snapshot plus the selection's detail and the new
// events); View renders frames only, so the screen stays responsive at any speed.
// Rewinding rebuilds the twin and replays the session's journal (Session).
package tui

import (
	"errors"
	"fmt"
	"io"
	"log/slog"

	tea "github.com/charmbracelet/bubbletea"
)

// ErrPanic is returned when the TUI stopped on an internal error; the terminal has
// been restored and the stack printed.
var ErrPanic = tea.ErrProgramPanic

// Run shows the TUI of a session on the terminal until the user quits. in and out are
// the terminal (nil: the process's own). Nothing else may write to the terminal while
// it runs: log with slog to a file (dctwin tui --log FILE).
func Run(sess *Session, opt Options, in io.Reader, out io.Writer) error {
	popts := []tea.ProgramOption{tea.WithAltScreen()}
	if in != nil {
		popts = append(popts, tea.WithInput(in))
	}
	if out != nil {
		popts = append(popts, tea.WithOutput(out))
	}
	m := New(sess, opt)
	slog.Info("tui started", "scenario", sess.sc.Name, "seed", m.sh.frame.Seed)
	p := tea.NewProgram(m, popts...)
	m.send = p.Send
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramPanic) {
		return fmt.Errorf("%w (the terminal was restored)", err)
	}
	if err != nil {
		return err
	}
	slog.Info("tui ended", "at", m.sh.snap().At.String(), "actions", len(m.sh.frame.Journal))
	return nil
}
