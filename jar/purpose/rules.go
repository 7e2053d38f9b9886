package purpose

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// rulesFile is the schema shared by the built-in knowledge and the user's
// rules file: a list of [[rule]] tables, earlier rules winning.
type rulesFile struct {
	Version string       `toml:"version"`
	Lists   []string     `toml:"lists"` // the user's file: lists to load every run
	Vendor  []vendorSpec `toml:"vendor"`
	Signin  []ruleSpec   `toml:"signin"` // the built-in file: sign-in safety
	Rule    []ruleSpec   `toml:"rule"`
	// Protect are the user's protections (docs/jar.md §Protections): [[protect]] with
	// filter = "domain:github.com". See protect.go.
	Protect []protectSpec `toml:"protect"`
}

// vendorSpec is one [[vendor]] table: a product behind trackers, the
// organisation that runs it (its own name when omitted) and the domains it
// serves from.
type vendorSpec struct {
	Name    string   `toml:"name"`
	Org     string   `toml:"org"`
	Domains []string `toml:"domains"`
}

type ruleSpec struct {
	Name     string   `toml:"name"`
	Names    []string `toml:"names"`
	Pattern  string   `toml:"pattern"`
	Patterns []string `toml:"patterns"`
	Regexp   string   `toml:"regexp"`
	Domain   string   `toml:"domain"`
	Domains  []string `toml:"domains"`
	Purpose  string   `toml:"purpose"`
	Reason   string   `toml:"reason"`
	// Vendor names the product behind the cookie ("Google Analytics"); in
	// the built-in file it must be one of the [[vendor]] tables. Org
	// overrides the vendor's organisation (the user's rules only need it
	// for a vendor crumbs does not know).
	Vendor string `toml:"vendor"`
	Org    string `toml:"org"`
	// MatchCase makes the rule's names and patterns match only in the
	// case written, for vendors whose spelling is distinctive (Cxense
	// writes "cX_P"; "CX_…" is someone else's cookie).
	MatchCase bool `toml:"match_case"`
}

// ruleError is a problem in a rules file, located by line.
type ruleError struct {
	file string
	line int
	msg  string
}

func (e *ruleError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s: line %d: %s", e.file, e.line, e.msg)
	}
	return fmt.Sprintf("%s: %s", e.file, e.msg)
}

// lineIndex finds where each [[rule]] table and its keys sit in the text,
// so that semantic errors (a purpose that is not one of the four, a bad
// regexp) can name the line even though the TOML decoder has forgotten it.
type lineIndex struct {
	lines  []string
	starts []int // 0-based line of each [[rule]] header
}

func newLineIndex(data []byte) *lineIndex { return newLineIndexFor(data, "rule") }

// newLineIndexFor indexes the [[table]] headers of one array of tables.
func newLineIndexFor(data []byte, table string) *lineIndex {
	li := &lineIndex{lines: strings.Split(string(data), "\n")}
	for i, l := range li.lines {
		t := strings.ReplaceAll(strings.TrimSpace(l), " ", "")
		if strings.HasPrefix(t, "[["+table+"]]") {
			li.starts = append(li.starts, i)
		}
	}
	return li
}

// anyHeaderLine is the 1-based line of the first [[table]] header, 0 when
// there is none.
func (li *lineIndex) anyHeaderLine(table string) int {
	for l, s := range li.lines {
		if strings.HasPrefix(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), "[["+table+"]]") {
			return l + 1
		}
	}
	return 0
}

// line returns the 1-based line of key inside rule i (or the rule header
// when key is "" or not found), 0 when unknown.
func (li *lineIndex) line(i int, key string) int {
	if i < 0 || i >= len(li.starts) {
		return 0
	}
	start, end := li.starts[i], len(li.lines)
	if i+1 < len(li.starts) {
		end = li.starts[i+1]
	}
	if key != "" {
		for l := start + 1; l < end; l++ {
			t := strings.TrimSpace(li.lines[l])
			if rest, ok := strings.CutPrefix(t, key); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
				return l + 1
			}
		}
	}
	return start + 1
}

// vendorLine returns the 1-based line of the i-th [[vendor]] header, 0 when
// unknown.
func (li *lineIndex) vendorLine(i int) int {
	n := 0
	for l, s := range li.lines {
		if strings.HasPrefix(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), "[[vendor]]") {
			if n == i {
				return l + 1
			}
			n++
		}
	}
	return 0
}

// anyKeyLine finds the first line assigning key anywhere, for undecoded keys.
func (li *lineIndex) anyKeyLine(key string) int {
	for l, s := range li.lines {
		t := strings.TrimSpace(s)
		if rest, ok := strings.CutPrefix(t, key); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
			return l + 1
		}
	}
	return 0
}

// parseRules decodes and compiles a rules file. builtin selects the
// evidence recorded (name/pattern/domain for crumbs' knowledge, rule for the
// user's) and requires a version and reasons.
func parseRules(file string, data []byte, builtin bool, orderBase int, known *ruleSet) (*ruleSet, string, error) {
	rs, rf, err := parseRulesFile(file, data, builtin, orderBase, known)
	if err != nil {
		return nil, "", err
	}
	return rs, rf.Version, nil
}

// parseRulesFile is parseRules returning the whole decoded file; the
// built-in file's sign-in safety entries land in rs.signin.
func parseRulesFile(file string, data []byte, builtin bool, orderBase int, known *ruleSet) (*ruleSet, *rulesFile, error) {
	var rf rulesFile
	md, err := toml.Decode(string(data), &rf)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, nil, &ruleError{file: file, line: pe.Position.Line, msg: pe.Message}
		}
		return nil, nil, &ruleError{file: file, msg: err.Error()}
	}
	li := newLineIndex(data)
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		last := k[len(k)-1]
		if k[0] == "protect" {
			return nil, nil, &ruleError{file: file, line: li.anyKeyLine(last),
				msg: fmt.Sprintf("unknown key %q (a [[protect]] entry has one key, filter)", k.String())}
		}
		return nil, nil, &ruleError{file: file, line: li.anyKeyLine(last),
			msg: fmt.Sprintf("unknown key %q (the file has lists and [[vendor]], [[rule]], [[protect]] tables; a rule has name, names, pattern, patterns, regexp, domain, domains, purpose, reason, vendor, org, match_case; a vendor has name, org, domains)", k.String())}
	}
	if builtin && rf.Version == "" {
		return nil, nil, &ruleError{file: file, msg: "no version"}
	}
	rs := newRuleSet()
	if rs.protect, err = parseProtect(file, data, rf.Protect, builtin); err != nil {
		return nil, nil, err
	}
	for i, vs := range rf.Vendor {
		if err := rs.addVendor(vs); err != nil {
			return nil, nil, &ruleError{file: file, line: li.vendorLine(i), msg: fmt.Sprintf("vendor %d: %s", i+1, err.msg)}
		}
	}
	if len(rf.Signin) > 0 && !builtin {
		return nil, nil, &ruleError{file: file, line: li.anyHeaderLine("signin"), msg: "[[signin]] is crumbs' own sign-in safety list; write a [[rule]] with purpose = \"session\""}
	}
	if len(rf.Lists) > 0 && builtin {
		return nil, nil, &ruleError{file: file, msg: "the built-in knowledge loads no lists"}
	}
	if len(rf.Signin) > 0 {
		rs.signin = newRuleSet()
		rs.signin.vendors = rs.vendors
		sli := newLineIndexFor(data, "signin")
		for i, spec := range rf.Signin {
			spec.Purpose = string(cookie.PurposeSession)
			if spec.Regexp != "" {
				return nil, nil, &ruleError{file: file, line: sli.line(i, "regexp"), msg: fmt.Sprintf("signin %d: names and patterns only (the safety test must be able to spell every entry)", i+1)}
			}
			if len(spec.Names) == 0 && spec.Name == "" && len(spec.Patterns) == 0 && spec.Pattern == "" {
				return nil, nil, &ruleError{file: file, line: sli.line(i, ""), msg: fmt.Sprintf("signin %d: no name or pattern", i+1)}
			}
			if err := compileRule(rs.signin, spec, i, builtin, known); err != nil {
				return nil, nil, &ruleError{file: file, line: sli.line(i, err.key), msg: fmt.Sprintf("signin %d: %s", i+1, err.msg)}
			}
		}
	}
	for i, spec := range rf.Rule {
		if err := compileRule(rs, spec, orderBase+i, builtin, known); err != nil {
			return nil, nil, &ruleError{file: file, line: li.line(i, err.key), msg: fmt.Sprintf("rule %d: %s", i+1, err.msg)}
		}
	}
	return rs, &rf, nil
}

type specError struct{ key, msg string }

func parsePurposeWord(s string) (cookie.Purpose, bool) {
	switch cookie.Purpose(strings.ToLower(strings.TrimSpace(s))) {
	case cookie.PurposeSession:
		return cookie.PurposeSession, true
	case cookie.PurposePersonalization, "personalisation", "preferences":
		return cookie.PurposePersonalization, true
	case cookie.PurposeTracking:
		return cookie.PurposeTracking, true
	case cookie.PurposeUnknown:
		return cookie.PurposeUnknown, true
	}
	return "", false
}

// parseTie turns a domain field into a tie: "doubleclick.net",
// ".doubleclick.net" or "google.*".
func parseTie(d string) (tie, bool) {
	d = strings.ToLower(strings.TrimSpace(d))
	d = strings.TrimPrefix(d, ".")
	if brand, ok := strings.CutSuffix(d, ".*"); ok {
		if brand == "" || strings.ContainsAny(brand, ".*/ ") {
			return tie{}, false
		}
		return tie{brand: brand}, true
	}
	if d == "" || strings.ContainsAny(d, "*/ :") {
		return tie{}, false
	}
	return tie{suffix: d}, true
}

// addVendor compiles one [[vendor]] table.
func (rs *ruleSet) addVendor(vs vendorSpec) *specError {
	name := strings.TrimSpace(vs.Name)
	if name == "" {
		return &specError{"", "no name"}
	}
	key := strings.ToLower(name)
	if rs.vendors[key] != nil {
		return &specError{"", fmt.Sprintf("vendor %q is defined twice", name)}
	}
	v := &Vendor{Name: name, Org: strings.TrimSpace(vs.Org)}
	if v.Org == "" {
		v.Org = name
	}
	rs.vendors[key] = v
	for _, d := range vs.Domains {
		t, ok := parseTie(d)
		if !ok {
			return &specError{"", fmt.Sprintf("domain %q is not a domain (example.com, .example.com or brand.*)", d)}
		}
		rs.addVendorDomain(t, v)
	}
	return nil
}

// resolveVendor finds the vendor a rule names: this file's [[vendor]]
// tables, then the built-in ones (known). The built-in file must name a
// vendor it defines (a typo would silently split a vendor in the report);
// the user's rules may name any product.
func resolveVendor(rs, known *ruleSet, spec ruleSpec, builtin bool) (*Vendor, *specError) {
	name, org := strings.TrimSpace(spec.Vendor), strings.TrimSpace(spec.Org)
	if name == "" {
		if org != "" {
			return nil, &specError{"org", "org needs vendor"}
		}
		return nil, nil
	}
	key := strings.ToLower(name)
	v := rs.vendors[key]
	if v == nil && known != nil {
		v = known.vendors[key]
	}
	if v == nil {
		if builtin {
			return nil, &specError{"vendor", fmt.Sprintf("vendor %q has no [[vendor]] table", name)}
		}
		if org == "" {
			org = name
		}
		return &Vendor{Name: name, Org: org}, nil
	}
	if org != "" && org != v.Org {
		return &Vendor{Name: v.Name, Org: org}, nil
	}
	return v, nil
}

func compileRule(rs *ruleSet, spec ruleSpec, order int, builtin bool, known *ruleSet) *specError {
	p, serr := rulePurpose(spec, builtin)
	if serr != nil {
		return serr
	}
	ties, serr := ruleTies(spec)
	if serr != nil {
		return serr
	}
	names := spec.Names
	if spec.Name != "" {
		names = append([]string{spec.Name}, names...)
	}
	patterns := spec.Patterns
	if spec.Pattern != "" {
		patterns = append([]string{spec.Pattern}, patterns...)
	}
	if len(names) == 0 && len(patterns) == 0 && spec.Regexp == "" && len(ties) == 0 {
		return &specError{"", "matches nothing: give name, names, pattern, patterns, regexp, domain or domains"}
	}
	reason := strings.TrimSpace(spec.Reason)
	if reason == "" {
		reason = "your rules file"
	}
	vend, verr := resolveVendor(rs, known, spec, builtin)
	if verr != nil {
		return verr
	}
	mk := func(ev cookie.Evidence) *entry {
		if !builtin {
			ev = cookie.EvidenceRule
		}
		return &entry{order: order, purpose: p, reason: reason, evidence: ev, ties: ties, vendor: vend}
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || strings.ContainsAny(n, ";=\t\r\n") {
			return &specError{"name", fmt.Sprintf("name %q is not a cookie name", n)}
		}
		e := mk(cookie.EvidenceName)
		if spec.MatchCase {
			e.cased = n
		}
		rs.addExact(strings.ToLower(n), e)
	}
	for _, g := range patterns {
		g = strings.TrimSpace(g)
		if g == "" || strings.Trim(g, "*") == "" {
			return &specError{"pattern", fmt.Sprintf("pattern %q matches every name; use domain for a whole domain", g)}
		}
		e := mk(cookie.EvidencePattern)
		if spec.MatchCase {
			e.cased = g
		}
		e.glob = strings.ToLower(g)
		rs.addPattern(e)
	}
	if spec.Regexp != "" {
		if spec.MatchCase {
			return &specError{"match_case", "match_case applies to names and patterns, not to regexps"}
		}
		re, err := regexp.Compile("(?i)" + spec.Regexp)
		if err != nil {
			return &specError{"regexp", fmt.Sprintf("regexp %q: %v", spec.Regexp, err)}
		}
		e := mk(cookie.EvidencePattern)
		e.re = re
		e.rePrefix, e.suffix, e.fixedLen = regexpFilter(spec.Regexp)
		e.spec = len(e.rePrefix)
		rs.addPattern(e)
	}
	if spec.MatchCase && len(names) == 0 && len(patterns) == 0 {
		return &specError{"match_case", "match_case needs names or patterns"}
	}
	if len(names) == 0 && len(patterns) == 0 && spec.Regexp == "" {
		// Only a domain: every cookie of that domain.
		for _, t := range ties {
			e := mk(cookie.EvidenceDomain)
			e.ties = nil
			e.domainOnly = true
			rs.addDomain(t, e)
			if vend != nil {
				rs.addVendorDomain(t, vend)
			}
		}
	}
	return nil
}

// rulePurpose is the rule's purpose; a built-in rule must give a reason.
func rulePurpose(spec ruleSpec, builtin bool) (cookie.Purpose, *specError) {
	p, ok := parsePurposeWord(spec.Purpose)
	if !ok {
		if spec.Purpose == "" {
			return p, &specError{"", "no purpose (session, personalization, tracking or unknown)"}
		}
		return p, &specError{"purpose", fmt.Sprintf("purpose %q is not one of session, personalization, tracking, unknown", spec.Purpose)}
	}
	if builtin && spec.Reason == "" {
		return p, &specError{"", "no reason"}
	}
	return p, nil
}

// ruleTies parses the rule's domain and domains, domain first.
func ruleTies(spec ruleSpec) ([]tie, *specError) {
	var ties []tie
	domains := spec.Domains
	if spec.Domain != "" {
		domains = append([]string{spec.Domain}, domains...)
	}
	for _, d := range domains {
		t, ok := parseTie(d)
		if !ok {
			key := "domains"
			if d == spec.Domain {
				key = "domain"
			}
			return nil, &specError{key, fmt.Sprintf("domain %q is not a domain (example.com, .example.com or brand.*)", d)}
		}
		ties = append(ties, t)
	}
	return ties, nil
}

// Open Cookie Database CSV columns (jkwakman/Open-Cookie-Database).
const (
	ocdID = iota
	ocdPlatform
	ocdCategory
	ocdName
	ocdDomain
	ocdDescription
	ocdRetention
	ocdController
	ocdPrivacy
	ocdWildcard
	ocdColumns
)

// ocdPurpose maps the database's categories onto crumbs' purposes.
func ocdPurpose(category string) (cookie.Purpose, bool) {
	switch strings.ToLower(strings.TrimSpace(category)) {
	case "analytics", "marketing", "advertising", "tracking":
		return cookie.PurposeTracking, true
	case "functional", "security", "necessary", "strictly necessary", "essential":
		return cookie.PurposeSession, true
	case "preferences", "preference", "personalization", "personalisation":
		return cookie.PurposePersonalization, true
	}
	return "", false
}

// plainDomain reports whether the database's domain column is a bare
// domain we can tie a rule to (it often holds prose: "advertiser's
// website (1st party)").
func plainDomain(d string) bool {
	d = strings.TrimPrefix(strings.TrimSpace(d), ".")
	if !strings.Contains(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// parseOCD reads an Open Cookie Database CSV as extra rules, in file order.
func parseOCD(file string, r io.Reader, orderBase int) (*ruleSet, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rs := newRuleSet()
	for row := 0; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &ruleError{file: file, line: pe.Line, msg: pe.Err.Error()}
			}
			return nil, &ruleError{file: file, msg: err.Error()}
		}
		if row == 0 && strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), "ID") {
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) < ocdColumns {
			return nil, &ruleError{file: file, line: line, msg: fmt.Sprintf("%d columns, want %d (ID, Platform, Category, Cookie / Data Key name, Domain, Description, Retention period, Data Controller, User Privacy & GDPR Rights Portals, Wildcard match)", len(rec), ocdColumns)}
		}
		p, ok := ocdPurpose(rec[ocdCategory])
		if !ok {
			return nil, &ruleError{file: file, line: line, msg: fmt.Sprintf("category %q is not one of Functional, Security, Preferences, Analytics, Marketing", rec[ocdCategory])}
		}
		name := strings.ToLower(strings.TrimSpace(rec[ocdName]))
		if name == "" {
			return nil, &ruleError{file: file, line: line, msg: "empty cookie name"}
		}
		e := &entry{order: orderBase + row, purpose: p, reason: ocdReason(rec[ocdPlatform], rec[ocdCategory], rec[ocdDescription]),
			evidence: cookie.EvidenceList, vendor: ocdVendor(rec[ocdPlatform], rec[ocdController])}
		if d := rec[ocdDomain]; plainDomain(d) {
			if t, ok := parseTie(d); ok {
				e.ties = []tie{t}
			}
		}
		switch strings.TrimSpace(rec[ocdWildcard]) {
		case "1", "true", "TRUE", "yes":
			e.glob = strings.ReplaceAll(strings.ReplaceAll(name, "*", ""), "?", "") + "*"
			rs.addPattern(e)
		default:
			rs.addExact(name, e)
		}
	}
	return rs, nil
}

// ocdReason is "Open Cookie Database: Hotjar, analytics: <the first
// sentence of the description, when short>".
func ocdReason(platform, category, desc string) string {
	r := "Open Cookie Database: "
	if p := strings.TrimSpace(platform); p != "" {
		r += p + ", "
	}
	r += strings.ToLower(strings.TrimSpace(category))
	desc = strings.TrimSpace(desc)
	if i := strings.IndexAny(desc, ".\n"); i >= 0 {
		desc = strings.TrimSpace(desc[:i])
	}
	if desc != "" && len(desc) <= 80 {
		r += ": " + strings.ToLower(desc[:1]) + desc[1:]
	}
	return r
}

// ocdVendor is the database's platform (the product) and data controller
// (the organisation), nil when the row names neither.
func ocdVendor(platform, controller string) *Vendor {
	platform, controller = strings.TrimSpace(platform), strings.TrimSpace(controller)
	if platform == "" {
		platform = controller
	}
	if platform == "" {
		return nil
	}
	if controller == "" {
		controller = platform
	}
	return &Vendor{Name: platform, Org: controller}
}

// parseOCDBytes is parseOCD over a byte slice.
func parseOCDBytes(file string, data []byte, orderBase int) (*ruleSet, error) {
	return parseOCD(file, bytes.NewReader(data), orderBase)
}
