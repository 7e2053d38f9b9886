package ui

import (
	"strings"
	"testing"
)

// Issue 13, item 8: keys that behave.

// Every key that works on a screen is in its help, with every key of the
// binding named (b for page up, h/l for the panes), and q closes the help.
func TestHelpListsEveryKey(t *testing.T) {
	j := openJar(t, genCookies(80))
	m := sized(newModel(t, j, Options{}), 200, 60)
	drain(m, m.Init())
	for _, tc := range []struct {
		name string
		keys []string
	}{
		{"main, sites pane", nil},
		{"main, cookies pane", []string{"tab"}},
		{"main, flat", []string{"f"}},
		{"details", []string{"tab", "enter"}},
		{"trash", []string{"t"}},
	} {
		m.stack = m.stack[:1]
		m.main.flat, m.main.focus = false, paneSites
		press(m, tc.keys...)
		m.syncKeys()
		var want []string
		for _, b := range m.c.keys.all() {
			if b.Enabled() && b != &m.c.keys.ForceQuit {
				want = append(want, b.Help().Key+" "+b.Help().Desc)
			}
		}
		press(m, "?")
		if _, ok := m.top().(*helpScreen); !ok {
			t.Fatalf("%s: ? opened no help", tc.name)
		}
		v := m.View()
		flat := strings.Join(strings.Fields(v), " ")
		for _, w := range want {
			if !strings.Contains(flat, w) {
				t.Errorf("%s: help lacks %q:\n%s", tc.name, w, v)
			}
		}
		for _, must := range []string{"pgup/b", "tab/l/→", "shift+tab/h/←"} {
			if tc.name == "main, sites pane" && !strings.Contains(v, must) {
				t.Errorf("help does not name %q", must)
			}
		}
		press(m, "q")
		if _, ok := m.top().(*helpScreen); ok {
			t.Errorf("%s: q did not close the help", tc.name)
		}
	}
}

// A key that --readonly switches off says so when pressed.
func TestReadOnlyKeysSaySo(t *testing.T) {
	j := openJar(t, genCookies(30))
	m := sized(newModel(t, j, Options{ReadOnly: true}), 120, 40)
	press(m, "tab", "d")
	if v := m.View(); !strings.Contains(v, "read-only: d/delete (delete) is off") {
		t.Errorf("d in read-only mode:\n%s", v)
	}
	press(m, "P")
	if v := m.View(); !strings.Contains(v, "read-only: P (purge tracking) is off") {
		t.Errorf("P in read-only mode:\n%s", v)
	}
	if n := count(t, j); n != 30 {
		t.Errorf("the jar changed: %d", n)
	}
}
