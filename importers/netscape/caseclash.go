package netscape

import (
	"sort"
	"strings"
	"unicode/utf8"
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
// name gives cookie i's name, or written false for one that is not in the
// file; hostPath its host (lower case) and path.
func caseClashes(n int, name func(i int) (name string, written bool), hostPath func(i int) (host, path string)) (count int, example string) {
	type fold struct{ host, path, name string }
	var lowered map[string]bool
	for i := range n {
		if nm, ok := name(i); ok && hasUpper(nm) {
			if lowered == nil {
				lowered = map[string]bool{}
			}
			lowered[strings.ToLower(nm)] = true
		}
	}
	if lowered == nil {
		return 0, ""
	}
	names := map[fold][]string{}
	for i := range n {
		nm, ok := name(i)
		if !ok {
			continue
		}
		ln := nm
		if hasUpper(ln) {
			ln = strings.ToLower(ln)
		}
		if !lowered[ln] {
			continue
		}
		host, path := hostPath(i)
		k := fold{host, path, ln}
		names[k] = append(names[k], nm)
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
		count += len(names[k])
	}
	if len(keys) > 0 {
		ns := names[keys[0]]
		sort.Strings(ns)
		example = strings.Join(ns, ", ") + " on " + keys[0].host + keys[0].path
	}
	return count, example
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
