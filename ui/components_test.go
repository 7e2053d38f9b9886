package ui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
)

// The search box is a bubbles/textinput: the editing keys people know work
// (ctrl+w deletes a word, alt+b/ctrl+← moves by word, ctrl+a goes home).
func TestSearchFieldEditingKeys(t *testing.T) {
	j := openJar(t, genCookies(60))
	m := sized(newModel(t, j, Options{}), 120, 40)
	press(m, "/")
	typeTextM(m, "domain:com name:_ga")
	if m.main.searchText != "domain:com name:_ga" {
		t.Fatalf("typed %q", m.main.searchText)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlW})
	if got := m.main.search.Value(); got != "domain:com " {
		t.Errorf("ctrl+w left %q", got)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlA})
	typeTextM(m, "-")
	if got := m.main.search.Value(); got != "-domain:com " {
		t.Errorf("ctrl+a then - gives %q", got)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("name:x y"), Paste: true})
	if got := m.main.search.Value(); got != "-name:x ydomain:com " {
		t.Errorf("a bracketed paste gives %q", got)
	}
}

// typeText for plain Update tests: each rune a key.
func typeTextM(m *Model, s string) {
	for _, r := range s {
		if r == ' ' {
			press(m, "space")
			continue
		}
		press(m, string(r))
	}
}

// A field of the edit form that was not typed in keeps its exact bytes,
// even where the text field could not show them (invalid UTF-8).
func TestEditKeepsUntouchedFieldsExact(t *testing.T) {
	cs := genCookies(10)
	cs[0].Value = "ab\xffcd\u202e"
	j := openJar(t, cs)
	ctx := context.Background()
	var id int64
	all, _, err := j.Query(ctx, jar.Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.Value == cs[0].Value {
			id = c.ID
		}
	}
	if id == 0 {
		t.Skip("the jar did not keep the odd value as it was")
	}
	m := sized(newModel(t, j, Options{}), 120, 40)
	m.main.flat = true
	for i, r := range m.main.res.rows {
		if m.main.res.ds.cookies[r].ID == id {
			m.main.rows.set(i, len(m.main.res.rows))
		}
	}
	press(m, "e", "tab", "tab", "tab", "tab") // to path
	typeTextM(m, "x")
	press(m, "enter")
	got, err := j.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Value != cs[0].Value || !strings.HasSuffix(got.Path, "x") {
		t.Errorf("after editing the path: value %q (want %q), path %q", got.Value, cs[0].Value, got.Path)
	}
}

// The progress bar is the UI's own (bubbles/progress animates through a
// spring library the project does not need): its cells add up to its width
// and it says how far it is.
func TestProgressBar(t *testing.T) {
	c := &Context{th: newTheme(Options{}.renderer(), true)}
	for _, tc := range []struct{ done, total, w int }{{0, 10, 40}, {5, 10, 40}, {10, 10, 40}, {7, 3, 30}, {1, 1000000, 20}} {
		bar := progressBar(c, tc.done, tc.total, tc.w)
		filled, empty := strings.Count(bar, "█"), strings.Count(bar, "░")
		label := bar[strings.LastIndex(bar, "░")+len("░"):]
		if empty == 0 {
			label = bar[strings.LastIndex(bar, "█")+len("█"):]
		}
		if bw := filled + empty; bw != maxi(tc.w-width(label), 4) {
			t.Errorf("%v: %d cells, want %d: %q", tc, bw, maxi(tc.w-width(label), 4), bar)
		}
		if want := clamp(tc.done*(filled+empty)/tc.total, 0, filled+empty); filled != want {
			t.Errorf("%v: %d filled, want %d: %q", tc, filled, want, bar)
		}
	}
	if got := progressBar(c, 42, 0, 40); got != "42 rows read…" {
		t.Errorf("unknown total: %q", got)
	}
}

// overlay is the UI's own (lipgloss places a box but cannot keep the
// screen under it): the box is centred and the rest of each line stays.
func TestOverlayCentres(t *testing.T) {
	base := strings.Repeat("abcdefghij\n", 5)
	got := splitLines(overlay(base, "XX\nYY", 10, 5, ""))
	if len(got) != 5 || got[0] != "abcdefghij" || got[1] != "abcdXXghij" || got[2] != "abcdYYghij" || got[4] != "abcdefghij" {
		t.Errorf("overlay:\n%s", joinLines(got))
	}
}
