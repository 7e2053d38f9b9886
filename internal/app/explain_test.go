package app

import (
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		reason string
		by     cookie.Evidence
		want   string
	}{
		{"your verdict", cookie.EvidenceUser, "your verdict"},
		{"", cookie.EvidenceUser, "by your verdict"},
		{"Google Analytics", cookie.EvidenceName, "Google Analytics (by its name)"},
		{"no known tracker or vendor", cookie.EvidenceNone, "no known tracker or vendor"},
		{"", cookie.EvidenceNone, "nothing known about it"},
		{"", "", "nothing known about it"},
		{"hosts.txt lists tracker.example", cookie.EvidenceList, "hosts.txt lists tracker.example (by a list you loaded)"},
		{"fallback (no evidence): kept", cookie.EvidenceFallback, "fallback (no evidence): kept"},
	} {
		c := cookie.Cookie{Reason: tc.reason, VerdictBy: tc.by}
		if got := Explain(&c); got != tc.want {
			t.Errorf("Explain(%q, %q) = %q, want %q", tc.reason, tc.by, got, tc.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 cookies"}, {1, "1 cookie"}, {2, "2 cookies"}, {999, "999 cookies"}, {1000, "1,000 cookies"}, {42006, "42,006 cookies"}, {1234567, "1,234,567 cookies"}, {-1500, "-1,500 cookies"}} {
		if got := Plural(tc.n, "cookie", "cookies"); got != tc.want {
			t.Errorf("Plural(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
