package app

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Protections (docs/jar.md §Protections): what the command
// line's protect and the UI's protect key share.

// ProtectionRow is one protection with how many live cookies it covers now.
type ProtectionRow struct {
	jar.Protection
	Covers int
}

// ListProtections lists every protection (the rules file's first) with the
// number of live cookies each covers.
func ListProtections(ctx context.Context, j *jar.Jar) ([]ProtectionRow, error) {
	ps, covers, err := j.ProtectionCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ProtectionRow, len(ps))
	for i := range ps {
		out[i] = ProtectionRow{Protection: ps[i], Covers: covers[i]}
	}
	return out, nil
}

// SiteFilter is the protection of a whole site: "domain:example.com".
func SiteFilter(site string) (cookie.Filter, error) {
	return cookie.ParseFilter(`domain:` + quoteTerm(site))
}

// CookieFilter is the protection of one cookie, by domain, path and name
// (every source and container: the same cookie in every browser).
func CookieFilter(c *cookie.Cookie) (cookie.Filter, error) {
	return cookie.ParseFilter(`domain:` + quoteTerm(c.Host()) + ` name:` + quoteTerm(c.Name))
}

// quoteTerm quotes a filter argument that has spaces or quotes (a quote
// itself cannot be written inside a term and is dropped).
func quoteTerm(s string) string {
	s = strings.ReplaceAll(s, `"`, "")
	if strings.ContainsAny(s, " \t\r\n") || s == "" {
		return `"` + s + `"`
	}
	return s
}

// Suggestion is a site where the user is signed in: protecting it keeps the
// sign-in through every purge.
type Suggestion struct {
	Site     string    // registrable domain
	Filter   string    // the protection it suggests: domain:SITE
	Names    []string  // the sign-in cookies that show it, most recently used first
	LastUsed time.Time // the latest last-access of those cookies (zero: not recorded)
	// Protected is set when a protection covers every one of those cookies
	// already.
	Protected bool
}

// SuggestWindow is how recently a sign-in cookie must have been used
// (where the store records last access) to count.
const SuggestWindow = 30 * 24 * time.Hour

// Suggest finds the sites where the user is signed in, most recently used
// first: a site with a sign-in cookie (SignIn) that has not expired and was
// last used within SuggestWindow of now, where the store records it. cs
// may come from the jar or straight from a browser store; ProtectedBy must
// be set (the jar sets it) for Protected to be right.
func Suggest(cs []cookie.Cookie, now time.Time) []Suggestion {
	s := NewSuggester(now)
	for i := range cs {
		s.Add(&cs[i])
	}
	return s.Suggestions()
}

// Suggester is Suggest one cookie at a time, for a caller that streams the
// cookies rather than holding them (crumbs protect --suggest over a jar of
// a million reads only its session cookies, one by one). Only sign-in
// cookies (SignIn: purpose session) count, so a caller may read just those.
type Suggester struct {
	now    time.Time
	bySite map[string]*suggestAcc
	order  []string
}

type suggestAcc struct {
	s       Suggestion
	last    map[string]time.Time
	covered bool
}

// NewSuggester starts a suggestion as of now.
func NewSuggester(now time.Time) *Suggester {
	return &Suggester{now: now, bySite: map[string]*suggestAcc{}}
}

// Add counts c; it keeps nothing of c but its site and name. It never
// fails: the error makes it a callback of jar.Each.
func (g *Suggester) Add(c *cookie.Cookie) error {
	if !SignIn(c) || c.Expired(g.now) {
		return nil
	}
	if !c.LastAccessed.IsZero() && g.now.Sub(c.LastAccessed.Time()) > SuggestWindow {
		return nil
	}
	site := cookie.Site(c.Domain)
	a := g.bySite[site]
	if a == nil {
		f, err := SiteFilter(site)
		if err != nil {
			return nil
		}
		a = &suggestAcc{s: Suggestion{Site: site, Filter: f.String()}, last: map[string]time.Time{}, covered: true}
		g.bySite[site] = a
		g.order = append(g.order, site)
	}
	if t, ok := a.last[c.Name]; !ok || c.LastAccessed.Time().After(t) {
		a.last[c.Name] = c.LastAccessed.Time()
	}
	if c.LastAccessed.Time().After(a.s.LastUsed) {
		a.s.LastUsed = c.LastAccessed.Time()
	}
	if c.ProtectedBy == "" {
		a.covered = false
	}
	return nil
}

// Suggestions are the sites found, most recently used first.
func (g *Suggester) Suggestions() []Suggestion {
	out := make([]Suggestion, 0, len(g.order))
	for _, site := range g.order {
		a := g.bySite[site]
		for n := range a.last {
			a.s.Names = append(a.s.Names, n)
		}
		slices.SortFunc(a.s.Names, func(x, y string) int {
			if c := a.last[y].Compare(a.last[x]); c != 0 {
				return c
			}
			return strings.Compare(x, y)
		})
		a.s.Protected = a.covered
		out = append(out, a.s)
	}
	slices.SortStableFunc(out, func(x, y Suggestion) int {
		if c := y.LastUsed.Compare(x.LastUsed); c != 0 {
			return c
		}
		return strings.Compare(x.Site, y.Site)
	})
	return out
}

// SignIn reports whether c keeps someone signed in: its purpose is session
// (docs/purposes.md — not merely "ends with the browser session") and its name
// or the reason crumbs gave says sign-in, login or a session id. A CSRF
// token, a cart, a load-balancer or bot-protection cookie is session
// purpose too, but it does not mean anyone is signed in.
func SignIn(c *cookie.Cookie) bool {
	if c.Purpose != cookie.PurposeSession {
		return false
	}
	toks := nameTokens(c.Name)
	for _, t := range toks {
		if notSignInTokens[t] {
			return false
		}
	}
	for _, t := range toks {
		if signInTokens[t] || strings.HasSuffix(t, "token") || strings.HasSuffix(t, "session") {
			return true
		}
	}
	r := strings.ToLower(c.Reason)
	for _, w := range signInReasons {
		if strings.Contains(r, w) {
			return true
		}
	}
	return false
}

// signInTokens are name tokens that say sign-in or a session id
// (PHPSESSID, sessionid, user_session, auth_token, remember_me, JWT…);
// a word ending in "token" or "session" counts too.
var signInTokens = map[string]bool{
	"session": true, "sess": true, "sessid": true, "sessionid": true, "phpsessid": true,
	"jsessionid": true, "aspsessionid": true, "sid": true, "ssid": true, "auth": true,
	"authtoken": true, "login": true, "logged": true, "loggedin": true, "remember": true,
	"rememberme": true, "jwt": true, "sso": true, "identity": true,
}

// notSignInTokens mark cookies that are session purpose but no sign-in.
var notSignInTokens = map[string]bool{
	"csrf": true, "xsrf": true, "csrftoken": true, "cart": true, "basket": true,
	"checkout": true, "consent": true, "cdn": true, "lb": true,
}

// signInReasons are words of crumbs' reasons that name a sign-in ("Google
// account sign-in", "server session or login token", "PHP session id").
var signInReasons = []string{"sign-in", "sign in", "signed in", "login", "log in", "session id", "session or"}

// nameTokens splits a cookie name into lower-case words at punctuation and
// lower-to-upper case changes ("__Secure-next-auth.session-token" → secure
// next auth session token; "authToken" → auth token; "PHPSESSID" →
// phpsessid), plus each word with a trailing "id" cut off ("sessid" also
// gives "sess").
func nameTokens(name string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			w := strings.ToLower(string(cur))
			out = append(out, w)
			if base, ok := strings.CutSuffix(w, "id"); ok && len(base) > 2 {
				out = append(out, base)
			}
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}
