package jar

import "time"

// Filter is a parsed query of crumbs' filter language (docs/jar.md): all
// its terms must match. The zero Filter matches everything.
type Filter struct {
	terms []term
}

type term struct{}

// ParseFilter parses filter terms. The terms are joined with spaces and
// tokenised again, so "quoted phrases" may span arguments. An error names
// the bad term.
func ParseFilter(terms ...string) (Filter, error) { return parseFilter(terms) }

// Match reports whether c matches every term of f at time now.
func (f Filter) Match(c *Cookie, now time.Time) bool { return f.match(c, now) }

// IsEmpty reports whether f has no terms (and so matches every cookie).
func (f Filter) IsEmpty() bool { return len(f.terms) == 0 }

// And is the filter matching what both f and g match.
func (f Filter) And(g Filter) Filter {
	t := make([]term, 0, len(f.terms)+len(g.terms))
	return Filter{terms: append(append(t, f.terms...), g.terms...)}
}
