// Package gen generates realistic cookies for tests and benchmarks.
//
// The output is deterministic for a given seed and clock reading, so a test
// that fails can be replayed. The shapes follow what real browser stores
// hold: a few thousand registrable domains (www./sub. hosts, .co.uk, .com.au,
// A-label IDNs, rare IP and localhost hosts), analytics and advertising
// names, session ids, CSRF tokens, preference cookies, random application
// names, and values of every common shape (hex, base64, UUID, JWT-like, GA
// ids, empty, a few of several kilobytes).
//
// Importer packages add store writers (WriteFirefoxStore, WriteChromiumStore)
// in files of their own.
package gen

import (
	"encoding/base64"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Cookies returns n realistic cookies deterministically from seed, with
// expiries and creation times relative to now. Every cookie's Source is
// source and every identity (cookie.Cookie.Identity) is unique.
//
// About 15% are session cookies, about 3% have already expired, about 2%
// are partitioned (CHIPS). Purpose, Reason and VerdictBy are left empty: the
// classifier decides them. Times are UTC; Expires has whole seconds, the
// other times microseconds (what browsers store).
func Cookies(n int, seed int64, now time.Time, source string) []cookie.Cookie {
	if n <= 0 {
		return nil
	}
	g := newGenerator(seed, now, n)
	out := make([]cookie.Cookie, 0, n)
	seen := make(map[cookie.Identity]struct{}, n)
	for len(out) < n {
		c := g.cookie(source)
		id := c.Identity()
		if _, dup := seen[id]; dup {
			// Keep the shape, change the name: append a short counter so the
			// prefix rules (__Host-, __Secure-) still hold.
			for i := 2; ; i++ {
				c.Name = c.Name + "_" + strconv.Itoa(i)
				id = c.Identity()
				if _, dup := seen[id]; !dup {
					break
				}
				c.Name = c.Name[:strings.LastIndexByte(c.Name, '_')]
			}
		}
		seen[id] = struct{}{}
		out = append(out, c)
	}
	return out
}

type site struct {
	registrable string // "example.co.uk"
	popularity  int    // relative weight
}

type generator struct {
	r     *rand.Rand
	now   time.Time
	sites []site
	cum   []int // cumulative popularity for weighted picks
	total int
}

var tlds = []struct {
	tld    string
	weight int
}{
	{"com", 50}, {"net", 6}, {"org", 6}, {"io", 4}, {"de", 5}, {"co.uk", 5},
	{"com.au", 2}, {"fr", 3}, {"jp", 1}, {"co.jp", 1}, {"nl", 2}, {"it", 1},
	{"es", 1}, {"ca", 1}, {"com.br", 1}, {"dev", 1}, {"app", 1}, {"tv", 1},
	{"ru", 1}, {"pl", 1}, {"ch", 1}, {"se", 1}, {"info", 1}, {"co", 1},
}

// wellKnown are the domains that appear in most real jars.
var wellKnown = []string{
	"google.com", "doubleclick.net", "youtube.com", "facebook.com",
	"github.com", "amazon.com", "bing.com", "linkedin.com", "twitter.com",
	"x.com", "reddit.com", "wikipedia.org", "stackoverflow.com",
	"cloudflare.com", "hotjar.com", "bbc.co.uk", "abc.net.au",
	"googleadservices.com", "adnxs.com", "criteo.com", "yahoo.co.jp",
	"xn--mnchen-3ya.de", "xn--80ak6aa92e.com",
}

var syllables = []string{
	"ka", "lo", "mi", "ra", "to", "ne", "su", "vi", "ba", "de", "fo", "gu",
	"ha", "ji", "ku", "li", "mo", "nu", "pa", "qui", "ro", "sa", "te", "ul",
	"ve", "wa", "xo", "yu", "ze", "tech", "shop", "news", "cloud", "data",
	"net", "hub", "bank", "pay", "media", "play", "go", "my", "web", "app",
}

func newGenerator(seed int64, now time.Time, n int) *generator {
	g := &generator{
		r:   rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		now: now.UTC(),
	}
	nsites := n/25 + 1
	if nsites > 4000 {
		nsites = 4000
	}
	tldTotal := 0
	for _, t := range tlds {
		tldTotal += t.weight
	}
	used := map[string]bool{}
	add := func(d string, pop int) {
		if used[d] {
			return
		}
		used[d] = true
		g.sites = append(g.sites, site{d, pop})
	}
	for i, d := range wellKnown {
		if len(g.sites) >= nsites {
			break
		}
		add(d, 40-i)
	}
	for len(g.sites) < nsites {
		var b strings.Builder
		k := 2 + g.r.IntN(3)
		for j := 0; j < k; j++ {
			b.WriteString(syllables[g.r.IntN(len(syllables))])
		}
		if g.r.IntN(10) == 0 {
			b.WriteByte('-')
			b.WriteString(syllables[g.r.IntN(len(syllables))])
		}
		if g.r.IntN(15) == 0 {
			b.WriteString(strconv.Itoa(g.r.IntN(100)))
		}
		pick := g.r.IntN(tldTotal)
		for _, t := range tlds {
			if pick < t.weight {
				b.WriteByte('.')
				b.WriteString(t.tld)
				break
			}
			pick -= t.weight
		}
		// Zipf-like popularity: a few big sites, a long tail.
		add(b.String(), 1+int(20/(1+g.r.Float64()*40)))
	}
	g.cum = make([]int, len(g.sites))
	for i, s := range g.sites {
		g.total += s.popularity
		g.cum[i] = g.total
	}
	return g
}

func (g *generator) pickSite() string {
	x := g.r.IntN(g.total)
	lo, hi := 0, len(g.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return g.sites[lo].registrable
}

var subdomains = []string{"www", "www", "www", "accounts", "app", "api", "m", "shop", "login", "mail", "static", "news", "auth", "my"}

var paths = []string{"/", "/", "/", "/", "/", "/", "/", "/", "/app", "/account", "/api/v1", "/shop/cart", "/wp-admin", "/en"}

// nameKind tells what shape a name is, so flags and values follow it.
type nameKind int

const (
	kindTracking nameKind = iota
	kindSession
	kindCSRF
	kindPref
	kindApp
)

var trackingNames = []string{
	"_ga", "_gid", "_gat", "_gcl_au", "_fbp", "_fbc", "__utma", "__utmb",
	"__utmc", "__utmz", "IDE", "test_cookie", "NID", "1P_JAR", "_uetsid",
	"_uetvid", "_hjid", "_clck", "_clsk", "MUID", "ajs_anonymous_id",
	"_pin_unauth", "_tt_enable_cookie", "_ttp", "__qca", "uuid2", "anj",
	"personalization_id", "guest_id", "bcookie", "lidc", "YSC", "VISITOR_INFO1_LIVE",
}

var sessionNames = []string{
	"PHPSESSID", "JSESSIONID", "sessionid", "session", "sid", "connect.sid",
	"ASP.NET_SessionId", "laravel_session", "_session_id", "auth_token",
	"access_token", "refresh_token", "remember_me", "user_session",
	"__Host-session", "__Secure-next-auth.session-token", "__Host-GAPS",
	"SSID", "SID", "HSID", "__Secure-3PSID", "logged_in", "_gh_sess",
}

var csrfNames = []string{"csrftoken", "XSRF-TOKEN", "_csrf", "csrf_token", "__Host-csrf", "_xsrf"}

var prefNames = []string{
	"lang", "theme", "locale", "tz", "currency", "cookie_consent",
	"CookieConsent", "OptanonConsent", "OptanonAlertBoxClosed", "euconsent-v2",
	"dark_mode", "PREF", "region", "country", "font_size", "sidebar",
}

var appWords = []string{"cart", "user", "pref", "ab", "exp", "flag", "seen", "banner", "promo", "last", "view", "hint", "tour", "notice", "id", "state", "feature", "variant"}

func (g *generator) pct(p int) bool { return g.r.IntN(1000) < p*10 }

func (g *generator) cookie(source string) cookie.Cookie {
	c := cookie.Cookie{Source: source, Encryption: cookie.EncPlain}
	reg, host, special := g.host()
	kind := g.name(&c)
	g.scope(&c, reg, host, special)
	g.flags(&c, kind, host, special)
	c.Value = g.value(kind, c.Name)
	g.times(&c)
	// CHIPS: partitioned cookies are Secure and keyed to another top-level site.
	if !special && g.pct(2) {
		top := g.pickSite()
		c.Partition = cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://" + top, CrossSiteAncestor: g.pct(20)})
		c.Secure = true
		c.SameSite = cookie.SameSiteNone
	}
	return c
}

// host picks a registrable domain and a host in it: mostly the domain or a
// subdomain, sometimes localhost or an IP address (special).
func (g *generator) host() (reg, host string, special bool) {
	reg = g.pickSite()
	host = reg
	switch x := g.r.IntN(1000); {
	case x < 4:
		host = "localhost"
	case x < 8:
		host = "192.168." + strconv.Itoa(g.r.IntN(256)) + "." + strconv.Itoa(1+g.r.IntN(254))
	case x < 10:
		host = "2001:db8::" + strconv.FormatInt(int64(1+g.r.IntN(0xfff)), 16)
	case x < 500:
		host = subdomains[g.r.IntN(len(subdomains))] + "." + reg
	}
	ip := strings.ContainsAny(host, ":") || host[0] >= '0' && host[0] <= '9'
	special = ip || host == "localhost"

	return reg, host, special
}

// name gives c a name of some kind.
func (g *generator) name(c *cookie.Cookie) nameKind {
	var kind nameKind
	switch x := g.r.IntN(100); {
	case x < 40:
		kind = kindTracking
		switch y := g.r.IntN(10); {
		case y < 2:
			c.Name = "_ga_" + g.upperAlnum(10)
		case y < 3:
			c.Name = "_hjSessionUser_" + strconv.Itoa(100000+g.r.IntN(900000))
		default:
			c.Name = trackingNames[g.r.IntN(len(trackingNames))]
		}
	case x < 60:
		kind = kindSession
		c.Name = sessionNames[g.r.IntN(len(sessionNames))]
	case x < 67:
		kind = kindCSRF
		c.Name = csrfNames[g.r.IntN(len(csrfNames))]
	case x < 82:
		kind = kindPref
		c.Name = prefNames[g.r.IntN(len(prefNames))]
	default:
		kind = kindApp
		c.Name = appWords[g.r.IntN(len(appWords))] + "_" + appWords[g.r.IntN(len(appWords))]
		if g.pct(30) {
			c.Name += strconv.Itoa(g.r.IntN(1000))
		}
	}

	return kind
}

// scope makes c host-only or a domain cookie, consistent with the leading dot.
func (g *generator) scope(c *cookie.Cookie, reg, host string, special bool) {
	c.Path = paths[g.r.IntN(len(paths))]
	if special || g.pct(45) {
		c.HostOnly = true
		c.Domain = host
	} else {
		c.HostOnly = false
		if g.pct(70) {
			c.Domain = "." + reg
		} else {
			c.Domain = "." + host
		}
	}

}

// flags sets Secure, HttpOnly and SameSite as sites do, and the prefix rules.
func (g *generator) flags(c *cookie.Cookie, kind nameKind, host string, special bool) {
	c.Secure = !special && g.pct(80)
	switch kind {
	case kindSession, kindCSRF:
		c.HTTPOnly = kind == kindSession && g.pct(85)
	default:
		c.HTTPOnly = g.pct(8)
	}
	switch x := g.r.IntN(100); {
	case x < 30:
		c.SameSite = cookie.SameSiteUnspecified
	case x < 65:
		c.SameSite = cookie.SameSiteLax
	case x < 90:
		c.SameSite = cookie.SameSiteNone
		c.Secure = c.Secure || !special // browsers require Secure for None
	default:
		c.SameSite = cookie.SameSiteStrict
	}
	if strings.HasPrefix(c.Name, "__Host-") {
		if special {
			c.Name = strings.TrimPrefix(c.Name, "__Host-")
		} else {
			c.Secure, c.HostOnly, c.Domain, c.Path = true, true, host, "/"
		}
	}
	if strings.HasPrefix(c.Name, "__Secure-") {
		if special {
			c.Name = strings.TrimPrefix(c.Name, "__Secure-")
		} else {
			c.Secure = true
		}
	}

}

// times: created within the last 400 days, accessed and updated since;
// session, expired or persistent.
func (g *generator) times(c *cookie.Cookie) {
	created := g.now.Add(-time.Duration(g.r.Int64N(int64(400 * 24 * time.Hour)))).Truncate(time.Microsecond)
	c.Created = cookie.TimeOf(created)
	span := g.now.Sub(created)
	c.LastAccessed = cookie.TimeOf(created.Add(time.Duration(g.r.Int64N(int64(span) + 1))).Truncate(time.Microsecond))
	c.LastUpdated = cookie.TimeOf(created.Add(time.Duration(g.r.Int64N(int64(c.LastAccessed.Time().Sub(created)) + 1))).Truncate(time.Microsecond))

	switch x := g.r.IntN(100); {
	case x < 15:
		c.Session = true
	case x < 18:
		c.Expires = cookie.TimeOf(g.now.Add(-time.Duration(1 + g.r.Int64N(int64(30*24*time.Hour)))).Truncate(time.Second))
	default:
		c.Expires = cookie.TimeOf(g.now.Add(time.Duration(int64(time.Hour) + g.r.Int64N(int64(400*24*time.Hour)))).Truncate(time.Second))
	}

}

const hexDigits = "0123456789abcdef"
const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func (g *generator) hex(n int) string {
	b := make([]byte, n)
	for i := 0; i < n; {
		x := g.r.Uint64()
		for j := 0; j < 16 && i < n; j++ {
			b[i] = hexDigits[x&15]
			x >>= 4
			i++
		}
	}
	return string(b)
}

func (g *generator) upperAlnum(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[g.r.IntN(len(alnum))]
	}
	return string(b)
}

func (g *generator) bytes(n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; {
		x := g.r.Uint64()
		for j := 0; j < 8 && i < n; j++ {
			b[i] = byte(x)
			x >>= 8
			i++
		}
	}
	return b
}

func (g *generator) uuid() string {
	h := g.hex(32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

func (g *generator) jwt() string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := enc.EncodeToString([]byte(`{"sub":"` + strconv.Itoa(g.r.IntN(1e7)) +
		`","iat":` + strconv.FormatInt(g.now.Unix()-g.r.Int64N(86400*30), 10) + `}`))
	return header + "." + payload + "." + enc.EncodeToString(g.bytes(32))
}

var prefValues = map[string][]string{
	"lang":     {"en", "en-US", "de", "fr-FR", "ja", "pt-BR"},
	"locale":   {"en_US", "de_DE", "fr_FR", "es_ES"},
	"theme":    {"dark", "light", "auto"},
	"tz":       {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"},
	"currency": {"EUR", "USD", "GBP", "JPY"},
}

func (g *generator) value(kind nameKind, name string) string {
	if g.pct(2) {
		return ""
	}
	if g.r.IntN(200) == 0 {
		// A long value, 1–4 KB, like a serialised state blob.
		return base64.StdEncoding.EncodeToString(g.bytes(768 + g.r.IntN(2304)))
	}
	switch {
	case strings.HasPrefix(name, "_ga"):
		return "GA1.2." + strconv.Itoa(100000000+g.r.IntN(900000000)) + "." + strconv.FormatInt(g.now.Unix()-g.r.Int64N(86400*400), 10)
	case name == "_gid":
		return "GA1.2." + strconv.Itoa(100000000+g.r.IntN(900000000)) + "." + strconv.FormatInt(g.now.Unix()-g.r.Int64N(86400), 10)
	case name == "_fbp":
		return "fb.1." + strconv.FormatInt(g.now.UnixMilli()-g.r.Int64N(86400e3*90), 10) + "." + strconv.Itoa(g.r.IntN(1e9))
	case strings.HasPrefix(name, "__utm"):
		return strconv.Itoa(g.r.IntN(1e9)) + "." + strconv.Itoa(g.r.IntN(1e9)) + "." + strconv.FormatInt(g.now.Unix(), 10) + ".1.1.1"
	}
	if vs, ok := prefValues[name]; ok {
		return vs[g.r.IntN(len(vs))]
	}
	switch kind {
	case kindSession:
		switch g.r.IntN(4) {
		case 0:
			return g.hex(32)
		case 1:
			return g.jwt()
		case 2:
			return base64.StdEncoding.EncodeToString(g.bytes(24 + g.r.IntN(48)))
		default:
			return "s%3A" + g.upperAlnum(24) + "." + base64.RawStdEncoding.EncodeToString(g.bytes(32))
		}
	case kindCSRF:
		return g.hex(64)
	case kindPref:
		switch g.r.IntN(3) {
		case 0:
			return "1"
		case 1:
			return "true"
		default:
			return "isGpcEnabled=0&datestamp=" + g.now.Format("Mon+Jan+02+2006") + "&version=202301.1.0"
		}
	case kindTracking:
		switch g.r.IntN(3) {
		case 0:
			return g.uuid()
		case 1:
			return g.hex(16 + g.r.IntN(24))
		default:
			return strings.ToUpper(g.hex(32))
		}
	default:
		switch g.r.IntN(4) {
		case 0:
			return strconv.Itoa(g.r.IntN(100000))
		case 1:
			return g.uuid()
		case 2:
			return `{"v":` + strconv.Itoa(g.r.IntN(9)) + `,"seen":true}`
		default:
			return g.hex(12)
		}
	}
}

// Hostile returns cookies whose strings try to hurt whoever displays,
// exports or parses them: ANSI escape sequences, control characters, NUL,
// invalid UTF-8, a 4 KB value, right-to-left overrides, wide CJK and emoji,
// a name with '=' and ';', and an empty name. Use them in UI and security
// tests. Identities are unique; expiries are far in the future (2038).
func Hostile() []cookie.Cookie {
	exp := time.Date(2038, 1, 1, 0, 0, 0, 0, time.UTC)
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(domain, name, value string) cookie.Cookie {
		return cookie.Cookie{
			Source: "file:hostile.txt", Domain: domain, HostOnly: !strings.HasPrefix(domain, "."),
			Path: "/", Name: name, Value: value, Expires: cookie.TimeOf(exp), Created: cookie.TimeOf(created),
			LastAccessed: cookie.TimeOf(created), Encryption: cookie.EncPlain,
		}
	}
	long := strings.Repeat("A", 4096)
	return []cookie.Cookie{
		mk(".evil.example", "ansi", "\x1b[2J\x1b[31mRED\x1b[0m"),
		mk(".evil.example", "\x1b]0;pwned\x07title", "osc"),
		mk(".evil.example", "osc52", "\x1b]52;c;ZWNobyBwd25lZA==\x07"),
		mk("evil.example", "ctrl", "a\tb\rc\nd\x00e\x7f"),
		mk("evil.example", "bell\x07", "\x08\x08\x08backspace"),
		mk(".evil.example", "long", long),
		mk(".evil.example", "rtl", "\u202egnp.exe"),
		mk("\u202eelpmaxe.live", "rtl-domain", "x"),
		mk(".例え.テスト", "クッキー", "値が広い文字です"),
		mk(".evil.example", "emoji", "🍪🍪🍪👩‍👩‍👧"),
		mk(".evil.example", "badutf8", "\xff\xfe\xc3\x28"),
		mk(".evil.example", "semi;colon=eq", "v;w=x"),
		mk(".evil.example", "", "nameless"),
		mk("evil.example\x1b[0m", "esc-domain", "x"),
		mk(".evil.example", "path", "x"),
		{Source: "file:hostile.txt", Domain: "evil.example", HostOnly: true, Path: "/\x1b[1m/../", Name: "esc-path", Value: "x", Session: true, Encryption: cookie.EncPlain},
	}
}
