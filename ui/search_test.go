package ui

import (
	"strings"
	"testing"
)

// Issue 13, item 5: search that doesn't fight you.

// A query with an error stays whole in the box; the error has its own line.
func TestSearchErrorOnItsOwnLine(t *testing.T) {
	j := openJar(t, genCookies(60))
	for _, sz := range [][2]int{{120, 40}, {80, 24}, {60, 16}} {
		m := sized(newModel(t, j, Options{}), sz[0], sz[1])
		press(m, "/")
		typeTextM(m, "name:_ga is:bogus")
		v := m.View()
		checkFrame(t, v, sz[0], sz[1])
		var errLine, boxLine bool
		for _, l := range splitLines(v) {
			if strings.HasPrefix(l, "✗ ") && strings.Contains(l, "is:bogus") {
				errLine = true
			}
			if strings.HasPrefix(l, "/name:_ga is:bogus") {
				boxLine = true
			}
		}
		if !errLine || !boxLine {
			t.Errorf("%v: the query or its error line is missing:\n%s", sz, v)
		}
	}
}

// ↑ and ↓ in the search box walk the recent searches kept with enter.
func TestSearchHistory(t *testing.T) {
	j := openJar(t, genCookies(60))
	m := sized(newModel(t, j, Options{}), 120, 40)
	for _, q := range []string{"name:_ga", "domain:google.com", "name:_ga"} {
		press(m, "/", "ctrl+u")
		typeTextM(m, q)
		press(m, "enter")
	}
	press(m, "/", "ctrl+u")
	typeTextM(m, "x")
	want := []string{"name:_ga", "domain:google.com", "domain:google.com"} // the oldest duplicate went
	for i, key := range []string{"up", "up", "up"} {
		press(m, key)
		if got := m.main.search.Value(); got != want[i] {
			t.Errorf("after %d× ↑: %q, want %q", i+1, got, want[i])
		}
	}
	press(m, "down")
	if got := m.main.search.Value(); got != "name:_ga" {
		t.Errorf("↓: %q", got)
	}
	press(m, "down")
	if got := m.main.search.Value(); got != "" || m.main.searchText != "" {
		t.Errorf("↓ past the newest: %q", got)
	}
	if len(m.main.res.rows) != 60 {
		t.Errorf("the filter follows the history: %d rows", len(m.main.res.rows))
	}
}

// `|` in the search box is OR, as on the command line (docs/keys.md): the
// rows are exactly the cookies either side matches, counted here apart.
func TestSearchOr(t *testing.T) {
	cs := genCookies(300)
	want := 0
	for i := range cs {
		// name: is a case-insensitive substring (docs/jar.md, filters).
		if n := strings.ToLower(cs[i].Name); strings.Contains(n, "_ga") || strings.Contains(n, "_gid") {
			want++
		}
	}
	if want == 0 {
		t.Fatal("the generated cookies hold no _ga or _gid")
	}
	j := openJar(t, cs)
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "/")
	typeTextM(m, "name:_ga | name:_gid")
	press(m, "enter")
	if got := len(m.main.res.rows); got != want {
		t.Errorf("name:_ga | name:_gid: %d rows, want %d", got, want)
	}
	press(m, "/", "ctrl+u")
	typeTextM(m, "name:_ga |")
	if v := m.View(); !strings.Contains(v, "✗ ") {
		t.Errorf("a trailing | must show an error line:\n%s", v)
	}
}
