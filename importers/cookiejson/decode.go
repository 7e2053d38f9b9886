package cookiejson

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// decode turns one array element into a cookie, or says why it cannot.
// The steps run in this order, so the first reason found is the one given.
func decode(in *inEntry, opts importers.Options) (cookie.Cookie, string) {
	var c cookie.Cookie
	if in.Domain == nil || in.Name == nil {
		return c, "no domain or name: not a cookie object"
	}
	e := &in.entry
	e.Domain, e.Name = *in.Domain, *in.Name
	x := e.Crumbs
	if x == nil {
		x = &crumbsFields{}
	}
	if why := decodeRaw(e, x); why != "" {
		return c, why
	}
	// crumbs' own exports (with a "crumbs" object) are taken verbatim, to
	// stay lossless.
	own := e.Crumbs != nil
	if why := decodeScope(&c, e, own); why != "" {
		return c, why
	}
	c.Name, c.Value = e.Name, e.Value
	c.Secure, c.HTTPOnly = e.Secure, e.HTTPOnly
	if e.SameSite != nil {
		c.SameSite, _ = cookie.ParseSameSite(*e.SameSite) // unknown spellings: unspecified
	}
	if why := decodeExpiry(&c, e, x, own); why != "" {
		return c, why
	}
	if e.PartitionKey != nil {
		p := cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: e.PartitionKey.TopLevelSite, CrossSiteAncestor: e.PartitionKey.HasCrossSiteAncestor}
		if x.PartitionKind != nil {
			p.Kind = cookie.PartitionKind(*x.PartitionKind)
		}
		c.Partition = cookie.MakePartition(p)
	}
	if x.Container != nil {
		c.Container = cookie.MakeContainer(cookie.ContainerFields{Key: x.Container.Key, Name: x.Container.Name})
	} else if e.StoreID != nil {
		c.Container = containerFromStore(*e.StoreID)
	}
	if x.Extras != nil {
		c.Extras = cookie.MakeExtras(*x.Extras)
	}
	if why := decodeCrumbs(&c, e, x, opts); why != "" {
		return c, why
	}
	return c, ""
}

// decodeRaw puts back the exact bytes of name, value, domain and path that
// crumbs.raw carries base64-encoded.
func decodeRaw(e *entry, x *crumbsFields) string {
	for key, b64 := range x.Raw {
		var dst *string
		switch key {
		case "domain":
			dst = &e.Domain
		case "path":
			dst = &e.Path
		case "name":
			dst = &e.Name
		case "value":
			dst = &e.Value
		default:
			continue
		}
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return "crumbs.raw." + key + " is not base64"
		}
		*dst = string(b)
	}
	return ""
}

// decodeScope sets domain, host-only flag and path. hostOnly decides, the
// leading dot follows it (as for cookies.txt); without hostOnly the dot
// decides. own (crumbs' export) keeps domain and path verbatim.
func decodeScope(c *cookie.Cookie, e *entry, own bool) string {
	host := strings.TrimPrefix(e.Domain, ".")
	if host == "" {
		return "empty domain"
	}
	hostOnly := !strings.HasPrefix(e.Domain, ".")
	if e.HostOnly != nil {
		hostOnly = *e.HostOnly
	}
	c.HostOnly = hostOnly
	switch {
	case own:
		c.Domain = e.Domain
	case hostOnly:
		c.Domain = host
	default:
		c.Domain = "." + host
	}
	c.Path = e.Path
	if c.Path == "" && !own {
		c.Path = "/"
	}
	return ""
}

// decodeExpiry sets Session and Expires: session wins; else
// expirationDate; crumbs.expires refines it when it agrees to the
// millisecond (a hand edit of expirationDate wins).
func decodeExpiry(c *cookie.Cookie, e *entry, x *crumbsFields, own bool) string {
	var exp time.Time
	if e.ExpirationDate != "" {
		var ok bool
		exp, ok = parseUnix(string(e.ExpirationDate))
		if !ok {
			return "expirationDate out of range"
		}
	}
	if x.Expires != "" {
		t, err := time.Parse(time.RFC3339Nano, x.Expires)
		if err != nil {
			return "crumbs.expires is not an RFC 3339 time"
		}
		if exp.IsZero() || t.Sub(exp).Abs() < time.Millisecond {
			exp = t.UTC()
		}
	}
	switch {
	case e.Session != nil:
		c.Session = *e.Session
	default:
		c.Session = e.ExpirationDate == ""
	}
	if !c.Session || x.Expires != "" {
		c.Expires = cookie.TimeOf(exp)
	}
	if !c.Session && c.Expires.IsZero() && !own {
		c.Session = true // neither session nor an expiry: a session cookie
	}
	return ""
}

// decodeCrumbs sets the model's fields that only crumbs' own object
// carries: times, identity, verdict and encryption.
func decodeCrumbs(c *cookie.Cookie, e *entry, x *crumbsFields, opts importers.Options) string {
	times := [...]struct {
		s   string
		dst *cookie.Time
	}{{x.Created, &c.Created}, {x.LastAccessed, &c.LastAccessed}, {x.LastUpdated, &c.LastUpdated}}
	for _, tt := range times {
		if tt.s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, tt.s)
		if err != nil {
			return "a crumbs time is not RFC 3339"
		}
		*tt.dst = cookie.TimeOf(t)
	}
	c.ID = x.ID
	c.Source = x.Source
	if c.Source == "" {
		c.Source = opts.Source
	}
	c.Purpose = cookie.Purpose(x.Purpose)
	c.Reason = x.Reason
	c.VerdictBy = cookie.Evidence(x.VerdictBy)
	c.Encryption = cookie.Encryption(x.Encryption)
	if e.Crumbs == nil {
		c.Encryption = cookie.EncPlain
	}
	c.ValueUnreadable = x.ValueUnreadable
	c.UnreadableReason = x.UnreadableReason
	c.OriginalKey = x.OriginalKey
	return ""
}

// containerFromStore maps Firefox's WebExtension store ids to containers.
func containerFromStore(id string) cookie.Container {
	switch {
	case strings.HasPrefix(id, "firefox-container-"):
		n := strings.TrimPrefix(id, "firefox-container-")
		if _, err := strconv.ParseUint(n, 10, 32); err == nil {
			return cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=" + n})
		}
	case id == "firefox-private":
		return cookie.MakeContainer(cookie.ContainerFields{Key: "privateBrowsingId=1"})
	}
	return cookie.Container{}
}

const maxUnix = 253402300799 // 9999-12-31T23:59:59Z

// parseUnix reads unix seconds, integer or fractional.
func parseUnix(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < -maxUnix || n > maxUnix {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > maxUnix {
		return time.Time{}, false
	}
	return fromUnixFloat(f), true
}

// fromUnixFloat converts float unix seconds to a time at microsecond
// precision: a float64 holds about 0.2 µs at today's times, so finer digits
// are noise.
func fromUnixFloat(f float64) time.Time {
	sec := math.Floor(f)
	us := math.Round((f - sec) * 1e6)
	return time.Unix(int64(sec), int64(us)*1e3).UTC()
}
