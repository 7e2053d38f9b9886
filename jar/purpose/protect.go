package purpose

import (
	"strings"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Protection is one [[protect]] entry of the rules file, checked: Filter
// parses and does not use is:protected. The command line hands it to the
// jar (jar.FileProtection, jar.WithFileProtections); this package only
// reads it, so that the classifier links no database.
type Protection struct {
	Filter string // the filter text as written
	File   string
	Line   int // 1-based line of the [[protect]] header
}

// protectSpec is one [[protect]] entry of the user's rules file: a
// protection (docs/jar.md §Protections) kept in dotfiles rather than in the jar.
//
//	[[protect]]
//	filter = "domain:github.com"
type protectSpec struct {
	Filter string `toml:"filter"`
}

// parseProtect checks the rules file's [[protect]] entries and makes them
// protections that name the file and line. The built-in knowledge has none.
func parseProtect(file string, data []byte, specs []protectSpec, builtin bool) ([]Protection, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	lines := protectLines(data)
	line := func(i int) int {
		if i < len(lines) {
			return lines[i]
		}
		return 0
	}
	if builtin {
		return nil, &ruleError{file: file, line: line(0), msg: "the built-in knowledge has no [[protect]] entries"}
	}
	out := make([]Protection, 0, len(specs))
	for i, s := range specs {
		if strings.TrimSpace(s.Filter) == "" {
			return nil, &ruleError{file: file, line: line(i), msg: `a [[protect]] entry needs filter = "domain:example.com"`}
		}
		f, err := cookie.ParseFilter(s.Filter)
		if err != nil {
			return nil, &ruleError{file: file, line: line(i), msg: "[[protect]] " + err.Error()}
		}
		if f.UsesProtected() {
			return nil, &ruleError{file: file, line: line(i), msg: "[[protect]] a protection cannot use is:protected"}
		}
		out = append(out, Protection{Filter: s.Filter, File: file, Line: line(i)})
	}
	return out, nil
}

// protectLines are the 1-based lines of the [[protect]] headers, in order.
func protectLines(data []byte) []int {
	var out []int
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.ReplaceAll(strings.TrimSpace(l), " ", ""), "[[protect]]") {
			out = append(out, i+1)
		}
	}
	return out
}

// Protections are the [[protect]] entries of the user's rules file, in
// file order; nil without a rules file.
func (c *Classifier) Protections() []Protection {
	if c == nil || c.user == nil {
		return nil
	}
	return append([]Protection(nil), c.user.protect...)
}
