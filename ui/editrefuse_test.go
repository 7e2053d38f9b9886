package ui

import (
	"context"
	"strings"
	"testing"
)

// TestEditRefusesWhatExportDrops (issue 9 item 8): the edit form refuses,
// inline and with the reason, a public suffix as domain, an empty label, an
// IP with the domain flag and an empty name; the jar keeps the cookie.
func TestEditRefusesWhatExportDrops(t *testing.T) {
	for _, tc := range []struct {
		name       string
		tabs       int // to the field: 0 name, 2 domain
		text, want string
	}{
		{"public suffix", 2, "co.uk", "co.uk is a public suffix"},
		{"bare TLD", 2, "com", "com is a public suffix"},
		{"empty label", 2, "a..b.com", "empty label"},
		{"IP with domain flag", 2, "10.0.0.1", "an IP address takes only a host-only cookie"},
		{"empty name", 0, "", "must not be empty (a cookies.txt cannot carry a nameless cookie)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := openJar(t, genCookies(50))
			m := sized(newModel(t, j, Options{}), 120, 40)
			press(m, "tab")
			before := *m.main.currentCookie()
			if before.HostOnly {
				t.Fatalf("the test wants a domain cookie first, got %s", before.Domain)
			}
			press(m, "e")
			for i := 0; i < tc.tabs; i++ {
				press(m, "tab")
			}
			press(m, "ctrl+u")
			for _, r := range tc.text {
				press(m, string(r))
			}
			v := m.View()
			if !strings.Contains(v, tc.want) {
				t.Errorf("no inline reason %q:\n%s", tc.want, v)
			}
			press(m, "enter")
			if m.modal == nil {
				t.Fatalf("enter with an invalid field closed the form")
			}
			press(m, "esc")
			after, err := j.Get(context.Background(), before.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.Domain != before.Domain || after.Name != before.Name {
				t.Errorf("the refused edit changed the jar: %s %s → %s %s", before.Domain, before.Name, after.Domain, after.Name)
			}
		})
	}
}
