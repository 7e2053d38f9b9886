package purpose

import (
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// entry is one compiled matcher: an exact name, a glob, a regexp or a bare
// domain, with the purpose and reason of the rule it came from.
type entry struct {
	order    int // position in its file: lower wins among rules of one level
	purpose  cookie.Purpose
	reason   string
	evidence cookie.Evidence
	vendor   *Vendor // the product behind the cookie; nil when the rule names none
	// domainOnly marks a rule with only a domain: it speaks for every
	// cookie of the domain, not for one cookie by name.
	domainOnly bool

	ties []tie // the cookie's domain must match one of these; nil = any domain

	glob string // lower-case glob for pattern entries ("" otherwise)
	// cased is the name or glob as written when the rule matches case
	// (match_case); "" for the usual case-insensitive match.
	cased string
	spec  int // length of the glob's literal prefix: among one rule's patterns the longest wins

	// Cheap checks before a glob or regexp runs: a literal suffix the name
	// must end with and, for anchored fixed-width regexps, its exact length.
	suffix   string
	inner    string // a floating glob's longest literal run, which the name must contain
	fixedLen int
	rePrefix string
	re       *regexp.Regexp // regexp entries
}

// tie restricts an entry to a domain: either a domain and its subdomains
// (suffix "doubleclick.net") or every registrable domain of a brand
// ("google.*" → brand "google": google.com, google.co.uk, …).
type tie struct {
	suffix string
	brand  string
}

func (e *entry) tied() bool { return len(e.ties) > 0 }

// matchesDomain reports whether the cookie host satisfies the entry's ties.
// An empty host (a cookie whose domain is not known, as in `crumbs
// classify` input with an empty first column) satisfies every tie: the
// vendor's meaning is then the best guess there is.
func (e *entry) matchesDomain(host string, sites *siteCache) bool {
	if len(e.ties) == 0 || host == "" {
		return true
	}
	for _, t := range e.ties {
		if t.brand != "" {
			if sites.brand(host) == t.brand {
				return true
			}
			continue
		}
		if domainWithin(host, t.suffix) {
			return true
		}
	}
	return false
}

// domainWithin reports whether host is d or a subdomain of d.
func domainWithin(host, d string) bool {
	if len(host) == len(d) {
		return host == d
	}
	return len(host) > len(d) && host[len(host)-len(d)-1] == '.' && host[len(host)-len(d):] == d
}

// matchesName checks the lower-cased name, and the name as written for a
// case-sensitive entry.
func (e *entry) matchesName(name, lname string) bool {
	if e.cased != "" {
		return globMatch(e.cased, name)
	}
	if e.fixedLen > 0 && len(lname) != e.fixedLen {
		return false
	}
	if e.suffix != "" && !strings.HasSuffix(lname, e.suffix) {
		return false
	}
	if e.inner != "" && !strings.Contains(lname, e.inner) {
		return false
	}
	if e.re != nil {
		// Cloned because the regexp package keeps its input reachable and
		// lname usually lives in the caller's stack buffer.
		return e.re.MatchString(strings.Clone(lname))
	}
	return globMatch(e.glob, lname)
}

// globMatch matches a lower-case glob with * (any run) and ? (one byte)
// against s, without allocating.
func globMatch(pattern, s string) bool {
	px, sx := 0, 0
	nextPx, nextSx := -1, -1
	for px < len(pattern) || sx < len(s) {
		if px < len(pattern) {
			switch c := pattern[px]; c {
			case '*':
				nextPx, nextSx = px, sx+1
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx++
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if nextSx > 0 && nextSx <= len(s) {
			px, sx = nextPx, nextSx
			continue
		}
		return false
	}
	return true
}

// literalPrefix is the part of a glob before its first wildcard.
func literalPrefix(glob string) string {
	if i := strings.IndexAny(glob, "*?"); i >= 0 {
		return glob[:i]
	}
	return glob
}

// globSuffix is the literal tail of a glob after its last wildcard.
func globSuffix(glob string) string {
	i := strings.LastIndexAny(glob, "*?")
	if i < 0 {
		return ""
	}
	return glob[i+1:]
}

// regexpFilter derives a literal prefix, a literal suffix and a fixed
// length from a case-insensitive regexp, where its shape allows, so that it
// can sit in the prefix index and be skipped cheaply.
func regexpFilter(expr string) (prefix, suffix string, fixedLen int) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return "", "", 0
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 {
		return "", "", 0
	}
	subs := re.Sub
	if subs[0].Op != syntax.OpBeginText {
		return "", "", 0
	}
	anchoredEnd := subs[len(subs)-1].Op == syntax.OpEndText
	lit := func(r *syntax.Regexp) (string, bool) {
		if r.Op != syntax.OpLiteral {
			return "", false
		}
		return strings.ToLower(string(r.Rune)), true
	}
	if l, ok := lit(subs[1]); ok {
		prefix = l
	}
	if anchoredEnd && len(subs) >= 3 {
		if l, ok := lit(subs[len(subs)-2]); ok {
			suffix = l
		}
	}
	if anchoredEnd {
		n, ok := fixedWidth(re)
		if ok {
			fixedLen = n
		}
	}
	return prefix, suffix, fixedLen
}

// fixedWidth is the number of bytes every match has, if it is fixed and
// ASCII-only.
func fixedWidth(r *syntax.Regexp) (int, bool) {
	switch r.Op {
	case syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpEmptyMatch:
		return 0, true
	case syntax.OpLiteral:
		for _, c := range r.Rune {
			if c > 127 {
				return 0, false
			}
		}
		return len(r.Rune), true
	case syntax.OpCharClass:
		for i := 1; i < len(r.Rune); i += 2 {
			if r.Rune[i] > 127 {
				return 0, false
			}
		}
		return 1, true
	case syntax.OpRepeat:
		if r.Min != r.Max {
			return 0, false
		}
		n, ok := fixedWidth(r.Sub[0])
		return n * r.Min, ok
	case syntax.OpConcat:
		total := 0
		for _, s := range r.Sub {
			n, ok := fixedWidth(s)
			if !ok {
				return 0, false
			}
			total += n
		}
		return total, true
	case syntax.OpCapture:
		return fixedWidth(r.Sub[0])
	}
	return 0, false
}

// trieNode indexes pattern entries by their literal prefix so that a name
// only meets the patterns that can match it.
type trieNode struct {
	edges   []byte
	kids    []*trieNode
	entries []*entry
	// table replaces the edge scan on wide nodes (the root fans out to
	// every first character).
	table *[256]*trieNode
}

func (n *trieNode) child(b byte) *trieNode {
	if n.table != nil {
		return n.table[b]
	}
	for i, e := range n.edges {
		if e == b {
			return n.kids[i]
		}
	}
	return nil
}

func (n *trieNode) insert(prefix string, e *entry) {
	for i := 0; i < len(prefix); i++ {
		c := n.child(prefix[i])
		if c == nil {
			c = &trieNode{}
			n.edges = append(n.edges, prefix[i])
			n.kids = append(n.kids, c)
			if n.table != nil || len(n.edges) > 8 {
				if n.table == nil {
					n.table = new([256]*trieNode)
					for j, e := range n.edges {
						n.table[e] = n.kids[j]
					}
				}
				n.table[prefix[i]] = c
			}
		}
		n = c
	}
	n.entries = append(n.entries, e)
}

// ruleSet is one compiled rules file (built-in knowledge, the user's rules
// or an Open Cookie Database CSV).
type ruleSet struct {
	exact    map[string][]*entry // lower-case name → entries in file order
	prefixes trieNode            // patterns with a literal prefix
	floating []*entry            // patterns without one ("*_session"), regexps
	domains  map[string][]*entry // domain-only entries by domain suffix
	brands   map[string][]*entry // domain-only entries by brand ("google.*")
	n        int
	protect  []Protection // the file's [[protect]] entries (protect.go)

	signin *ruleSet // the built-in file's sign-in safety entries (nil elsewhere)

	vendors       map[string]*Vendor // [[vendor]] tables by lower-case name
	vendorDomains map[string]*Vendor // a vendor's domains (and its domain rules' domains)
	vendorBrands  map[string]*Vendor // a vendor's brands ("yahoo.*")
}

func newRuleSet() *ruleSet {
	return &ruleSet{exact: map[string][]*entry{}, domains: map[string][]*entry{}, brands: map[string][]*entry{},
		vendors: map[string]*Vendor{}, vendorDomains: map[string]*Vendor{}, vendorBrands: map[string]*Vendor{}}
}

// addVendorDomain records that a domain belongs to a vendor; the first
// vendor to claim a domain keeps it.
func (rs *ruleSet) addVendorDomain(t tie, v *Vendor) {
	if t.brand != "" {
		if rs.vendorBrands[t.brand] == nil {
			rs.vendorBrands[t.brand] = v
		}
		return
	}
	if rs.vendorDomains[t.suffix] == nil {
		rs.vendorDomains[t.suffix] = v
	}
}

// domainVendor finds the vendor owning host or its closest parent domain,
// then its brand.
func (rs *ruleSet) domainVendor(host string, sites *siteCache) *Vendor {
	if rs == nil || host == "" {
		return nil
	}
	if len(rs.vendorDomains) > 0 {
		for h := host; h != ""; {
			if v := rs.vendorDomains[h]; v != nil {
				return v
			}
			i := strings.IndexByte(h, '.')
			if i < 0 {
				break
			}
			h = h[i+1:]
		}
	}
	if len(rs.vendorBrands) > 0 {
		if v := rs.vendorBrands[sites.brand(host)]; v != nil {
			return v
		}
	}
	return nil
}

func (rs *ruleSet) addExact(lname string, e *entry) {
	rs.exact[lname] = append(rs.exact[lname], e)
	rs.n++
}

func (rs *ruleSet) addPattern(e *entry) {
	rs.n++
	if e.re != nil {
		// The lower-cased literal prefix of an anchored regexp indexes it
		// like a glob; the rest are tried on every name, so keep them few.
		if e.spec > 0 {
			rs.prefixes.insert(e.rePrefix, e)
			return
		}
		rs.floating = append(rs.floating, e)
		return
	}
	e.suffix = globSuffix(e.glob)
	if strings.ContainsAny(e.suffix, "*?") {
		e.suffix = ""
	}
	if p := literalPrefix(e.glob); p != "" {
		e.spec = len(p)
		rs.prefixes.insert(p, e)
		return
	}
	e.inner = longestLiteral(e.glob)
	rs.floating = append(rs.floating, e)
}

// longestLiteral is the longest run of a glob without wildcards.
func longestLiteral(glob string) string {
	best := ""
	for _, part := range strings.FieldsFunc(glob, func(r rune) bool { return r == '*' || r == '?' }) {
		if len(part) > len(best) {
			best = part
		}
	}
	return best
}

func (rs *ruleSet) addDomain(t tie, e *entry) {
	rs.n++
	if t.brand != "" {
		rs.brands[t.brand] = append(rs.brands[t.brand], e)
		return
	}
	rs.domains[t.suffix] = append(rs.domains[t.suffix], e)
}

// preference orders candidate entries of one level.
type preference uint8

const (
	byOrder      preference = iota // the earlier rule wins (user rules)
	preferTied                     // a rule tied to the cookie's domain wins
	preferUntied                   // the domain is unknown: the generic meaning wins
)

// better reports whether cand should replace best: by the preference, then
// the earlier rule.
func better(best, cand *entry, pref preference) bool {
	if best == nil {
		return true
	}
	if pref != byOrder && cand.tied() != best.tied() {
		return cand.tied() == (pref == preferTied)
	}
	if cand.order == best.order {
		return cand.spec > best.spec
	}
	return cand.order < best.order
}

func (rs *ruleSet) matchExact(host, name, lname string, sites *siteCache, pref preference) *entry {
	var best *entry
	for _, e := range rs.exact[lname] {
		if (e.cased == "" || e.cased == name) && e.matchesDomain(host, sites) && better(best, e, pref) {
			best = e
		}
	}
	return best
}

func (rs *ruleSet) matchPattern(host, name, lname string, sites *siteCache, pref preference) *entry {
	var best *entry
	n := &rs.prefixes
	for i := 0; i < len(lname); i++ {
		if n = n.child(lname[i]); n == nil {
			break
		}
		for _, e := range n.entries {
			if better(best, e, pref) && e.matchesName(name, lname) && e.matchesDomain(host, sites) {
				best = e
			}
		}
	}
	for _, e := range rs.floating {
		if better(best, e, pref) && e.matchesName(name, lname) && e.matchesDomain(host, sites) {
			best = e
		}
	}
	return best
}

// matchDomain finds a domain-only entry for host or one of its parent
// domains, stopping at the registrable domain's public suffix.
func (rs *ruleSet) matchDomain(host string, sites *siteCache) *entry {
	if host == "" || (len(rs.domains) == 0 && len(rs.brands) == 0) {
		return nil
	}
	var best *entry
	if len(rs.domains) > 0 {
		for h := host; h != ""; {
			for _, e := range rs.domains[h] {
				if better(best, e, byOrder) {
					best = e
				}
			}
			i := strings.IndexByte(h, '.')
			if i < 0 {
				break
			}
			h = h[i+1:]
		}
	}
	if len(rs.brands) > 0 {
		if b := sites.brand(host); b != "" {
			for _, e := range rs.brands[b] {
				if better(best, e, byOrder) {
					best = e
				}
			}
		}
	}
	return best
}

// matchAny is the user-rules lookup: every kind of rule competes and the
// earliest in the file wins.
func (rs *ruleSet) matchAny(host, name, lname string, sites *siteCache) *entry {
	if rs == nil || rs.n == 0 {
		return nil
	}
	best := rs.matchExact(host, name, lname, sites, byOrder)
	if e := rs.matchPattern(host, name, lname, sites, byOrder); e != nil && better(best, e, byOrder) {
		best = e
	}
	if e := rs.matchDomain(host, sites); e != nil && better(best, e, byOrder) {
		best = e
	}
	return best
}
