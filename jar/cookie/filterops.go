// Combining, comparing and exporting parsed filters (the language is in filter.go, docs/jar.md).

package cookie

import (
	"slices"
	"strings"
)

// IsEmpty reports whether f has no terms (and so matches every cookie).
func (f Filter) IsEmpty() bool { return len(f.terms) == 0 && f.or == nil }

// String renders f as filter text that ParseFilter reads back.
func (f Filter) String() string {
	var alts []string
	for _, a := range f.alts() {
		parts := make([]string, len(a))
		for i, t := range a {
			parts[i] = t.text
		}
		alts = append(alts, strings.Join(parts, " "))
	}
	return strings.Join(alts, " | ")
}

// And is the filter matching what both f and g match. A term of g that f
// already has (same kind, sign and argument) is not repeated, so that
// "purpose:tracking" and the purge scope "purpose:tracking" read once.
// With alternatives it distributes: (A | B) and C is (A C) | (B C).
func (f Filter) And(g Filter) Filter {
	var alts [][]term
	for _, fa := range f.alts() {
		for _, ga := range g.alts() {
			alts = append(alts, andTerms(fa, ga))
		}
	}
	return fromAlts(alts)
}

func andTerms(f, g []term) []term {
	t := make([]term, 0, len(f)+len(g))
	t = append(t, f...)
	for _, gt := range g {
		if !slices.ContainsFunc(f, func(ft term) bool { return sameTerm(ft, gt) }) {
			t = append(t, gt)
		}
	}
	return t
}

func sameTerm(a, b term) bool {
	return a.kind == b.kind && a.negate == b.negate && a.needle == b.needle &&
		a.flag == b.flag && slices.Equal(a.purposes, b.purposes)
}

// Equal reports whether f and g have the same terms, in any order: the
// same filter however it was spelled ("domain:GitHub.com" and
// "domain:github.com" are equal; so are "a b" and "b a").
// Filters with alternatives are equal when each alternative of one equals
// an alternative of the other.
func (f Filter) Equal(g Filter) bool {
	fa, ga := f.alts(), g.alts()
	for _, a := range fa {
		if !slices.ContainsFunc(ga, func(b []term) bool { return sameTerms(a, b) }) {
			return false
		}
	}
	for _, b := range ga {
		if !slices.ContainsFunc(fa, func(a []term) bool { return sameTerms(a, b) }) {
			return false
		}
	}
	return true
}

func sameTerms(f, g []term) bool {
	has := func(ts []term, t term) bool {
		return slices.ContainsFunc(ts, func(u term) bool { return sameTerm(u, t) })
	}
	for _, t := range f {
		if !has(g, t) {
			return false
		}
	}
	for _, t := range g {
		if !has(f, t) {
			return false
		}
	}
	return true
}

// UsesProtected reports whether f has an is:protected term, which a
// protection itself must not have (it would depend on itself).
func (f Filter) UsesProtected() bool {
	for _, a := range f.alts() {
		if slices.ContainsFunc(a, func(t term) bool { return t.kind == termIs && t.flag == isProtected }) {
			return true
		}
	}
	return false
}

// Term is one term of a filter as a store sees it, for compiling a filter
// into the store's own query language (package jar compiles it to SQL).
// Match stays the definition: a compiled term must select exactly what
// Match selects, or only be used to narrow the rows Match then checks.
type Term struct {
	// Key is "" for a free word, else domain, name, value, purpose,
	// source, is, vendor or org.
	Key    string
	Negate bool
	// Arg is the argument as Match compares it: lower-cased, without a
	// domain's leading dot; for "is" the flag's name (session, expired,
	// partitioned, secure, httponly, hostonly, unreadable, protected).
	Arg string
	// Purposes are a purpose term's purposes.
	Purposes []Purpose
}

var termKeyNames = [...]string{termWord: "", termDomain: "domain", termName: "name", termValue: "value",
	termPurpose: "purpose", termSource: "source", termIs: "is", termVendor: "vendor", termOrg: "org"}

var isFlagNames = [...]string{isSession: "session", isExpired: "expired", isPartitioned: "partitioned",
	isSecure: "secure", isHTTPOnly: "httponly", isHostOnly: "hostonly", isUnreadable: "unreadable",
	isProtected: "protected"}

// Terms lists f's terms, all of which a cookie must match — for a filter
// with alternatives (IsOr), the terms of every alternative, which a cookie
// need NOT all match: a compiler must then use Alternatives.
func (f Filter) Terms() []Term {
	var out []Term
	for _, a := range f.alts() {
		out = append(out, exportTerms(a)...)
	}
	if out == nil {
		out = []Term{}
	}
	return out
}

// IsOr reports whether f has alternatives ("A | B").
func (f Filter) IsOr() bool { return f.or != nil }

// Alternatives lists f's alternatives, each as the terms all of which a
// cookie must match; f matches a cookie that matches one alternative. A
// filter without "|" has one alternative.
func (f Filter) Alternatives() [][]Term {
	var out [][]Term
	for _, a := range f.alts() {
		out = append(out, exportTerms(a))
	}
	return out
}

func exportTerms(ts []term) []Term {
	out := make([]Term, len(ts))
	for i, t := range ts {
		out[i] = Term{Key: termKeyNames[t.kind], Negate: t.negate, Arg: t.needle,
			Purposes: slices.Clone(t.purposes)}
		if t.kind == termIs {
			out[i].Arg = isFlagNames[t.flag]
		}
	}
	return out
}
