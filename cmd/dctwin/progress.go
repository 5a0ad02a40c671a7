package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/x/term"

	"dctwin/sim"
	"dctwin/twin"
)

// progress is the line a long run shows on a terminal: simulated time done of the
// total, percent, events per second and the time left, redrawn in place and cleared
// at the end. It shows nothing for a run that ends within showAfter.
type progress struct {
	w         io.Writer
	now       func() time.Time // the wall clock (a fake one in tests)
	showAfter time.Duration
	every     time.Duration // redraw at most this often
	stepWall  time.Duration // wall time one step of the run aims at

	start, drawn time.Time
	shown        bool
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, now: time.Now, showAfter: time.Second, every: 200 * time.Millisecond,
		stepWall: 100 * time.Millisecond}
}

// isTerminal reports whether w is a terminal: not a pipe, a file, or a character
// device such as /dev/null (which a mode check would take for one).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// runTwin runs the twin to its end, in steps that take about stepWall each when p is
// not nil, drawing p between them. The steps change nothing in the run (Twin.RunUntil).
func runTwin(tw *twin.Twin, p *progress) {
	if p == nil {
		tw.Run()
		return
	}
	p.start = p.now()
	step := sim.Minute
	for !tw.Done() {
		before := p.now()
		tw.RunUntil(tw.Sim.Now() + step)
		// Aim the next step at stepWall of wall time, changing it at most fourfold.
		if took := p.now().Sub(before); took > 0 {
			scale := min(max(float64(p.stepWall)/float64(took), 0.25), 4)
			step = max(sim.Time(float64(step)*scale), sim.Millisecond)
		} else {
			step *= 4
		}
		p.draw(tw)
	}
	p.clear()
}

func (p *progress) draw(tw *twin.Twin) {
	now := p.now()
	elapsed := now.Sub(p.start)
	if tw.Done() || elapsed < p.showAfter || (p.shown && now.Sub(p.drawn) < p.every) {
		return
	}
	done, total := tw.Sim.Now(), tw.Duration
	share := float64(done) / float64(total)
	eta := "?"
	if share > 0 {
		eta = time.Duration(float64(elapsed) * (1 - share) / share).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r\033[Kdctwin: simulated %s of %s (%.1f%%), %s events/s, %s left",
		simText(done), simText(total), 100*share, rate(float64(tw.Sim.Steps())/elapsed.Seconds()), eta)
	p.shown, p.drawn = true, now
}

// clear removes the line, so that what follows starts on a clean line.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

func simText(t sim.Time) string { return roundWall(time.Duration(t)).String() }

// roundWall rounds a duration for display: to the second above a minute, to the
// millisecond below.
func roundWall(d time.Duration) time.Duration {
	if d >= time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// rate prints an events-per-second figure with k or M.
func rate(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}
