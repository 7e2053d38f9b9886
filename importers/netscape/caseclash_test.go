package netscape

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// caseClashesPlain is caseClashes as first written: a key of host, path
// and lower-cased name for every cookie. The faster one must agree.
func caseClashesPlain(cs []*cookie.Cookie) (n int, example string) {
	type fold struct{ host, path, name string }
	upper := map[fold]bool{}
	for _, c := range cs {
		if strings.ToLower(c.Name) != c.Name {
			upper[fold{strings.ToLower(c.Host()), c.Path, strings.ToLower(c.Name)}] = true
		}
	}
	names := map[fold][]string{}
	for _, c := range cs {
		k := fold{strings.ToLower(c.Host()), c.Path, strings.ToLower(c.Name)}
		if upper[k] {
			names[k] = append(names[k], c.Name)
		}
	}
	var keys []fold
	for k, ns := range names {
		if distinct(ns) > 1 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { // a total order: the example is the same every run
		if a, b := keys[i].host+keys[i].name, keys[j].host+keys[j].name; a != b {
			return a < b
		}
		return keys[i].path < keys[j].path
	})
	for _, k := range keys {
		n += len(names[k])
	}
	if len(keys) > 0 {
		ns := names[keys[0]]
		sort.Strings(ns)
		example = strings.Join(ns, ", ") + " on " + keys[0].host + keys[0].path
	}
	return n, example
}

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
		gn, ge := caseClashes(cs)
		wn, we := caseClashesPlain(cs)
		if gn != wn || ge != we {
			var desc []string
			for _, c := range cs {
				desc = append(desc, fmt.Sprintf("%s%s %s", c.Domain, c.Path, c.Name))
			}
			t.Fatalf("caseClashes = %d %q, want %d %q, for %v", gn, ge, wn, we, desc)
		}
	}
	if n, _ := caseClashes([]*cookie.Cookie{{Domain: "a.com", Path: "/", Name: "ID"}, {Domain: "a.com", Path: "/", Name: "id"}}); n != 2 {
		t.Fatalf("ID and id on one host and path: %d clashes, want 2", n)
	}
}
