package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestFilterOrOnTheCommandLine: `|` between terms is OR on the command line
// as in the search box (docs/cli.md), as separate words or inside one quoted
// argument, with AND binding tighter; a dangling `|` is a usage error.
func TestFilterOrOnTheCommandLine(t *testing.T) {
	s := newSandbox(t)
	exp := now.Add(48 * time.Hour)
	cs := []cookie.Cookie{
		{Source: "file:x", Domain: ".a.com", Path: "/", Name: "sid", Value: "1", Expires: cookie.TimeOf(exp)},
		{Source: "file:x", Domain: ".a.com", Path: "/", Name: "theme", Value: "2", Expires: cookie.TimeOf(exp)},
		{Source: "file:x", Domain: ".b.com", Path: "/", Name: "uid", Value: "3", Expires: cookie.TimeOf(exp)},
		{Source: "file:x", Domain: ".c.org", Path: "/", Name: "sid", Value: "4", Expires: cookie.TimeOf(exp)},
	}
	s.ok("", "import", s.write("in.json", jsonOf(t, cs)))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "domain:a.com", "|", "domain:b.com"}, ".a.com/sid .a.com/theme .b.com/uid"},
		{[]string{"list", "domain:a.com | domain:b.com"}, ".a.com/sid .a.com/theme .b.com/uid"},
		{[]string{"list", "domain:a.com", "name:sid", "|", "domain:c.org"}, ".a.com/sid .c.org/sid"},
		{[]string{"list", "-name:sid", "|", "domain:c.org"}, ".a.com/theme .b.com/uid .c.org/sid"},
	} {
		r := s.ok("", tc.args...)
		if got := tableNames(r); got != tc.want {
			t.Errorf("crumbs %s: got %s, want %s", strings.Join(tc.args, " "), got, tc.want)
		}
	}
	r := s.ok("", "purge", "domain:b.com", "|", "domain:c.org", "--yes")
	if !strings.Contains(r.stderr, "moved 2 cookies") {
		t.Errorf("purge with OR: %v", r)
	}
	if got := tableNames(s.ok("", "list")); got != ".a.com/sid .a.com/theme" {
		t.Errorf("after the OR purge: %s", got)
	}
	r = s.run("", "list", "domain:a.com", "|")
	if r.code == 0 || !strings.Contains(r.stderr, "|") {
		t.Errorf("a trailing | must be refused naming it: %v", r)
	}
}
