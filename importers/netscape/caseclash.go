package netscape

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// curl merges cookies whose names differ only in letter case
// (internal/cli/oneanswer_test.go), so Write counts them for a warning.

// caseClashes counts the cookies whose name equals another's on the same
// host and path but for letter case. Only a name with an upper-case letter
// can take part in such a pair, and its partner's name lower-cases to the
// same text: so the first pass notes those lower-cased names, and the
// second looks at a cookie further only if its name is one of them (a
// string lookup, where a host, path and name key for every cookie cost a
// tenth of a 100k export). The common all-lower-case export builds no map.
func caseClashes(cs []*cookie.Cookie) (n int, example string) {
	type fold struct{ host, path, name string }
	var lowered map[string]bool
	for _, c := range cs {
		if hasUpper(c.Name) {
			if lowered == nil {
				lowered = map[string]bool{}
			}
			lowered[strings.ToLower(c.Name)] = true
		}
	}
	if lowered == nil {
		return 0, ""
	}
	names := map[fold][]string{}
	for _, c := range cs {
		ln := c.Name
		if hasUpper(ln) {
			ln = strings.ToLower(ln)
		}
		if !lowered[ln] {
			continue
		}
		k := fold{strings.ToLower(c.Host()), c.Path, ln}
		names[k] = append(names[k], c.Name)
	}
	keys := make([]fold, 0, len(names))
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

// hasUpper reports whether strings.ToLower would change s, without
// allocating for ASCII text.
func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			return strings.ToLower(s) != s
		} else if c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

func distinct(ss []string) int {
	seen := map[string]bool{}
	for _, s := range ss {
		seen[s] = true
	}
	return len(seen)
}
