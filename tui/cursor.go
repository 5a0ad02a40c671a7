package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// listCursor is a position in a list of rows shown a page at a time: the tree, the
// failover table, the timeline, a menu move it with the same keys.
type listCursor struct {
	at, offset int
}

// move applies a movement key to a list of n rows with pages of page rows, and
// reports whether the key was one. The caller clamps to its window afterwards.
func (c *listCursor) move(k tea.KeyMsg, keys keyMap, n, page int) bool {
	page = max(1, page)
	switch {
	case key.Matches(k, keys.Up):
		c.at--
	case key.Matches(k, keys.Down):
		c.at++
	case key.Matches(k, keys.PageUp):
		c.at -= page
	case key.Matches(k, keys.PageDown):
		c.at += page
	case key.Matches(k, keys.Top):
		c.at = 0
	case key.Matches(k, keys.Bottom):
		c.at = n - 1
	default:
		return false
	}
	c.at = max(0, min(c.at, n-1))
	return true
}

// clamp keeps the cursor in the list and the offset such that the cursor shows in a
// window of h rows.
func (c *listCursor) clamp(n, h int) {
	c.at = max(0, min(c.at, n-1))
	if h <= 0 {
		return
	}
	if c.at < c.offset {
		c.offset = c.at
	}
	if c.at >= c.offset+h {
		c.offset = c.at - h + 1
	}
	c.offset = max(0, min(c.offset, n-h))
}

// scroller shows a pane's lines a window at a time: up and down scroll while the pane
// has the focus, and a last line says how much is below.
type scroller struct {
	off int
}

// key scrolls by a movement key, and reports whether it was one.
func (sc *scroller) key(k tea.KeyMsg, keys keyMap, h int) bool {
	switch {
	case key.Matches(k, keys.Up):
		sc.off--
	case key.Matches(k, keys.Down):
		sc.off++
	case key.Matches(k, keys.PageUp):
		sc.off -= max(1, h-1)
	case key.Matches(k, keys.PageDown):
		sc.off += max(1, h-1)
	case key.Matches(k, keys.Top):
		sc.off = 0
	default:
		return false
	}
	sc.off = max(0, sc.off)
	return true
}

// window cuts content to h lines from the offset, and says in a footer for the
// pane's bottom border how many lines are above and below.
func (sc *scroller) window(content string, h int) (string, string) {
	ls := strings.Split(content, "\n")
	if h <= 0 {
		return "", ""
	}
	sc.off = max(0, min(sc.off, len(ls)-h))
	out := ls[sc.off:]
	var notes []string
	if sc.off > 0 {
		notes = append(notes, fmt.Sprintf("↑ %d", sc.off))
	}
	if more := len(out) - h; more > 0 {
		out = out[:h]
		notes = append(notes, fmt.Sprintf("↓ %d more", more))
	}
	footer := ""
	if len(notes) > 0 {
		footer = strings.Join(notes, " ") + " (tab here, ↑↓ scroll)"
	}
	return strings.Join(out, "\n"), footer
}
