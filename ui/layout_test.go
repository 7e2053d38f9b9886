package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Issue 13, items 2 and 3: legible at every size; what a cookie manager
// shows. (The golden views show the same frames whole.)

func TestLegibleAtEverySize(t *testing.T) {
	cs := genCookies(60)
	cs = append(cs,
		cookie.Cookie{Source: "firefox:test", Domain: ".averyveryverylongsitename-example.com", Path: "/", Name: "same", Value: "1", Session: true},
		cookie.Cookie{Source: "firefox:test", Domain: ".averyveryverylongsitename-example.com", Path: "/other", Name: "same", Value: "2", Session: true})
	j := openJar(t, cs)
	m := sized(newModel(t, j, Options{NoColor: true}), 80, 24)
	drain(m, m.Init())
	v := m.View()
	// a site name shows at least 20 characters before it is cut
	if !strings.Contains(v, "averyveryverylongsit") {
		t.Errorf("80×24: the long site name is cut before 20 characters:\n%s", v)
	}
	// the header keeps every count and shortens the path
	for _, want := range []string{"62 cookies", "2", "jar.db"} {
		if !strings.Contains(splitLines(v)[0], want) {
			t.Errorf("80×24 header lacks %q: %q", want, splitLines(v)[0])
		}
	}
	// without colour the focused pane is marked
	if !strings.Contains(v, "▌Sites") {
		t.Errorf("no focus marker on the sites pane without colour:\n%s", v)
	}
	press(m, "tab")
	if v := m.View(); strings.Contains(v, "▌Sites") || !strings.Contains(v, "▌") {
		t.Errorf("the focus marker did not move to the cookies pane:\n%s", v)
	}
	// the same name on two paths is told apart: a path column
	press(m, "G")
	m.main.sites.set(0, len(m.main.res.sites))
	for i, s := range m.main.res.sites {
		if strings.HasPrefix(s.name, "averyvery") {
			m.main.sites.set(i, len(m.main.res.sites))
		}
	}
	m.main.rows.reset()
	v = m.View()
	if !strings.Contains(v, "path") || !strings.Contains(v, "/oth") {
		t.Errorf("same-named cookies on two paths are not told apart:\n%s", v)
	}
	// the search placeholder is told apart from text without colour
	press(m, "/")
	if v := m.View(); !strings.Contains(v, "(e.g. ") {
		t.Errorf("placeholder not marked without colour:\n%s", v)
	}
	press(m, "esc")
	// flat mode fills the screen: no details pane
	press(m, "f")
	if v := m.View(); strings.Contains(v, "Details · ") {
		t.Errorf("flat mode still shows the details pane:\n%s", v)
	}
	// a value column when values are shown
	press(m, "v")
	if v := m.View(); !strings.Contains(v, "value") {
		t.Errorf("no value column with values shown:\n%s", v)
	}
}

// The details wrap long text instead of cutting it.
func TestDetailsWrap(t *testing.T) {
	j := openJar(t, genCookies(40))
	m := sized(newModel(t, j, Options{}), 60, 16)
	drain(m, m.Init())
	press(m, "tab", "enter")
	v := m.View()
	ck := m.main.currentCookie()
	last := ck.Reason[strings.LastIndex(ck.Reason, " ")+1:]
	if !strings.Contains(v, last) {
		t.Errorf("the end of the reason %q is cut:\n%s", ck.Reason, v)
	}
	for _, want := range []string{"samesite", "updated", "encryption"} {
		if !strings.Contains(v, want) {
			t.Errorf("60×16 details lack %q:\n%s", want, v)
		}
	}
}

// At 60×16 every dialog and form fits with its border.
func TestDialogsFitAt60x16(t *testing.T) {
	j := openJar(t, genCookies(80))
	m := sized(newModel(t, j, Options{Discover: func(context.Context) ([]Profile, error) { return nil, nil }, Read: noRead}), 60, 16)
	drain(m, m.Init())
	for _, seq := range [][]string{{"P"}, {"tab", "e"}, {"tab", "p"}, {"tab", "Y"}, {"x"}, {"x", "space", "space"}, {"i"}, {"f", "space", "space", "d"}, {"t", "X"}} {
		m.stack, m.modal = m.stack[:1], nil
		m.main.flat, m.main.focus = false, paneSites
		press(m, seq...)
		if m.modal == nil {
			if seq[0] == "t" {
				continue // an empty trash offers nothing to empty
			}
			t.Fatalf("%v opened no dialog", seq)
		}
		box := splitLines(m.modal.view(m.c, 60, 16))
		if len(box) > 16 {
			t.Errorf("%v: the dialog is %d lines high", seq, len(box))
		}
		for _, l := range box {
			if width(l) > 60 {
				t.Errorf("%v: a dialog line is %d wide: %q", seq, width(l), l)
			}
		}
		if !strings.HasPrefix(box[0], "╭") || !strings.HasPrefix(box[len(box)-1], "╰") {
			t.Errorf("%v: the border is cut:\n%s", seq, joinLines(box))
		}
		press(m, "esc")
	}
}

// Dialogs wrap at word boundaries.
func TestDialogWrapsAtWords(t *testing.T) {
	for _, l := range wordWrap("Move 51 tracking cookies on 5 sites in the whole jar to the trash?", 20) {
		if strings.HasSuffix(l, "trac") || strings.HasPrefix(l, "king") || width(l) > 20 {
			t.Errorf("cut inside a word or too wide: %q", l)
		}
	}
}

// The mix bar's cells add up to its width: rounded, the remainder to the
// largest class.
func TestMixCellsAddUp(t *testing.T) {
	for _, tc := range []struct {
		by [4]int
		w  int
	}{{[4]int{1, 1, 1, 0}, 8}, {[4]int{3, 3, 3, 1}, 4}, {[4]int{99, 1, 0, 0}, 8}, {[4]int{0, 0, 7, 0}, 5}, {[4]int{1, 2, 3, 4}, 7}} {
		n := tc.by[0] + tc.by[1] + tc.by[2] + tc.by[3]
		cells := mixCells(tc.by, n, tc.w)
		if got := cells[0] + cells[1] + cells[2] + cells[3]; got != tc.w {
			t.Errorf("%v over %d: %v adds up to %d", tc.by, tc.w, cells, got)
		}
		for i := range cells {
			if cells[i] < 0 {
				t.Errorf("%v: negative cells %v", tc.by, cells)
			}
		}
	}
}

// s keeps the selected site when re-sorting; the arrow says which way.
func TestSortKeepsSelectionAndArrow(t *testing.T) {
	j := openJar(t, genCookies(200))
	m := sized(newModel(t, j, Options{}), 120, 40)
	drain(m, m.Init())
	press(m, "j", "j")
	name := m.main.currentSite().name
	if !strings.Contains(m.View(), "by name ↑") {
		t.Errorf("sites by name should show ↑ (A→Z)")
	}
	press(m, "s")
	if got := m.main.currentSite().name; got != name {
		t.Errorf("s moved the selection from %s to %s", name, got)
	}
	if !strings.Contains(m.View(), "by count ↓") {
		t.Errorf("sites by count should show ↓ (largest first):\n%s", m.View())
	}
	press(m, "S")
	if !strings.Contains(m.View(), "by count ↑") || m.main.currentSite().name != name {
		t.Errorf("S: arrow or selection wrong")
	}
	press(m, "tab", "j", "j")
	id := m.main.currentCookie().ID
	press(m, "s")
	if m.main.currentCookie().ID != id || !strings.Contains(m.View(), "by name ↑") {
		t.Errorf("re-sorting the cookies lost the selected cookie or the arrow")
	}
}

func noRead(context.Context, Profile, func(int, int)) ([]jar.Batch, []string, error) {
	return nil, nil, nil
}
