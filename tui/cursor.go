package tui

import (
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
