// Package cookieheader computes the Cookie request header a browser would
// send to a URL from a set of jar cookies, by the rules of RFC 6265 section 5.4
// (docs/formats.md §Cookie header):
// domain matching (host-only cookies on their exact host, domain cookies on
// the domain and its subdomains), path matching (section 5.1.4), Secure cookies only
// over https, expired cookies left out, longer paths first and then earlier
// creation.
//
// The header is the one of a top-level request to the URL. Partitioned
// (CHIPS) cookies are sent only when their partition is the URL's own site
// without a cross-site ancestor: the partition a top-level visit uses.
package cookieheader

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"sort"
	"strings"
	"time"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Header returns the Cookie header value ("a=1; b=2") for rawURL at now,
// or "" when no cookie matches or rawURL is not a usable URL. Use Build to
// tell the two apart.
func Header(cs []cookie.Cookie, rawURL string, now time.Time) string {
	h, _ := Build(cs, rawURL, now)
	return h
}

// CheckURL reports why rawURL cannot receive cookies, or nil: it must be an
// absolute http, https, ws or wss URL with a host.
func CheckURL(rawURL string) error {
	_, err := parseTarget(rawURL)
	return err
}

// Build is Header with an error for an unusable URL.
func Build(cs []cookie.Cookie, rawURL string, now time.Time) (string, error) {
	out, err := Select(cs, rawURL, now)
	if err != nil {
		return "", err
	}
	return Join(out), nil
}

// Select returns the cookies a browser would send to rawURL at now, in the
// header's order (longer paths first, then earlier creation).
//
// When several cookies share domain, scope, path, name and partition (the
// same cookie from two sources or containers), only one is sent, as one
// browser jar would hold one of them: the most recently updated
// (cookie.Fresher, the rule the cookies.txt writer follows too). Cookies
// whose value could not be decrypted, or whose name or value holds a
// control character (it would break the header), are never sent.
func Select(cs []cookie.Cookie, rawURL string, now time.Time) ([]*cookie.Cookie, error) {
	t, err := parseTarget(rawURL)
	if err != nil {
		return nil, err
	}
	type key struct {
		domain   string
		hostOnly bool
		path     string
		name     string
		part     string
	}
	picked := map[key]int{}
	var out []*cookie.Cookie
	for i := range cs {
		c := &cs[i]
		if !t.matches(c, now) {
			continue
		}
		k := key{strings.ToLower(c.Domain), c.HostOnly, c.Path, c.Name, c.Partition.Key()}
		if j, dup := picked[k]; dup {
			if cookie.Fresher(c, out[j]) {
				out[j] = c
			}
			continue
		}
		picked[k] = len(out)
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.Path) != len(b.Path) {
			return len(a.Path) > len(b.Path)
		}
		return a.Created.Before(b.Created)
	})
	return out, nil
}

// Join renders selected cookies as a Cookie header value.
func Join(out []*cookie.Cookie) string {
	var b strings.Builder
	for i, c := range out {
		if i > 0 {
			b.WriteString("; ")
		}
		if c.Name != "" { // a nameless cookie is sent as its value alone (RFC 6265bis)
			b.WriteString(c.Name)
			b.WriteByte('=')
		}
		b.WriteString(c.Value)
	}
	return b.String()
}

type target struct {
	host   string // lower case, A-labels, no brackets
	isIP   bool
	path   string
	secure bool
	site   string // "https://example.com": the URL's site, for partitioned cookies
}

var idnaProfile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(false))

func parseTarget(rawURL string) (target, error) {
	var t target
	u, err := url.Parse(rawURL)
	if err != nil {
		return t, fmt.Errorf("invalid URL: %w", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "wss":
		t.secure = true
	case "http", "ws":
	case "":
		return t, errors.New("invalid URL: no scheme (use http:// or https://)")
	default:
		return t, fmt.Errorf("URL scheme %q: cookies are sent over http, https, ws and wss only", u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return t, errors.New("invalid URL: no host")
	}
	if a, err := netip.ParseAddr(host); err == nil {
		t.host, t.isIP = a.String(), true
	} else {
		h, err := idnaProfile.ToASCII(host)
		if err != nil {
			return t, fmt.Errorf("invalid host in URL: %w", err)
		}
		t.host = strings.ToLower(strings.TrimSuffix(h, "."))
	}
	t.path = u.EscapedPath()
	if t.path == "" || t.path[0] != '/' {
		t.path = "/"
	}
	scheme := "http"
	if t.secure {
		scheme = "https"
	}
	site := t.host
	if !t.isIP {
		if s, err := publicsuffix.EffectiveTLDPlusOne(t.host); err == nil {
			site = s
		}
	}
	t.site = scheme + "://" + site
	return t, nil
}

func (t *target) matches(c *cookie.Cookie, now time.Time) bool {
	if c.Expired(now) || c.ValueUnreadable || (c.Secure && !t.secure) {
		return false
	}
	if !c.Partition.IsZero() && (c.Partition.Kind() != cookie.PartitionCHIPS || c.Partition.CrossSiteAncestor() || c.Partition.TopLevelSite() != t.site) {
		return false
	}
	if hasControl(c.Name) || hasControl(c.Value) {
		return false
	}
	return domainMatch(t, c) && pathMatch(t.path, c.Path)
}

// domainMatch is RFC 6265 section 5.1.3, with host-only cookies matching their
// host exactly (section 5.4, step 1).
func domainMatch(t *target, c *cookie.Cookie) bool {
	d := strings.ToLower(strings.TrimPrefix(c.Domain, "."))
	if strings.HasPrefix(d, "[") && strings.HasSuffix(d, "]") {
		d = d[1 : len(d)-1]
	}
	if d == "" {
		return false
	}
	if d[len(d)-1] >= '0' && d[len(d)-1] <= '9' || strings.IndexByte(d, ':') >= 0 {
		if a, err := netip.ParseAddr(d); err == nil { // only IP-looking domains: ParseAddr allocates its errors
			d = a.String()
		}
	}
	if c.HostOnly || t.isIP {
		return t.host == d
	}
	return t.host == d || strings.HasSuffix(t.host, "."+d)
}

// pathMatch is RFC 6265 section 5.1.4.
func pathMatch(reqPath, cookiePath string) bool {
	if cookiePath == "" {
		cookiePath = "/"
	}
	if reqPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == 0x7f {
			return true
		}
	}
	return false
}
