package netscape

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// caseClashesPlain is the count by its definition, pair by pair: a cookie
// clashes if another on the same host and path (host without case) has a
// name that differs from its own only in letter case; the example is the
// first such host, name and path in order, with its names sorted.
func caseClashesPlain(cs []*cookie.Cookie) (n int, example string) {
	same := func(c, d *cookie.Cookie) bool {
		return strings.ToLower(c.Host()) == strings.ToLower(d.Host()) && c.Path == d.Path &&
			strings.ToLower(c.Name) == strings.ToLower(d.Name)
	}
	var first *cookie.Cookie
	for _, c := range cs {
		for _, d := range cs {
			if same(c, d) && c.Name != d.Name {
				n++
				key := func(x *cookie.Cookie) string {
					return strings.ToLower(x.Host()) + strings.ToLower(x.Name) + "\x00" + x.Path
				}
				if first == nil || key(c) < key(first) {
					first = c
				}
				break
			}
		}
	}
	if first == nil {
		return 0, ""
	}
	var names []string
	for _, d := range cs {
		if same(first, d) {
			names = append(names, d.Name)
		}
	}
	sort.Strings(names)
	return n, strings.Join(names, ", ") + " on " + strings.ToLower(first.Host()) + first.Path
}

// TestCaseClashesAgreesWithPlain: the two-pass count agrees with the
// definition on random sets of hosts, paths and names in several cases,
// non-ASCII ones too.
func TestCaseClashesAgreesWithPlain(t *testing.T) {
	names := []string{"id", "ID", "Id", "sid", "SID", "_ga", "lang", "ÉTAT", "état", "État", "ǅ", "ǆ", "Ǆ", "k\u212a", "kk", "PREF"}
	hosts := []string{"a.com", ".a.com", "A.com", "b.org", "ÉCOLE.fr", "école.fr"}
	paths := []string{"/", "/x", "/X"}
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 300; round++ {
		var cs []*cookie.Cookie
		for range r.IntN(40) {
			cs = append(cs, &cookie.Cookie{Domain: hosts[r.IntN(len(hosts))], Path: paths[r.IntN(len(paths))], Name: names[r.IntN(len(names))]})
		}
		nm, hp := cookieView(cs)
		gn, ge := caseClashes(len(cs), nm, hp)
		wn, we := caseClashesPlain(cs)
		if gn != wn || ge != we {
			var desc []string
			for _, c := range cs {
				desc = append(desc, fmt.Sprintf("%s%s %s", c.Domain, c.Path, c.Name))
			}
			t.Fatalf("caseClashes = %d %q, want %d %q, for %v", gn, ge, wn, we, desc)
		}
	}
	two := []*cookie.Cookie{{Domain: "a.com", Path: "/", Name: "ID"}, {Domain: "a.com", Path: "/", Name: "id"}}
	nm, hp := cookieView(two)
	if n, _ := caseClashes(len(two), nm, hp); n != 2 {
		t.Fatalf("ID and id on one host and path: %d clashes, want 2", n)
	}
}

// cookieView is caseClashes' view of cs, every one written.
func cookieView(cs []*cookie.Cookie) (func(int) (string, bool), func(int) (string, string)) {
	return func(i int) (string, bool) { return cs[i].Name, true },
		func(i int) (string, string) { return strings.ToLower(cs[i].Host()), cs[i].Path }
}
