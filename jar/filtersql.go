package jar

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// filterSQL is a filter compiled to a WHERE condition on the cookie tables,
// so that a purge or a one-shot query reads only the rows it may select
// instead of every cookie. Filter.Match stays the definition: terms are
// compiled only where SQL selects exactly what Match does (the purpose, the
// flags, expiry, and substrings of ASCII text, which SQLite's lower()
// folds exactly as Match does), or, for free words, to a condition that
// selects at least what Match and MatchFolded select; the rest is left to
// Match.
type filterSQL struct {
	where string // "" when no term compiled; else "(…) AND (…)"
	args  []any
	// exact: every term compiled, so the rows the condition selects are
	// exactly those Match selects and need not be read to be checked.
	exact bool
}

// compileFilter compiles f's terms at time now. A filter with
// alternatives ("A | B") compiles each alternative and ORs them: each
// selects at least what its alternative matches, so the OR selects at least
// what the filter matches; if any alternative has no condition (it could
// match any row), there is no narrowing at all.
func compileFilter(f cookie.Filter, now time.Time) filterSQL {
	if !f.IsOr() {
		return compileTerms(f.Terms(), now, maxSQLArgs)
	}
	out := filterSQL{exact: true}
	var conds []string
	alts := f.Alternatives()
	for _, a := range alts {
		fs := compileTerms(a, now, maxSQLArgs/len(alts))
		if fs.where == "" {
			return filterSQL{} // an alternative selects every row: no narrowing
		}
		out.exact = out.exact && fs.exact
		conds = append(conds, "("+fs.where+")")
		out.args = append(out.args, fs.args...)
	}
	out.where = "(" + strings.Join(conds, " OR ") + ")"
	return out
}

// maxSQLArgs bounds the values a compiled filter binds. A filter has at
// most cookie.MaxFilterTerms terms, but a domain: term binds one value per
// label: 256 of them could pass SQLite's limit of 32,766. Terms past the
// bound are left to Match (fewer terms ANDed select more rows: still a
// superset).
const maxSQLArgs = 2048

// compileTerms compiles terms all of which a cookie must match, binding at
// most budget values.
func compileTerms(terms []cookie.Term, now time.Time, budget int) filterSQL {
	out := filterSQL{exact: true}
	var conds []string
	for _, t := range terms {
		cond, args, k := termSQL(t, now)
		if k != exactSQL {
			out.exact = false
		}
		if k == noSQL || k == supersetSQL && t.Negate {
			continue // not negating a superset: it would lose rows
		}
		if len(out.args)+len(args) > budget {
			out.exact = false
			continue
		}
		if t.Negate {
			cond = "NOT (" + cond + ")"
		}
		conds = append(conds, "("+cond+")")
		out.args = append(out.args, args...)
	}
	out.where = strings.Join(conds, " AND ")
	return out
}

// clause is the condition after keyword (WHERE or AND), "" if there is none.
func (fs filterSQL) clause(keyword string) string {
	if fs.where == "" {
		return ""
	}
	return " " + keyword + " " + fs.where
}

type sqlKind uint8

const (
	noSQL       sqlKind = iota // the term is left to Match
	supersetSQL                // the condition holds for every cookie the term matches, and maybe others
	exactSQL                   // the condition holds for exactly the cookies the term matches
)

// termSQL is the condition of one term (without its sign) and how exact it is.
func termSQL(t cookie.Term, now time.Time) (string, []any, sqlKind) {
	switch t.Key {
	case "purpose":
		// The column holds normalized purposes: never empty. Each once:
		// purpose:tracking,tracking,… binds one value.
		var args []any
		for _, p := range t.Purposes {
			if !slices.Contains(args, any(string(p))) {
				args = append(args, string(p))
			}
		}
		return "purpose IN (" + placeholders(len(args)) + ")", args, exactSQL
	case "is":
		switch t.Arg {
		case "session":
			return "flags & 16 != 0", nil, exactSQL
		case "secure":
			return "flags & 1 != 0", nil, exactSQL
		case "httponly":
			return "flags & 2 != 0", nil, exactSQL
		case "unreadable":
			return "flags & 32 != 0", nil, exactSQL
		case "hostonly":
			return "host_only != 0", nil, exactSQL
		case "partitioned":
			return "partition_key != ''", nil, exactSQL
		case "expired":
			// Expires is whole microseconds, so "not after now" is "at most
			// now's microsecond".
			return "flags & 16 = 0 AND expires != ? AND expires <= ?", []any{zeroMicro, now.UnixMicro()}, exactSQL
		}
	case "name", "value", "source":
		if !asciiOnly(t.Arg) {
			return "", nil, noSQL
		}
		cond := "instr(lower(" + t.Key + "), ?) > 0"
		if t.Key == "value" {
			cond = "flags & 32 = 0 AND " + cond
		}
		return cond, []any{t.Arg}, exactSQL
	case "domain":
		return domainSQL(t.Arg)
	case "vendor", "org":
		// Only tracking cookies have a vendor (cookie.matchTracker).
		return "purpose = ?", []any{string(cookie.PurposeTracking)}, supersetSQL
	case "":
		if !asciiOnly(t.Arg) {
			return "", nil, noSQL
		}
		// A free word is matched against text folded by Unicode rules
		// where the UI searches (MatchFolded): a non-ASCII letter such as
		// the Kelvin sign may fold to the ASCII needle. Text with any
		// multi-byte character is therefore always a candidate.
		has := func(col string) string {
			return "instr(lower(" + col + "), ?) > 0 OR length(" + col + ") < octet_length(" + col + ")"
		}
		return has("domain") + " OR " + has("name") + " OR (flags & 32 = 0 AND (" + has("value") + "))",
			[]any{t.Arg, t.Arg, t.Arg}, supersetSQL
	}
	return "", nil, noSQL
}

// domainSQL narrows a domain term (d: lower-case, no leading dot) through
// the site column, which leads the identity index: a one-shot list,
// export or purge of domain:example.com reads that site's rows instead of
// every cookie in the jar.
//
// Why it selects every cookie the term matches. For an ASCII d, a match's
// domain, without its leading dot, is d or ends with "." + d, ASCII case
// folded (cookie.domainMatch compares the last len(d) bytes, so a
// multi-byte character cannot stand in for an ASCII one there). Its site
// is cookie.Site of that host: the host lower-cased, one trailing dot
// trimmed, or a suffix of it that starts at a label. d (one trailing dot
// trimmed) is such a suffix too, so of the two the longer ends with the
// shorter at a label: the site is one of d's own label suffixes
// ("a.example.com", "example.com", "com"), or it ends with "." + d (d is a
// public suffix, or the list has one below it). That holds whatever
// public suffix list computed the site. Match then checks each candidate.
func domainSQL(d string) (string, []any, sqlKind) {
	d = strings.TrimSuffix(d, ".")
	if d == "" || !asciiOnly(d) {
		return "", nil, noSQL
	}
	if strings.Count(d, ".") >= maxDomainLabels {
		return "", nil, noSQL // no host has that many labels: Match decides
	}
	var args []any
	for rest := d; ; {
		args = append(args, rest)
		i := strings.IndexByte(rest, '.')
		if i < 0 || i == len(rest)-1 {
			break
		}
		rest = rest[i+1:]
	}
	// substr(…, -n) is the last n characters: the "ends with" test in one
	// comparison (LIKE '%.d' would try every position).
	cond := "site IN (" + placeholders(len(args)) + ") OR substr(site, ?) = ?"
	return cond, append(args, -(len(d) + 1), "."+d), supersetSQL
}

// maxDomainLabels is the most labels a DNS name has (RFC 1035: 255 bytes).
const maxDomainLabels = 127

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
