package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"dctwin/sim"
)

// truncate cuts a (possibly styled) line to w cells, marking the cut with "…".
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// padRight fills a line with spaces to w cells.
func padRight(s string, w int) string {
	if n := w - lipgloss.Width(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// fit makes content exactly w×h cells: lines cut or padded, rows cut or added.
func fit(content string, w, h int) []string {
	lines := strings.Split(content, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = padRight(truncate(l, w), w)
	}
	return lines
}

// box draws a pane of w×h cells (border included) with its title in the top border.
func (sh *shared) box(title, content string, w, h int, focused bool) string {
	return sh.boxFooter(title, content, "", w, h, focused)
}

// boxFooter is box with a note in the bottom border (what a scrolled pane leaves out).
func (sh *shared) boxFooter(title, content, footer string, w, h int, focused bool) string {
	if w < 4 || h < 2 {
		return strings.Repeat("\n", max(h-1, 0))
	}
	bs, ts := sh.styles.Border, sh.styles.Title
	if focused {
		bs, ts = sh.styles.FocusBorder, sh.styles.FocusTitle
	}
	title = truncate(title, w-4)
	top := bs.Render("┌ ") + ts.Render(title) + " " + bs.Render(strings.Repeat("─", max(0, w-4-lipgloss.Width(title)))+"┐")
	if title == "" {
		top = bs.Render("┌" + strings.Repeat("─", w-2) + "┐")
	}
	var b strings.Builder
	b.WriteString(top)
	for _, l := range fit(content, w-2, h-2) {
		b.WriteString("\n" + bs.Render("│") + l + bs.Render("│"))
	}
	if footer = truncate(footer, w-6); footer != "" {
		b.WriteString("\n" + bs.Render("└─ ") + sh.styles.Dim.Render(footer) + " " + bs.Render(strings.Repeat("─", max(0, w-5-lipgloss.Width(footer)))+"┘"))
	} else {
		b.WriteString("\n" + bs.Render("└"+strings.Repeat("─", w-2)+"┘"))
	}
	return b.String()
}

// fmtClock prints a simulated time as the header's clock, h:mm:ss.mmm.
func fmtClock(t sim.Time) string {
	ms := int64(t / sim.Millisecond)
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000)
}

// fmtAt prints an instant of the run for tables and logs: seconds with milliseconds,
// cut (not rounded) to the millisecond as the header's clock is, so that an instant
// just before 10 s never reads as 10.000 s.
func fmtAt(t sim.Time) string {
	ms := int64(t / sim.Millisecond)
	return fmt.Sprintf("%d.%03d s", ms/1000, ms%1000)
}

// fmtDur prints a duration in the unit that reads best: µs, ms below a second,
// seconds with up to three decimals below ten minutes, minutes above.
func fmtDur(t sim.Time) string {
	switch {
	case t < sim.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(t)/float64(sim.Microsecond))
	case t < sim.Second:
		return trimZeros(fmt.Sprintf("%.1f", t.Milliseconds())) + " ms"
	case t < 10*sim.Minute:
		return trimZeros(fmt.Sprintf("%.3f", t.Seconds())) + " s"
	}
	return trimZeros(fmt.Sprintf("%.1f", t.Minutes())) + " min"
}

// fmtDurZero is fmtDur, with a plain 0 for nothing (not "0 µs").
func fmtDurZero(t sim.Time) string {
	if t == 0 {
		return "0"
	}
	return fmtDur(t)
}

// trimZeros drops the zeros after a decimal point, and the point if nothing is left.
func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// fmtMs prints milliseconds from a report, as fmtDur.
func fmtMs(ms float64) string { return fmtDur(sim.Time(ms * float64(sim.Millisecond))) }

// fmtDelay prints a one-way delay.
func fmtDelay(t sim.Time) string { return fmt.Sprintf("%.2f ms", t.Milliseconds()) }

// wrapJoin joins parts with sep into lines of at most w cells, continuing lines with
// indent.
func wrapJoin(parts []string, sep string, w int, indent string) []string {
	var lines []string
	cur := ""
	for i, p := range parts {
		piece := p
		if i > 0 {
			piece = sep + p
		}
		if cur != "" && lipgloss.Width(cur)+lipgloss.Width(piece) > w {
			lines = append(lines, cur)
			cur = indent + strings.TrimLeft(piece, " ")
			continue
		}
		cur += piece
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// cut keeps the first w cells of a line, without a mark.
func cut(s string, w int) string { return ansi.Truncate(s, max(w, 0), "") }

// truncateLeft drops the first n cells of a line.
func truncateLeft(s string, n int) string { return ansi.TruncateLeft(s, n, "") }
