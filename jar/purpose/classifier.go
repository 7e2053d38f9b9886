// Package purpose tells what a cookie is for — session, personalization,
// tracking or unknown (docs/purposes.md) — with a reason a person understands and
// the evidence that decided it.
//
// Evidence, strongest first: the user's verdict (kept by the jar: a cookie
// whose VerdictBy is cookie.EvidenceUser is never touched here); the user's
// rules file, then an optional Open Cookie Database CSV; a known cookie name
// (a name tied to a domain beats the same name untied); a known name
// pattern; a clearly session-like name (session, auth, token, csrf…, so a
// login cookie is never called tracking because of where it lives); a known
// tracker domain, matched on the cookie's domain and its parents up to the
// registrable domain; the remaining heuristics from name tokens and
// attributes; then unknown.
//
// The built-in knowledge is knowledge.toml, crumbs' own data file, embedded
// and versioned. Version() changes with it and with the user's rules, and
// the jar re-classifies every cookie without a user verdict when it does.
//
// # Vendors
//
// Besides the purpose, the evidence names the product behind a cookie and
// the organisation that runs it, as data: Verdict(domain, name) and
// VerdictOf(cookie) return a Verdict whose Vendor and Org fields say
// "Google Analytics"/"Google", "Google Ads"/"Google", "Meta Pixel"/"Meta",
// "Microsoft Clarity"/"Microsoft", "Criteo"/"Criteo"…; VendorOf(domain,
// name) returns just the Vendor. The vendor is the one named by the rule
// that decided (the user's rules, a list the user brings, crumbs' names and
// patterns); when that rule names none, a cookie on a vendor's domain (or
// a subdomain of it) gets that vendor ("zz" on px.ads.linkedin.com is
// LinkedIn Insight Tag, Microsoft). Otherwise both are "" and a report
// groups the cookie by Site(domain), its registrable domain.
//
// The jar does not store vendors: a report asks the classifier again for
// each cookie (VendorOf or VerdictOf; about a microsecond each, so 100,000
// cookies take well under 0.2 s on one core). That keeps the jar's schema
// as it is, makes a knowledge update rename vendors without re-classifying
// and gives a cookie with the user's own verdict its vendor too. See
// docs/decisions.md.
package purpose

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"github.com/adrg/xdg"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

//go:embed knowledge.toml
var knowledgeTOML []byte

// Classifier decides cookie purposes. It is safe for concurrent use.
type Classifier struct {
	// load, when set (Default's classifier), fills builtin and signin
	// on the first classification: a command that never classifies (a
	// purge, an undo, the UI until it must) does not parse the knowledge.
	load    *sync.Once
	builtin *ruleSet
	signin  *ruleSet // crumbs' sign-in safety list (part of the built-in file)
	user    *ruleSet // rules.toml, may be nil
	lists   []*list  // lists the user brings, in the order given
	sites   *siteCache
	version string
	// knowledgeVersion is the built-in file's version field.
	knowledgeVersion string
}

// Options selects the user's own knowledge on top of the built-in one.
type Options struct {
	// RulesFile is a TOML rules file (see docs/purposes.md); "" for none.
	// A missing file is an error that satisfies errors.Is(err, fs.ErrNotExist),
	// so a caller passing DefaultRulesPath() can ignore that case. Its
	// lists = [...] entry names lists to load as well.
	RulesFile string
	// Lists are lists the user brings: an Open Cookie Database CSV, a
	// hosts file, a plain list of domains or an adblock list (its
	// ||domain^ rules). Earlier lists win among themselves.
	Lists []string
	// ExtraCSV is one more list (kept for callers that name an Open
	// Cookie Database CSV this way); "" for none.
	ExtraCSV string
}

var (
	builtinOnce sync.Once // parses the built-in knowledge: builtinSet
	builtinSet  *ruleSet
	defaultOnce sync.Once
	defaultCls  *Classifier
	versionOnce sync.Once
	builtinVer  string
)

// loadBuiltin parses the embedded knowledge (~30 ms: 180 KB of TOML).
func loadBuiltin() {
	rs, ver, err := parseRules("knowledge.toml (built in)", knowledgeTOML, true, 0, nil)
	if err != nil {
		// The embedded file is part of the program, not input: a broken
		// one is a build defect that the package tests catch.
		panic("purpose: " + err.Error())
	}
	if rs.signin == nil {
		panic("purpose: knowledge.toml has no [[signin]] entries")
	}
	if ver != KnowledgeVersion() {
		panic("purpose: knowledge.toml's version line is not where scanVersion looks")
	}
	builtinSet = rs
}

// scanVersion reads the version = "…" line before the knowledge file's
// first table, without parsing the rest: the version is what a jar
// compares to decide whether its purposes are current, and every command
// needs it, while few classify (TestScanVersion holds it to the parse).
func scanVersion(data []byte) string {
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			break
		}
		if rest, ok := strings.CutPrefix(line, "version"); ok {
			rest = strings.TrimSpace(rest)
			if rest, ok = strings.CutPrefix(rest, "="); ok {
				rest = strings.TrimSpace(rest)
				if len(rest) >= 2 && rest[0] == '"' && strings.IndexByte(rest[1:], '"') == len(rest)-2 {
					return rest[1 : len(rest)-1]
				}
			}
		}
	}
	return ""
}

// Preload starts parsing the built-in knowledge on another goroutine, for a
// caller with other work to do before it classifies: crumbs import reads
// the stores meanwhile (the parse is ~25 ms of its critical path,
// docs/decisions.md "The import's tracking list"). Whoever needs the
// knowledge first waits for it; calling Preload more than once is harmless.
func Preload() { go builtinOnce.Do(loadBuiltin) }

// Default returns the classifier with built-in knowledge only. It is built
// once and shared, and parses the knowledge when it first classifies.
func Default() *Classifier {
	defaultOnce.Do(func() {
		v := KnowledgeVersion()
		defaultCls = &Classifier{load: &sync.Once{}, sites: newSiteCache(), version: v, knowledgeVersion: v}
	})
	return defaultCls
}

// ready fills a lazy classifier's built-in knowledge.
func (c *Classifier) ready() {
	if c.load != nil {
		c.load.Do(func() {
			builtinOnce.Do(loadBuiltin)
			c.builtin, c.signin = builtinSet, builtinSet.signin
		})
	}
}

// KnowledgeVersion is the version of the embedded knowledge file.
func KnowledgeVersion() string {
	versionOnce.Do(func() { builtinVer = scanVersion(knowledgeTOML) })
	return builtinVer
}

// New returns a classifier with the built-in knowledge plus the user's
// rules and lists. A malformed file gives an error naming the file and
// the line; the caller can fall back to Default().
func New(opts Options) (*Classifier, error) {
	builtinOnce.Do(loadBuiltin)
	c := &Classifier{builtin: builtinSet, signin: builtinSet.signin, sites: newSiteCache(), knowledgeVersion: KnowledgeVersion()}
	h := sha256.New()
	var paths []string
	if opts.RulesFile != "" {
		data, err := os.ReadFile(opts.RulesFile)
		if err != nil {
			return nil, fmt.Errorf("rules file: %w", err)
		}
		rs, rf, err := parseRulesFile(opts.RulesFile, data, false, 0, builtinSet)
		if err != nil {
			return nil, err
		}
		c.user = rs
		h.Write([]byte("rules\x00"))
		h.Write(data)
		for _, l := range rf.Lists {
			paths = append(paths, listPath(opts.RulesFile, l))
		}
	}
	paths = append(paths, opts.Lists...)
	if opts.ExtraCSV != "" {
		paths = append(paths, opts.ExtraCSV)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("list: %w", err)
		}
		l, err := parseList(p, data)
		if err != nil {
			return nil, err
		}
		c.lists = append(c.lists, l)
		h.Write([]byte("\x00list\x00"))
		h.Write(data)
	}
	c.version = KnowledgeVersion()
	if c.user != nil || len(c.lists) > 0 {
		c.version += "+user." + hex.EncodeToString(h.Sum(nil))[:12]
	}
	return c, nil
}

// listPath resolves a rules file's lists entry: "~/" is the home folder, a
// relative path is relative to the rules file's folder.
func listPath(rulesFile, p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(rulesFile), p)
}

// DefaultRulesPath is where the user's rules live:
// $XDG_CONFIG_HOME/crumbs/rules.toml (the platform's config dir elsewhere).
func DefaultRulesPath() string {
	return filepath.Join(xdg.ConfigHome, "crumbs", "rules.toml")
}

// Version identifies the knowledge in use: the built-in version, plus a
// hash of the user's rules and CSV when there are any. The jar stores it
// and re-classifies when it changes.
func (c *Classifier) Version() string { return c.version }

// Classify sets ck.Purpose, ck.Reason and ck.VerdictBy. A cookie carrying
// the user's own verdict is left alone.
func (c *Classifier) Classify(ck *cookie.Cookie) {
	if ck.VerdictBy == cookie.EvidenceUser {
		return
	}
	v := c.decide(ck.Domain, ck.Name, ck)
	ck.Purpose, ck.Reason, ck.VerdictBy = v.purpose, v.reason, v.evidence
}

// Explain classifies a bare (domain, name) pair, as `crumbs classify`
// does: only evidence from the name and domain is used. domain may be ""
// (unknown), in which case rules tied to a domain still apply.
func (c *Classifier) Explain(domain, name string) (cookie.Purpose, string, cookie.Evidence) {
	v := c.decide(domain, name, nil)
	return v.purpose, v.reason, v.evidence
}

// Verdict is a classification with its evidence as data: what a cookie is
// for, why, which evidence decided, and the vendor behind it.
type Verdict struct {
	Purpose  cookie.Purpose
	Reason   string
	Evidence cookie.Evidence
	// Vendor is the product behind the cookie ("Google Analytics", "Meta
	// Pixel", "Criteo") and Org the organisation that runs it ("Google",
	// "Meta", "Criteo"). Both are "" when crumbs does not know one.
	Vendor string
	Org    string
}

// Vendor is a product behind cookies and the organisation that runs it.
// Org is never empty: a vendor that is its own organisation has its name.
type Vendor struct {
	Name string
	Org  string
}

// Verdict classifies a bare (domain, name) pair like Explain and adds the
// vendor (see VendorOf).
func (c *Classifier) Verdict(domain, name string) Verdict {
	return c.finish(domain, c.decide(domain, name, nil))
}

// VerdictOf classifies a whole cookie like Classify (attributes count) and
// adds the vendor, without changing ck. For a cookie carrying the user's
// verdict the purpose and reason are the user's and the vendor is still
// crumbs' own knowledge of the name and domain.
func (c *Classifier) VerdictOf(ck *cookie.Cookie) Verdict {
	if ck.VerdictBy == cookie.EvidenceUser {
		v := c.VendorOf(ck.Domain, ck.Name)
		return Verdict{Purpose: ck.Purpose, Reason: ck.Reason, Evidence: cookie.EvidenceUser, Vendor: v.Name, Org: v.Org}
	}
	return c.finish(ck.Domain, c.decide(ck.Domain, ck.Name, ck))
}

// VendorOf is the vendor behind a cookie: the vendor of the rule that
// decides it (the user's rules, a list the user brings, crumbs' own names
// and patterns), else the vendor owning the cookie's domain or a parent of
// it (crumbs' vendor domains, then the user's). The zero Vendor means none
// is known; a report then groups the cookie by Site(domain).
func (c *Classifier) VendorOf(domain, name string) Vendor {
	v := c.finish(domain, c.decide(domain, name, nil))
	return Vendor{Name: v.Vendor, Org: v.Org}
}

// Site is the registrable domain of a cookie domain (public suffix list:
// "www.example.co.uk" → "example.co.uk"); an IP address, localhost or a
// bare public suffix is its own site. Cached like the classifier's own
// lookups.
func (c *Classifier) Site(domain string) string {
	return c.sites.site(normalHost(domain))
}

// finish turns the internal verdict into a Verdict, filling the vendor
// from the domain when the deciding rule names none.
func (c *Classifier) finish(domain string, v verdict) Verdict {
	c.ready()
	out := Verdict{Purpose: v.purpose, Reason: v.reason, Evidence: v.evidence}
	vend := v.vendor
	if vend == nil {
		host := normalHost(domain)
		vend = c.builtin.domainVendor(host, c.sites)
		if vend == nil {
			vend = c.user.domainVendor(host, c.sites)
		}
	}
	if vend != nil {
		out.Vendor, out.Org = vend.Name, vend.Org
	}
	return out
}

// verdict is decide's result.
type verdict struct {
	purpose  cookie.Purpose
	reason   string
	evidence cookie.Evidence
	vendor   *Vendor
}

func (e *entry) verdict() verdict {
	return verdict{purpose: e.purpose, reason: e.reason, evidence: e.evidence, vendor: e.vendor}
}

// decide walks the evidence, strongest first (docs/purposes.md):
//
//  1. the user's rules file;
//  2. sign-in safety: crumbs' list of cookies that keep someone signed in;
//  3. crumbs' curated names, then patterns;
//  4. a name that says session, login, auth, CSRF… (sign-in safety by name);
//  5. names and patterns of the lists the user brings;
//  6. a name that says test/check (a cookie-support check) or opt-out;
//  7. crumbs' tracker domains, then the lists' domains;
//  8. the remaining heuristics; the fallback.
//
// Sign-in safety is then enforced on the result: whatever decided
// tracking, a cookie that the sign-in list names, or whose name says
// session and no curated vendor rule claimed, is session. Only a rule of
// the user's that names the cookie itself (not a whole domain) can call
// such a cookie tracking: the user asked for exactly that.
func (c *Classifier) decide(domain, name string, ck *cookie.Cookie) verdict {
	c.ready()
	host := normalHost(domain)
	name = strings.TrimSpace(name)
	if name == "" {
		return verdict{purpose: cookie.PurposeUnknown, reason: "no name", evidence: cookie.EvidenceNone}
	}
	var buf [128]byte
	var lname string
	if b, ok := lowerInto(buf[:], name); ok {
		lname = unsafeString(b)
	} else {
		lname = strings.ToLower(name)
	}
	pref := preferTied
	if host == "" {
		pref = preferUntied
	}

	if e := c.user.matchAny(host, name, lname, c.sites); e != nil {
		if e.purpose == cookie.PurposeTracking && e.domainOnly {
			if s, ok := c.signinSafe(host, name, lname, pref); ok {
				return s
			}
		}
		return e.verdict()
	}
	// Sign-in safety outranks every curated rule that would say
	// tracking; a curated rule that agrees (session) or says a choice
	// (personalization) keeps its more specific reason.
	// The sign-in list is consulted only when it could change the
	// outcome, which keeps the common known-name path one lookup.
	if e := c.builtin.matchExact(host, name, lname, c.sites, pref); e != nil {
		if e.purpose == cookie.PurposeTracking {
			if se := c.signinEntry(host, name, lname, pref); se != nil {
				return se.verdict()
			}
		}
		return e.verdict()
	}
	if e := c.builtin.matchPattern(host, name, lname, c.sites, pref); e != nil {
		if e.purpose == cookie.PurposeTracking {
			if se := c.signinEntry(host, name, lname, pref); se != nil {
				return se.verdict()
			}
		}
		// A vendor's catch-all prefix ("_dy*") does not outvote a name
		// that says session in the part the prefix does not cover
		// ("_dyjsession"): calling a session cookie tracking signs people
		// out. Vendor names that merely contain the word get a longer
		// pattern of their own ("_hjIncludedInSessionSample*").
		if e.purpose != cookie.PurposeSession && e.glob != "" {
			if rest, ok := catchAllRest(e.glob, lname); ok && sessionWord(rest) {
				return verdict{cookie.PurposeSession, "name says session (beyond the vendor prefix " + strings.TrimSuffix(e.glob, "*") + ")", cookie.EvidenceHeuristic, e.vendor}
			}
		}
		return e.verdict()
	}
	if se := c.signinEntry(host, name, lname, pref); se != nil {
		return se.verdict()
	}
	v := readName(name, lname)
	if v.session != "" {
		return verdict{purpose: cookie.PurposeSession, reason: v.session, evidence: cookie.EvidenceHeuristic}
	}
	for _, l := range c.lists {
		if e := l.rs.matchExact(host, name, lname, c.sites, pref); e != nil {
			return e.verdict()
		}
		if e := l.rs.matchPattern(host, name, lname, c.sites, pref); e != nil {
			return e.verdict()
		}
	}
	if v.test != "" {
		return verdict{purpose: cookie.PurposeSession, reason: v.test, evidence: cookie.EvidenceHeuristic}
	}
	if v.optout != "" {
		return verdict{purpose: cookie.PurposePersonalization, reason: v.optout, evidence: cookie.EvidenceHeuristic}
	}
	if e := c.builtin.matchDomain(host, c.sites); e != nil {
		return e.verdict()
	}
	for _, l := range c.lists {
		if e := l.rs.matchDomain(host, c.sites); e != nil {
			return e.verdict()
		}
	}
	if p, why, ok := heuristic(v, name, ck); ok {
		return verdict{purpose: p, reason: why, evidence: cookie.EvidenceHeuristic}
	}
	p, why, ev := fallback(name, ck)
	return verdict{purpose: p, reason: why, evidence: ev}
}

// signinEntry finds a sign-in safety entry for the cookie.
func (c *Classifier) signinEntry(host, name, lname string, pref preference) *entry {
	if e := c.signin.matchExact(host, name, lname, c.sites, pref); e != nil {
		return e
	}
	return c.signin.matchPattern(host, name, lname, c.sites, pref)
}

// signinSafe reports whether a cookie must not be called tracking because
// it keeps someone signed in: the sign-in list names it, or its name says
// session/login/auth/CSRF and no curated vendor rule says otherwise.
func (c *Classifier) signinSafe(host, name, lname string, pref preference) (verdict, bool) {
	if e := c.signinEntry(host, name, lname, pref); e != nil {
		return e.verdict(), true
	}
	// crumbs' own rule for the name decides: a vendor's tracking name
	// (Hotjar's _hjSession_…) stays tracking, anything else is not.
	e := c.builtin.matchExact(host, name, lname, c.sites, pref)
	if e == nil {
		e = c.builtin.matchPattern(host, name, lname, c.sites, pref)
	}
	if e != nil {
		return e.verdict(), e.purpose != cookie.PurposeTracking
	}
	if v := readName(name, lname); v.session != "" {
		return verdict{purpose: cookie.PurposeSession, reason: v.session + " (sign-in safety: never tracking)", evidence: cookie.EvidenceHeuristic}, true
	}
	return verdict{}, false
}

// Reasons of the last resort, when nothing about the name or the domain is
// known.
const (
	reasonOwnFunctional = "fallback (no evidence): no known tracker, vendor or telling name, so crumbs guesses the site's own functional cookie and keeps it"
	reasonNotAName      = "not a usual cookie name (spaces, separators or control characters): crumbs does not guess"
	reasonCrossSiteNone = "no known tracker or vendor, but it is sent to other sites (SameSite=None or partitioned): crumbs does not guess"
)

// fallback decides a cookie nothing is known about. Most such cookies are
// a site's own machinery (its framework, CMS, load balancer, feature
// flags): trackers are few vendors with known names and domains, which
// come earlier. So the guess is session, on the safe side: a purge of
// tracking never deletes it. A name that is not a cookie-name token, or a
// jar cookie built to be sent cross-site, stays unknown: there the guess
// would not be sensible.
func fallback(name string, ck *cookie.Cookie) (cookie.Purpose, string, cookie.Evidence) {
	if !tokenName(name) {
		return cookie.PurposeUnknown, reasonNotAName, cookie.EvidenceNone
	}
	if thirdPartyish(ck) {
		return cookie.PurposeUnknown, reasonCrossSiteNone, cookie.EvidenceNone
	}
	return cookie.PurposeSession, reasonOwnFunctional, cookie.EvidenceFallback
}

// tokenName reports whether name is a cookie-name token in the sense of
// RFC 6265 (printable ASCII without separators), with at least one letter
// or digit. Browsers accept more, but such names are not a site's usual
// cookies and the functional-cookie guess does not fit them.
func tokenName(name string) bool {
	alnum := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			alnum = true
		case c <= ' ' || c >= 0x7f:
			return false
		case strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0:
			return false
		}
	}
	return alnum
}

// normalHost turns a cookie domain into the lower-case host the rules
// match: no leading dot, no trailing dot.
func normalHost(d string) string {
	d = strings.TrimSpace(d)
	d = strings.TrimPrefix(d, ".")
	d = strings.TrimSuffix(d, ".")
	for i := 0; i < len(d); i++ {
		if c := d[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(d)
		}
	}
	return d
}

// unsafeString views b as a string without copying. Used only for the
// lower-cased name held in a stack buffer for the duration of one decide
// call; nothing keeps it.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// catchAllRest returns the part of lname after a pure-prefix glob
// ("_dy*"): ok is false for other globs.
func catchAllRest(glob, lname string) (string, bool) {
	if len(glob) < 2 || glob[len(glob)-1] != '*' || strings.ContainsAny(glob[:len(glob)-1], "*?") {
		return "", false
	}
	return lname[len(glob)-1:], true
}

// sessionWord reports whether s contains a word that only sessions use.
func sessionWord(s string) bool {
	return strings.Contains(s, "session") || strings.Contains(s, "sessid") || strings.Contains(s, "csrf") ||
		strings.Contains(s, "xsrf") || strings.Contains(s, "login") || strings.Contains(s, "auth")
}
