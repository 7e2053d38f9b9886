package purpose

import (
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Heuristics look at what a cookie's name says about itself (its tokens:
// "user_session", "authToken", "ui-lang") and, when a whole cookie is at
// hand, at its attributes and the shape of its value. They come last in
// the evidence order, with one exception: a clearly session-like name is
// decided before tracker-domain evidence (see Classifier), because calling
// a login cookie tracking signs people out.

type tokenClass uint8

const (
	tokNone tokenClass = iota
	tokSession
	tokPersonal
	tokTracking
	tokIdentifier // uid, guid, …: tracking only on a third-party-ish cookie
	tokTest       // test, check: a cookie that checks cookies work
	tokFunctional // version, feature, flag, state…: the site's own machinery
)

type tokenInfo struct {
	class  tokenClass
	reason string
}

var tokenTable = func() map[string]tokenInfo {
	m := map[string]tokenInfo{}
	add := func(class tokenClass, why string, words ...string) {
		for _, w := range words {
			m[w] = tokenInfo{class, strings.ReplaceAll(why, "%s", w)}
		}
	}
	add(tokSession, `name says "%s": a session or login cookie`,
		"session", "sessions", "sess", "sessid", "sessionid", "sessiontoken", "sid", "ssid", "jsessionid",
		"auth", "authn", "authz", "authtoken", "authenticated", "authentication", "token", "tokens",
		"accesstoken", "refreshtoken", "idtoken", "jwt", "bearer", "oauth", "oidc", "saml", "sso",
		"login", "logged", "loggedin", "signin", "logon", "remember", "rememberme", "credentials",
		"mfa", "otp", "twofactor", "passkey", "nonce", "pkce", "verifier", "txn", "transaction")
	add(tokSession, `name says "%s": it keeps what you typed into a form`,
		"form", "formdata", "draft")
	add(tokSession, `name says "%s": it protects forms against forgery (CSRF)`,
		"csrf", "xsrf", "csrftoken", "xsrftoken", "antiforgery", "antixsrf", "authenticity")
	add(tokSession, `name says "%s": it keeps your cart or checkout`,
		"cart", "basket", "checkout", "bag", "wishlist")
	add(tokSession, `name says "%s": load-balancer or server affinity`,
		"affinity", "sticky", "route", "routeid", "serverid", "backend", "balancer", "lb", "lbid", "node", "pool", "shard")
	add(tokSession, `name says "%s": bot or fraud protection`,
		"captcha", "recaptcha", "hcaptcha", "challenge", "bot", "botprotection", "waf", "fraud", "antibot")
	add(tokPersonal, `name says "%s": a language or region choice`,
		"lang", "language", "languages", "locale", "i18n", "l10n", "country", "region", "currency", "curr",
		"tz", "timezone", "units", "geo", "location", "city", "zip", "postcode", "market", "lcid", "culture")
	add(tokPersonal, `name says "%s": a display preference`,
		"theme", "themes", "dark", "darkmode", "colormode", "color", "colour", "scheme", "font", "fontsize",
		"layout", "view", "viewmode", "sort", "sorting", "zoom", "contrast", "accessibility", "a11y",
		"sidebar", "collapsed", "expanded", "density", "display", "skin", "mode")
	add(tokPersonal, `name says "%s": a stored preference`,
		"pref", "prefs", "preference", "preferences", "settings", "setting", "options", "favorites",
		"favourites", "remembered")
	add(tokPersonal, `name says "%s": your answer to a cookie banner`,
		"consent", "consents", "gdpr", "ccpa", "cookieconsent", "cookielaw", "cookiebanner", "cookienotice",
		"optout", "optin", "privacy", "agreed", "accepted", "dnt", "donottrack", "gpc")
	add(tokPersonal, `name says "%s": a message or banner you dismissed`,
		"notice", "banner", "dismissed", "dismiss", "closed", "hide", "hidden", "popup", "disclaimer", "announcement")
	add(tokTracking, `name says "%s": analytics or advertising`,
		"track", "tracking", "tracker", "trk", "visitor", "visitorid", "visit", "visits", "utm", "utmz",
		"campaign", "gclid", "fbclid", "msclkid", "dclid", "clickid", "click",
		"pixel", "ad", "ads", "adid", "advert", "advertising", "retarget", "retargeting", "remarketing",
		"analytics", "stats", "stat", "statistics", "metrics", "counter", "pageview", "pageviews", "hits",
		"fingerprint", "segment", "audience", "cohort", "attribution", "conversion", "affiliate", "aff",
		"firstvisit", "lastvisit", "newvisitor", "returning", "landing", "landingpage", "impression",
		"impressions", "beacon", "telemetry", "marketing", "ga", "gtm", "gtag", "fbp", "fbc")
	add(tokTracking, `name says "%s": an A/B test bucket`,
		"ab", "abtest", "abtesting", "experiment", "experiments", "variant", "variation", "bucket", "split", "exp")
	add(tokIdentifier, `name says "%s": an identifier`,
		"uid", "uuid", "guid", "cid", "vid", "anon", "anonymous", "anonid", "deviceid", "device", "browserid", "id", "user", "userid")
	add(tokFunctional, `name says "%s": part of the site's own machinery`,
		"version", "ver", "build", "release", "config", "feature", "features", "flag", "flags", "toggle",
		"enabled", "disabled", "state", "status", "flow", "step", "portal", "app", "api", "push", "http2",
		"cache", "cached", "upload", "player", "editor", "ui", "cdn", "env", "tenant", "workspace", "redirect",
		"returnurl", "callback", "maintenance", "csp")
	add(tokFunctional, `name says "%s": the site remembers what you looked at`,
		"recently", "viewed", "lastviewed", "compare", "compared")
	add(tokTest, `name says "%s": checks whether cookies can be set`,
		"test", "tests", "check", "chk", "testcookie", "cookietest", "probe")
	return m
}()

// optoutWords mark a stored privacy choice. It is decided before tracker
// domains: deleting an opt-out cookie on an ad domain turns the ads back on.
var optoutWords = map[string]bool{"optout": true, "consent": true, "consents": true, "gdpr": true, "ccpa": true,
	"dnt": true, "donottrack": true, "gpc": true, "cookieconsent": true}

// cookieWords and consentCategories together mark a stored consent choice.
var cookieWords = map[string]bool{"cookie": true, "cookies": true, "ckies": true, "cookielaw": true, "cookieconsent": true, "cookiepolicy": true}

var consentCategories = map[string]bool{"functional": true, "functionality": true, "performance": true, "analytics": true,
	"analytical": true, "marketing": true, "necessary": true, "essential": true, "preferences": true, "preference": true,
	"statistics": true, "statistic": true, "stats": true, "social": true, "advertising": true, "advertisement": true,
	"targeting": true, "level": true, "categories": true, "category": true, "media": true, "thirdparty": true}

const reasonConsentCategory = "name pairs \"cookie\" with a category: your cookie-banner choice"

// stems are substrings that decide a name even inside one long token
// ("phpsessid", "usersession", "xsrftoken").
var sessionStems = []struct{ stem, reason string }{
	{"session", `name says "session": a session cookie`},
	{"sessid", `name says "sessid": a session id`},
	{"csrf", `name says "csrf": it protects forms against forgery`},
	{"xsrf", `name says "xsrf": it protects forms against forgery`},
	{"login", `name says "login": a login cookie`},
	{"authtoken", `name says "auth token": a login token`},
	{"accesstoken", `name says "access token": a login token`},
	{"antiforgery", `name says "antiforgery": it protects forms against forgery`},
}

// optoutStems mark a stored privacy choice inside a longer name.
var optoutStems = []struct{ stem, reason string }{
	{"optout", `name says "opt out": your privacy choice`},
	{"opt_out", `name says "opt out": your privacy choice`},
	{"opt-out", `name says "opt out": your privacy choice`},
	{"opt.out", `name says "opt out": your privacy choice`},
	{"donottrack", `name says "do not track": your privacy choice`},
	{"consent", `name says "consent": your answer to a cookie banner`},
}

var personalStems = []struct{ stem, reason string }{
	{"consent", `name says "consent": your answer to a cookie banner`},
	{"cookielaw", `name says "cookie law": your answer to a cookie banner`},
	{"cookienotice", `name says "cookie notice": your answer to a cookie banner`},
	{"language", `name says "language": a language choice`},
	{"locale", `name says "locale": a language or region choice`},
	{"currency", `name says "currency": a currency choice`},
	{"timezone", `name says "timezone": a time zone choice`},
	{"theme", `name says "theme": a display preference`},
}

var trackingStems = []struct{ stem, reason string }{
	{"track", `name says "track": analytics or advertising`},
	{"visitor", `name says "visitor": a visitor identifier for analytics`},
	{"analytics", `name says "analytics": analytics`},
	{"utm", `name says "utm": campaign tracking`},
	{"pixel", `name says "pixel": an advertising pixel`},
	{"clickid", `name says "click id": ad click attribution`},
	{"experiment", `name says "experiment": an A/B test bucket`},
}

// nameTokens splits a cookie name at separators, lower→upper case changes
// and letter/digit changes, into at most len(out) tokens (start, end).
func nameTokens(name string, out *[16][2]int) int {
	n := 0
	start := -1
	kind := func(c byte) int {
		switch {
		case c >= 'a' && c <= 'z':
			return 1
		case c >= 'A' && c <= 'Z':
			return 2
		case c >= '0' && c <= '9':
			return 3
		}
		return 0
	}
	prev := 0
	for i := 0; i <= len(name); i++ {
		k := 0
		if i < len(name) {
			k = kind(name[i])
		}
		boundary := k == 0 || start < 0 ||
			(prev == 1 && k == 2) || // camelCase
			((prev == 3) != (k == 3)) // digits apart
		// "XMLHttp": an upper followed by upper then lower starts a token
		// at the last upper; good enough to treat runs of uppers as one.
		if boundary && start >= 0 {
			if n < len(out) {
				out[n] = [2]int{start, i}
				n++
			}
			start = -1
		}
		if k != 0 && start < 0 {
			start = i
		}
		prev = k
	}
	return n
}

// lowerInto lower-cases s into buf (ASCII), returning the lowered bytes;
// ok is false when buf is too small.
func lowerInto(buf []byte, s string) ([]byte, bool) {
	if len(s) > len(buf) {
		return nil, false
	}
	b := buf[:len(s)]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b, true
}

// nameVerdict is what the name's tokens say.
type nameVerdict struct {
	session, personal, tracking, ident, test string // reasons; "" when silent
	functional                               string // the site's machinery: version, feature, state…
	optout                                   string // an opt-out or consent choice
	consent                                  bool   // "cookie" + a consent category
	// trackingWeak: the tracking reason comes only from a word found
	// inside a longer token ("PortalAnalytics" is one token, "analytics"
	// a stem of it), not from a token of its own.
	trackingWeak bool
}

func readName(name, lname string) nameVerdict {
	var v nameVerdict
	var toks [16][2]int
	var buf [64]byte
	n := nameTokens(name, &toks)
	cookieWord, category := false, false
	for i := 0; i < n; i++ {
		t, ok := lowerInto(buf[:], name[toks[i][0]:toks[i][1]])
		if !ok {
			continue
		}
		if cookieWords[string(t)] {
			cookieWord = true
		}
		if consentCategories[string(t)] {
			category = true
		}
		info, found := tokenTable[string(t)]
		if !found {
			if len(t) > 4 && string(t[:4]) == "auth" && (len(t) < 6 || string(t[:6]) != "author") {
				info, found = tokenInfo{tokSession, `name says "auth": a login cookie`}, true
			} else {
				continue
			}
		}
		switch info.class {
		case tokTest:
			if v.test == "" {
				v.test = info.reason
			}
		case tokSession:
			if v.session == "" {
				v.session = info.reason
			}
		case tokPersonal:
			if v.personal == "" {
				v.personal = info.reason
			}
			if v.optout == "" && optoutWords[string(t)] {
				v.optout = info.reason
			}
		case tokTracking:
			if v.tracking == "" {
				v.tracking = info.reason
			}
		case tokIdentifier:
			if v.ident == "" {
				v.ident = info.reason
			}
		case tokFunctional:
			if v.functional == "" {
				v.functional = info.reason
			}
		}
	}
	// "cookies-functional", "COOKIELAW_STATS": the category words would
	// otherwise read as analytics.
	v.consent = cookieWord && category
	if v.optout == "" {
		// "GA_OPT_OUT", "ab.optOut", "pubconsent1": an opt-out or consent
		// choice spelled across tokens or inside one.
		for _, s := range optoutStems {
			if strings.Contains(lname, s.stem) {
				v.optout = s.reason
				break
			}
		}
	}
	if v.session == "" {
		for _, s := range sessionStems {
			if strings.Contains(lname, s.stem) {
				v.session = s.reason
				break
			}
		}
	}
	if v.personal == "" {
		for _, s := range personalStems {
			if strings.Contains(lname, s.stem) {
				v.personal = s.reason
				break
			}
		}
	}
	if v.tracking == "" {
		for _, s := range trackingStems {
			if strings.Contains(lname, s.stem) {
				v.tracking = s.reason
				v.trackingWeak = true
				break
			}
		}
	}
	return v
}

// thirdPartyish reports whether the cookie is built to be sent in a
// cross-site context: SameSite=None, or partitioned under a top-level site
// other than its own.
func thirdPartyish(ck *cookie.Cookie) bool {
	if ck == nil {
		return false
	}
	if ck.SameSite == cookie.SameSiteNone || ck.Partition.CrossSiteAncestor() {
		return true
	}
	return false
}

// longLived reports a lifetime of more than 180 days.
func longLived(ck *cookie.Cookie) bool {
	if ck == nil || ck.Session || ck.Expires.IsZero() {
		return false
	}
	from := ck.Created
	if from.IsZero() {
		from = ck.LastUpdated
	}
	if from.IsZero() {
		return false
	}
	return ck.Expires.Sub(from) > 180*24*time.Hour
}

// gaLikeValue recognises client ids whose format gives their vendor away:
// Google Analytics "GA1.2.123.456", GA4 session "GS1.1.…", Facebook pixel
// "fb.1.…".
func gaLikeValue(v string) (string, bool) {
	switch {
	case len(v) > 6 && v[0] == 'G' && (v[1] == 'A' || v[1] == 'S') && v[2] >= '1' && v[2] <= '9' && v[3] == '.' && digitsDot(v[4:]):
		return "value has the Google Analytics id format (GA1.x.…)", true
	case strings.HasPrefix(v, "fb.") && len(v) > 6 && v[3] >= '0' && v[3] <= '9' && v[4] == '.':
		return "value has the Facebook pixel id format (fb.1.…)", true
	}
	return "", false
}

func digitsDot(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s) && i < 8; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.') {
			return false
		}
	}
	return true
}

// randomToken reports whether a value looks like a server-issued random
// secret: at least min characters of hex/base64/base64url with both letters
// and digits.
func randomToken(v string, min int) bool {
	if len(v) < min {
		return false
	}
	letters, digits := false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letters = true
		case c == '+' || c == '/' || c == '=' || c == '-' || c == '_' || c == '.' || c == '%':
		default:
			return false
		}
	}
	return letters && digits
}

const (
	reasonHostPrefix   = "__Host- cookie: locked to this site by the server, typically a login or session token"
	reasonSecurePrefix = "__Secure- HttpOnly cookie: a server-side secret, typically a login or session token"
	reasonHTTPOnlyRand = "HttpOnly, Secure random token: most likely a session"
	reasonIdent3P      = "an identifier sent to third parties (SameSite=None or partitioned): cross-site tracking"
	reasonIdentLong    = "a long-lived identifier: typical of analytics"
)

// heuristic decides from the name and, when ck is given, the attributes.
// The session part of the name is handled by the caller before domain
// evidence; this is the rest.
func heuristic(v nameVerdict, name string, ck *cookie.Cookie) (cookie.Purpose, string, bool) {
	if ck != nil && !ck.ValueUnreadable {
		if why, ok := gaLikeValue(ck.Value); ok {
			return cookie.PurposeTracking, why, true
		}
	}
	if v.consent {
		return cookie.PurposePersonalization, reasonConsentCategory, true
	}
	if v.personal != "" {
		return cookie.PurposePersonalization, v.personal, true
	}
	if v.tracking != "" {
		// Precision on tracking matters more than recall: a tracking word
		// buried in a longer token is weak, and a name that also says it
		// is the site's machinery ("wistia-http2-push-…") is kept.
		if v.trackingWeak && v.functional != "" {
			return cookie.PurposeSession, v.functional + " (outweighs the weak tracking hint)", true
		}
		return cookie.PurposeTracking, v.tracking, true
	}
	if v.test != "" {
		return cookie.PurposeSession, v.test, true
	}
	if ck != nil {
		if strings.HasPrefix(name, "__Host-") {
			return cookie.PurposeSession, reasonHostPrefix, true
		}
		if strings.HasPrefix(name, "__Secure-") && ck.HTTPOnly {
			return cookie.PurposeSession, reasonSecurePrefix, true
		}
		if v.ident != "" {
			if thirdPartyish(ck) {
				return cookie.PurposeTracking, reasonIdent3P, true
			}
			if longLived(ck) && !ck.HTTPOnly {
				return cookie.PurposeTracking, reasonIdentLong, true
			}
		}
		if ck.HTTPOnly && ck.Secure && !ck.ValueUnreadable && randomToken(ck.Value, 32) && !thirdPartyish(ck) {
			return cookie.PurposeSession, reasonHTTPOnlyRand, true
		}
		if ck.HTTPOnly && ck.Secure && ck.ValueUnreadable && ck.Session {
			return cookie.PurposeSession, "HttpOnly, Secure cookie that ends with the browser session: most likely a session", true
		}
	}
	if v.functional != "" && !thirdPartyish(ck) {
		return cookie.PurposeSession, v.functional, true
	}
	return "", "", false
}
