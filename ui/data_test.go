package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// The folded-text path (jar.MatchFolded over the dataset's arena) must show
// exactly what cookie.Filter.Match shows, and the jar's own Query agrees.
func TestFoldedFilterMatchesJar(t *testing.T) {
	cs := genCookies(400)
	cs[3].Name, cs[3].Value = "ÄBC_Straße", "GRÜN"
	j := openJar(t, cs)
	m := sized(newModel(t, j, Options{}), 120, 40)
	drain(m, m.Init())
	for _, text := range []string{"goo", "GOO", "äbc", "straße", "grün", "-goo", "a", "domain:com goo", "purpose:tracking", "-is:session value:1", `"_ga"`, "nothing-matches-this"} {
		f, err := cookie.ParseFilter(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		q := m.main.q
		q.filter, q.hasFilter, q.freeWord = f, true, hasFreeWord(text)
		q.gen, q.latest = 0, nil
		folded := compute(m.c.ds(), q)
		q.freeWord = false
		plain := compute(m.c.ds(), q)
		if fmt.Sprint(folded.rows) != fmt.Sprint(plain.rows) {
			t.Errorf("%q: folded rows differ from Match", text)
		}
		if want := count(t, j, text); len(plain.rows) != want {
			t.Errorf("%q: UI shows %d, jar query %d", text, len(plain.rows), want)
		}
	}
}

func TestHasFreeWord(t *testing.T) {
	for text, want := range map[string]bool{
		"":                          false,
		"goo":                       true,
		"-goo":                      true,
		"domain:x name:y":           false,
		"-is:session PURPOSE:track": false,
		"domain:x goo":              true,
		`"a b"`:                     true,
		"http://x":                  true,
	} {
		if got := hasFreeWord(text); got != want {
			t.Errorf("hasFreeWord(%q) = %v, want %v", text, got, want)
		}
	}
}

// A source whose name has a space ("chrome:Profile 1") is filtered with a
// quoted term, and the filter shows exactly that source's cookies.
func TestSourceFilterWithSpace(t *testing.T) {
	a := genCookies(60)
	j := openJar(t, a)
	b := genCookies(40)
	for i := range b {
		b[i].Source = "chrome:Profile 1"
		b[i].Name += "_p1"
	}
	if _, err := j.Import(context.Background(), []jar.Batch{{Source: "chrome:Profile 1", File: "test", Cookies: b}}, jar.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	m := sized(newModel(t, j, Options{}), 120, 40)
	drain(m, m.Init())
	want := count(t, j, `source:"chrome:Profile 1"`)
	if want == 0 {
		t.Fatal("jar has no cookies of the source")
	}
	for i := 0; i < 3 && m.main.sourceOnly != "chrome:Profile 1"; i++ {
		press(m, "o")
	}
	if m.main.sourceOnly != "chrome:Profile 1" {
		t.Fatalf("o never selected the source; sources %q", m.c.ds().sources)
	}
	if m.main.searchErr != "" {
		t.Fatalf("filter error: %s", m.main.searchErr)
	}
	if len(m.main.res.rows) != want {
		t.Errorf("source filter shows %d, want %d", len(m.main.res.rows), want)
	}
	for _, r := range m.main.res.rows {
		if m.c.ds().cookies[r].Source != "chrome:Profile 1" {
			t.Fatalf("row from source %q", m.c.ds().cookies[r].Source)
		}
	}
	if v := m.View(); !strings.Contains(v, "chrome:Profile 1") {
		t.Errorf("status does not name the source filter:\n%s", v)
	}
}

// P pressed before the full load lands opens the purge dialog when it
// lands, with the count of the whole jar (not of the first page).
func TestPurgeWhileLoadingOpensWhenLoaded(t *testing.T) {
	j := openJar(t, genCookies(firstPage*3))
	m := sized(newModel(t, j, Options{}), 120, 40)
	if m.c.ds().complete {
		t.Fatal("expected a partial first page")
	}
	_, cmd := m.Update(keyMsg("P"))
	if m.modal != nil {
		t.Fatal("dialog opened on a partial jar")
	}
	if !strings.Contains(m.View(), "opens when it is loaded") {
		t.Errorf("no word that the purge waits for the load:\n%s", m.View())
	}
	drain(m, tea.Batch(cmd, m.Init()))
	want := count(t, j, "purpose:tracking")
	if want == 0 {
		t.Skip("generated jar has no tracking cookies")
	}
	d, ok := m.modal.(*confirmDialog)
	if !ok {
		t.Fatalf("no purge dialog after the load: %T", m.modal)
	}
	if !strings.Contains(d.body, fmt.Sprintf("Move %s", plural(want, "tracking cookie"))) {
		t.Errorf("dialog counts the wrong cookies (want %d):\n%s", want, d.body)
	}
}
