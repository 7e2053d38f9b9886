package cookie

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Filter is a parsed query of crumbs' filter language (docs/jar.md): all
// its terms must match. The zero Filter matches everything.
//
// Terms:
//
//	word            domain, name or value contains word (case-insensitive)
//	"two words"     a phrase, same as a word
//	domain:D        the cookie's domain is D or a subdomain of D (leading dot ignored)
//	name:N          the name contains N (case-insensitive)
//	value:V         the value contains V (case-insensitive)
//	purpose:P[,Q]   the purpose is P (or Q); unambiguous prefixes allowed
//	source:S        the source id contains S (case-insensitive)
//	vendor:V        a tracking cookie of vendor V, or of registrable domain V when no vendor is known (see SetVendors)
//	org:O           a tracking cookie of a vendor of organisation O (registrable domain O when no vendor is known)
//	is:session is:expired is:partitioned is:secure is:httponly is:hostonly is:unreadable
//	is:protected    a protection covers the cookie (Cookie.ProtectedBy is set: the jar sets it, see jar.Protector)
//	-TERM           negates any term
//	A | B           either A or B matches; AND binds tighter, so "a b | c" is (a AND b) OR c
type Filter struct {
	terms []term
	// or holds the alternatives of a filter with "|" (two or more, each
	// all-of); terms is then nil.
	or [][]term
}

// alts is f's alternatives: a plain filter has one.
func (f Filter) alts() [][]term {
	if f.or != nil {
		return f.or
	}
	return [][]term{f.terms}
}

func fromAlts(alts [][]term) Filter {
	if len(alts) == 1 {
		return Filter{terms: alts[0]}
	}
	return Filter{or: alts}
}

type termKind uint8

const (
	termWord termKind = iota
	termDomain
	termName
	termValue
	termPurpose
	termSource
	termIs
	termVendor
	termOrg
)

var termKeys = map[string]termKind{
	"domain": termDomain, "name": termName, "value": termValue,
	"purpose": termPurpose, "source": termSource, "is": termIs, "vendor": termVendor, "org": termOrg,
}

type isFlag uint8

const (
	isSession isFlag = iota
	isExpired
	isPartitioned
	isSecure
	isHTTPOnly
	isHostOnly
	isUnreadable
	isProtected
)

var isFlags = map[string]isFlag{
	"session": isSession, "expired": isExpired, "partitioned": isPartitioned,
	"secure": isSecure, "httponly": isHTTPOnly, "hostonly": isHostOnly,
	"unreadable": isUnreadable, "protected": isProtected,
}

type term struct {
	kind     termKind
	negate   bool
	text     string    // as typed (for String)
	needle   string    // lower-cased argument
	purposes []Purpose // termPurpose
	flag     isFlag    // termIs
}

// ParseFilter parses filter terms. The terms are joined with spaces and
// tokenised again, so "quoted phrases" may span arguments. An error names
// the bad term.
func ParseFilter(terms ...string) (Filter, error) {
	toks, err := tokenize(strings.Join(terms, " "))
	if err != nil {
		return Filter{}, err
	}
	if n := len(toks); n > MaxFilterTerms {
		return Filter{}, fmt.Errorf("filter: %d terms, more than the %d a filter may have", n, MaxFilterTerms)
	}
	var alts [][]term
	var cur []term
	for i, tk := range toks {
		if isOrToken(tk) {
			switch {
			case i == 0:
				return Filter{}, fmt.Errorf("filter: | with no term before it (write A | B)")
			case i == len(toks)-1:
				return Filter{}, fmt.Errorf("filter: | with no term after it (write A | B)")
			case isOrToken(toks[i-1]):
				return Filter{}, fmt.Errorf("filter: | | with no term between (write A | B)")
			}
			alts = append(alts, cur)
			cur = nil
			continue
		}
		t, err := parseTerm(tk)
		if err != nil {
			return Filter{}, err
		}
		cur = append(cur, t)
	}
	if alts == nil {
		return Filter{terms: cur}, nil
	}
	return Filter{or: append(alts, cur)}, nil
}

// MaxFilterTerms is how many terms (and | separators) a filter may have. A
// filter is matched against every cookie, term by term: 256 is far more
// than anybody writes, and keeps a filter pasted from a hostile file from
// costing a million cookies times its length.
const MaxFilterTerms = 256

// isOrToken: an unquoted | on its own separates alternatives; "|" quoted
// is a word.
func isOrToken(tk token) bool { return tk.raw == "|" }

// MustParseFilter is ParseFilter for literals in code and tests; it panics
// on a bad filter.
func MustParseFilter(terms ...string) Filter {
	f, err := ParseFilter(terms...)
	if err != nil {
		panic(err)
	}
	return f
}

type token struct {
	raw    string // the term as written, quotes included
	neg    bool
	key    string // before ':' (unquoted part only), "" for a word
	arg    string
	quoted bool // the word or argument was quoted
}

// tokenize splits s on white space outside double quotes.
func tokenize(s string) ([]token, error) {
	var toks []token
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return toks, nil
		}
		start := i
		var tk token
		if s[i] == '-' && i+1 < len(s) && !isSpace(s[i+1]) {
			tk.neg = true
			i++
		}
		// key: letters up to ':'
		j := i
		for j < len(s) && isLetter(s[j]) {
			j++
		}
		if j > i && j < len(s) && s[j] == ':' {
			tk.key = strings.ToLower(s[i:j])
			i = j + 1
		}
		var arg strings.Builder
		for i < len(s) && !isSpace(s[i]) {
			if s[i] == '"' {
				end := strings.IndexByte(s[i+1:], '"')
				if end < 0 {
					return nil, fmt.Errorf("filter: unterminated quote in %s", s[start:])
				}
				arg.WriteString(s[i+1 : i+1+end])
				tk.quoted = true
				i += end + 2
				continue
			}
			arg.WriteByte(s[i])
			i++
		}
		tk.arg = arg.String()
		tk.raw = s[start:i]
		toks = append(toks, tk)
	}
}

func isSpace(b byte) bool  { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
func isLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

func parseTerm(tk token) (term, error) {
	t := term{negate: tk.neg, text: tk.raw}
	if tk.key == "" {
		if tk.arg == "" {
			if tk.neg {
				// a lone "-" is a word
				return term{kind: termWord, text: tk.raw, needle: "-"}, nil
			}
			return term{}, fmt.Errorf("filter: empty term %s", tk.raw)
		}
		t.kind = termWord
		t.needle = lower(strings.ReplaceAll(tk.arg, "\x00", ""))
		if t.needle == "" {
			return term{}, fmt.Errorf("filter: empty term %s", tk.raw)
		}
		return t, nil
	}
	kind, ok := termKeys[tk.key]
	if !ok {
		return term{}, fmt.Errorf("filter: unknown key %q in %s (known: domain, name, value, purpose, source, vendor, org, is; quote the term to search for the text)", tk.key, tk.raw)
	}
	t.kind = kind
	if tk.arg == "" {
		return term{}, fmt.Errorf("filter: %s needs a value", tk.raw)
	}
	switch kind {
	case termDomain:
		t.needle = strings.TrimPrefix(lower(tk.arg), ".")
		if t.needle == "" {
			return term{}, fmt.Errorf("filter: %s needs a domain", tk.raw)
		}
	case termPurpose:
		for _, p := range strings.Split(tk.arg, ",") {
			pp, ok := ParsePurpose(p)
			if !ok {
				return term{}, fmt.Errorf("filter: unknown purpose %q in %s (known: session, personalization, tracking, unknown)", p, tk.raw)
			}
			t.purposes = append(t.purposes, pp)
		}
	case termIs:
		fl, ok := isFlags[lower(tk.arg)]
		if !ok {
			return term{}, fmt.Errorf("filter: unknown %s (known: is:session, is:expired, is:partitioned, is:secure, is:httponly, is:hostonly, is:unreadable, is:protected)", tk.raw)
		}
		t.flag = fl
	default:
		t.needle = lower(tk.arg)
	}
	return t, nil
}

func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
	}
	return s
}

// Match reports whether c matches every term of f (of one of its
// alternatives) at time now.
func (f Filter) Match(c *Cookie, now time.Time) bool {
	if f.or != nil {
		for _, a := range f.or {
			if matchTerms(a, c, now) {
				return true
			}
		}
		return false
	}
	return matchTerms(f.terms, c, now)
}

func matchTerms(ts []term, c *Cookie, now time.Time) bool {
	for i := range ts {
		if ts[i].match(c, now) == ts[i].negate {
			return false
		}
	}
	return true
}

// FoldText is the text free words search in c: its domain, name and value
// (unless unreadable), lower-cased and joined by NUL bytes. A caller that
// filters the same cookies again and again (the UI, per keystroke) computes
// it once per cookie and calls MatchFolded, which is several times faster
// than Match for filters with free words.
func FoldText(c *Cookie) string {
	b := make([]byte, 0, len(c.Domain)+len(c.Name)+len(c.Value)+2)
	b = append(b, c.Domain...)
	b = append(b, 0)
	b = append(b, c.Name...)
	b = append(b, 0)
	if !c.ValueUnreadable {
		b = append(b, c.Value...)
	}
	return lower(string(b))
}

// MatchFolded is Match for a cookie whose FoldText is folded.
func (f Filter) MatchFolded(c *Cookie, folded string, now time.Time) bool {
	return f.matchFolded(c, folded, now)
}

// HasWord reports whether f has a free word, which MatchFolded speeds up.
func (f Filter) HasWord() bool {
	for _, a := range f.alts() {
		for i := range a {
			if a[i].kind == termWord {
				return true
			}
		}
	}
	return false
}

// matchFolded is Match given the cookie's lower-cased "domain\x00name\x00value".
func (f Filter) matchFolded(c *Cookie, folded string, now time.Time) bool {
	if f.or != nil {
		for _, a := range f.or {
			if matchFoldedTerms(a, c, folded, now) {
				return true
			}
		}
		return false
	}
	return matchFoldedTerms(f.terms, c, folded, now)
}

func matchFoldedTerms(ts []term, c *Cookie, folded string, now time.Time) bool {
	for i := range ts {
		t := &ts[i]
		var m bool
		if t.kind == termWord {
			m = strings.Contains(folded, t.needle)
		} else {
			m = t.match(c, now)
		}
		if m == t.negate {
			return false
		}
	}
	return true
}

func (t *term) match(c *Cookie, now time.Time) bool {
	switch t.kind {
	case termWord:
		return containsFold(c.Domain, t.needle) || containsFold(c.Name, t.needle) ||
			(!c.ValueUnreadable && containsFold(c.Value, t.needle))
	case termDomain:
		return domainMatch(c.Domain, t.needle)
	case termName:
		return containsFold(c.Name, t.needle)
	case termValue:
		return !c.ValueUnreadable && containsFold(c.Value, t.needle)
	case termSource:
		return containsFold(c.Source, t.needle)
	case termVendor:
		return matchTracker(c, t.needle, false)
	case termOrg:
		return matchTracker(c, t.needle, true)
	case termPurpose:
		p := c.Purpose
		if p == "" {
			p = PurposeUnknown
		}
		for _, q := range t.purposes {
			if p == q {
				return true
			}
		}
		return false
	case termIs:
		switch t.flag {
		case isSession:
			return c.Session
		case isExpired:
			return c.Expired(now)
		case isPartitioned:
			return !c.Partition.IsZero()
		case isSecure:
			return c.Secure
		case isHTTPOnly:
			return c.HTTPOnly
		case isHostOnly:
			return c.HostOnly
		case isUnreadable:
			return c.ValueUnreadable
		case isProtected:
			return c.ProtectedBy != ""
		}
	}
	return false
}

// domainMatch: host (leading dot dropped) equals d or ends with "."+d,
// ignoring ASCII case. d is lower-case without a leading dot.
func domainMatch(domain, d string) bool {
	if len(domain) > 0 && domain[0] == '.' {
		domain = domain[1:]
	}
	if len(domain) < len(d) {
		return false
	}
	tail := domain[len(domain)-len(d):]
	if !equalFoldLower(tail, d) {
		return false
	}
	return len(domain) == len(d) || domain[len(domain)-len(d)-1] == '.'
}

// equalFoldLower reports whether s equals the lower-case ASCII-or-not
// needle, ignoring ASCII case in s.
func equalFoldLower(s, lowerNeedle string) bool {
	if len(s) != len(lowerNeedle) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lowerNeedle[i] {
			if c >= utf8.RuneSelf || lowerNeedle[i] >= utf8.RuneSelf {
				return strings.EqualFold(s, lowerNeedle)
			}
			return false
		}
	}
	return true
}

// containsFold reports whether s contains the lower-case needle, ignoring
// case, without allocating for ASCII text. The candidates are found with
// strings.IndexByte (vectorised) for both cases of the needle's first byte.
func containsFold(s, needle string) bool {
	n := len(needle)
	if n == 0 {
		return true
	}
	if n > len(s) {
		return false
	}
	if !isASCII(needle) {
		// ASCII needles fold byte by byte (an ASCII byte never occurs inside
		// a UTF-8 sequence); others take the slow, allocating path.
		return strings.Contains(strings.ToLower(s), needle)
	}
	first := needle[0]
	other := first
	if first >= 'a' && first <= 'z' {
		other = first - ('a' - 'A')
	}
	last := len(s) - n
	if len(s) < 48 {
		// Short text (domains, names): a plain loop beats the call
		// overhead of IndexByte.
		for i := 0; i <= last; i++ {
			if (s[i] == first || s[i] == other) && equalFoldASCII(s[i+1:i+n], needle[1:]) {
				return true
			}
		}
		return false
	}
	// Next candidate of each case of the first byte, found with the
	// vectorised IndexByte and only searched again once passed.
	nextLo, nextUp := -2, -2
	if other == first {
		nextUp = -1
	}
	for i := 0; i <= last; {
		if nextLo != -1 && nextLo < i {
			nextLo = indexFrom(s[:last+1], first, i)
		}
		if nextUp != -1 && nextUp < i {
			nextUp = indexFrom(s[:last+1], other, i)
		}
		j := nextLo
		if j < 0 || (nextUp >= 0 && nextUp < j) {
			j = nextUp
		}
		if j < 0 {
			return false
		}
		if equalFoldASCII(s[j+1:j+n], needle[1:]) {
			return true
		}
		i = j + 1
	}
	return false
}

func indexFrom(s string, b byte, from int) int {
	k := strings.IndexByte(s[from:], b)
	if k < 0 {
		return -1
	}
	return from + k
}

func equalFoldASCII(s, lowerNeedle string) bool {
	for i := 0; i < len(lowerNeedle); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lowerNeedle[i] {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
