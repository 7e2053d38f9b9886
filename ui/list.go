package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// list is the cursor and window of one list (the sites, cookies and trash
// lists): which item is selected and which is drawn first, over n items of
// which height fit on screen. It holds no items: the owner keeps them (the
// cookies list is indices into the shared dataset) and says how many there
// are, so a 100,000-row list costs nothing to move in.
type list struct {
	cur, top int
	height   int // rows that fit; at least 1
}

// clamp keeps the cursor on an item and the window on the cursor.
func (l *list) clamp(n int) {
	if l.height < 1 {
		l.height = 1
	}
	l.cur = clamp(l.cur, 0, maxi(n-1, 0))
	l.top = scrollTop(l.top, l.cur, l.height, n)
}

// resize sets how many rows fit and clamps.
func (l *list) resize(height, n int) {
	l.height = maxi(height, 1)
	l.clamp(n)
}

// set moves the cursor to i.
func (l *list) set(i, n int) {
	l.cur = i
	l.clamp(n)
}

// reset goes back to the first item.
func (l *list) reset() { l.cur, l.top = 0, 0 }

// move applies a navigation key of k over n items; it reports false (and
// moves nothing) when msg is not one.
func (l *list) move(k *KeyMap, msg tea.KeyMsg, n int) bool {
	page := maxi(l.height, 1)
	cur := l.cur
	switch {
	case key.Matches(msg, k.Up):
		cur--
	case key.Matches(msg, k.Down):
		cur++
	case key.Matches(msg, k.Top):
		cur = 0
	case key.Matches(msg, k.Bottom):
		cur = n - 1
	case key.Matches(msg, k.PageUp):
		cur -= page
	case key.Matches(msg, k.PageDown):
		cur += page
	case key.Matches(msg, k.HalfUp):
		cur -= maxi(page/2, 1)
	case key.Matches(msg, k.HalfDown):
		cur += maxi(page/2, 1)
	default:
		return false
	}
	l.set(cur, n)
	return true
}

// window is the range [from, to) of items to draw.
func (l *list) window(n int) (from, to int) {
	from = clamp(l.top, 0, n)
	return from, mini(from+maxi(l.height, 1), n)
}

// scrollTop keeps cur inside the window [top, top+vis).
func scrollTop(top, cur, vis, n int) int {
	if cur < top {
		top = cur
	}
	if cur >= top+vis {
		top = cur - vis + 1
	}
	return clamp(top, 0, maxi(n-vis, 0))
}
