package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// --no-color reaches the UI through Options.NoColor: on a terminal that
// has colour, the option alone turns every escape sequence off, and the
// cursor and mark glyphs still show the selection.
func TestNoColorOption(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	j := openJar(t, genCookies(50))
	coloured := sized(newModel(t, j, Options{testColor: true}), 120, 40)
	if v := coloured.View(); !strings.Contains(v, "\x1b[") {
		t.Fatalf("the coloured view has no escape sequence: the test cannot tell")
	}
	plain := sized(newModel(t, j, Options{testColor: true, NoColor: true}), 120, 40)
	press(plain, "tab", "space")
	v := plain.View()
	if strings.Contains(v, "\x1b[") {
		t.Errorf("NoColor view holds escape sequences")
	}
	if !strings.Contains(v, "▸") || !strings.Contains(v, "●") {
		t.Errorf("cursor or mark glyph missing without colour:\n%s", v)
	}
}

// View changes nothing: drawing any screen or dialog twice gives the same
// frame and leaves the state as it was.
func TestViewChangesNothing(t *testing.T) {
	j := openJar(t, genCookies(120))
	m := sized(newModel(t, j, Options{}), 120, 40)
	drain(m, m.Init())
	check := func(what string) {
		t.Helper()
		before := *m.main
		stack := len(m.stack)
		a, b := m.View(), m.View()
		if a != b {
			t.Errorf("%s: two draws differ", what)
		}
		if m.main.sites != before.sites || m.main.rows != before.rows || m.main.search.Width != before.search.Width || len(m.stack) != stack {
			t.Errorf("%s: drawing changed the state", what)
		}
	}
	check("main")
	press(m, "/", "g")
	check("search")
	press(m, "esc", "tab", "enter")
	check("details")
	press(m, "?")
	check("help over details")
	press(m, "esc", "esc", "e")
	check("edit form")
	press(m, "esc", "x")
	check("export")
	press(m, "esc", "t")
	check("trash")
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 16})
	check("trash at 60×16")
}

// One list component serves the sites, cookies and trash lists: it clamps
// the cursor and keeps it inside the window, whatever it is asked.
func TestListMoveAndClamp(t *testing.T) {
	k := newKeyMap()
	l := list{}
	l.resize(5, 20)
	if !l.move(&k, keyMsg("G"), 20) || l.cur != 19 || l.top != 15 {
		t.Errorf("G: cur %d top %d", l.cur, l.top)
	}
	l.move(&k, keyMsg("pgup"), 20)
	if l.cur != 14 || l.top != 14 {
		t.Errorf("pgup: cur %d top %d", l.cur, l.top)
	}
	if l.move(&k, keyMsg("x"), 20) {
		t.Errorf("x is not a moving key")
	}
	l.clamp(3) // the list shrank under the cursor
	if l.cur != 2 || l.top != 0 {
		t.Errorf("after shrinking: cur %d top %d", l.cur, l.top)
	}
	if from, to := l.window(3); from != 0 || to != 3 {
		t.Errorf("window %d..%d", from, to)
	}
	l.clamp(0)
	if l.cur != 0 || l.top != 0 {
		t.Errorf("empty: cur %d top %d", l.cur, l.top)
	}
	l.resize(-3, 10) // a terminal of no height still has a row
	if l.height != 1 {
		t.Errorf("height %d", l.height)
	}
}
