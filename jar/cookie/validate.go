package cookie

import (
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"
)

// InvalidError says why a cookie was refused: which field and why.
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string { return e.Field + ": " + e.Reason }

// Validate checks that c is a cookie a browser would accept and send,
// at time now. The error is an *InvalidError naming the field.
func Validate(c *Cookie, now time.Time) error {
	bad := func(field, reason string) error { return &InvalidError{Field: field, Reason: reason} }
	if c.Source == "" {
		return bad("source", "must not be empty")
	}
	// Name and value: what RFC 6265 section 4.1.1 forbids and the cookies.txt or
	// the Cookie header would drop or break (control characters, ';', '='
	// and white space in a name), so that an edit is never one the export
	// drops (docs/formats.md, "Edits that export would drop"). What
	// browsers accept beyond the RFC's strict grammar — quotes, commas,
	// brackets, UTF-8 — stays allowed: real cookies carry them.
	if c.Name == "" {
		return bad("name", "must not be empty (a cookies.txt cannot carry a nameless cookie)")
	}
	if r := badChar(c.Name, nameSeparators); r != "" {
		return bad("name", "must not contain "+r+" (RFC 6265)")
	}
	if !c.ValueUnreadable {
		v := c.Value
		if r := badChar(v, ";"); r != "" {
			return bad("value", "must not contain "+r+" (RFC 6265)")
		}
		if strings.TrimSpace(v) != v {
			return bad("value", "must not start or end with a space (browsers trim it)")
		}
	}
	if c.Domain == "" || c.Domain == "." {
		return bad("domain", "must not be empty")
	}
	if r := badChar(c.Domain, "; ,/"); r != "" {
		return bad("domain", "must not contain "+r)
	}
	if err := checkDomain(c); err != nil {
		return err
	}
	if c.HostOnly && strings.HasPrefix(c.Domain, ".") {
		return bad("domain", "a host-only cookie's domain has no leading dot")
	}
	if !strings.HasPrefix(c.Path, "/") {
		return bad("path", "must start with '/'")
	}
	if r := badChar(c.Path, ";"); r != "" {
		return bad("path", "must not contain "+r)
	}
	if hasPrefixFold(c.Name, "__Host-") {
		switch {
		case !c.Secure:
			return bad("secure", "a __Host- cookie must be secure")
		case !c.HostOnly:
			return bad("host_only", "a __Host- cookie must be host-only")
		case c.Path != "/":
			return bad("path", `a __Host- cookie must have path "/"`)
		}
	}
	if hasPrefixFold(c.Name, "__Secure-") && !c.Secure {
		return bad("secure", "a __Secure- cookie must be secure")
	}
	if c.SameSite == SameSiteNone && !c.Secure {
		return bad("same_site", "SameSite=None needs Secure (browsers reject it otherwise)")
	}
	if c.SameSite > SameSiteStrict {
		return bad("same_site", "unknown value")
	}
	if c.Partition.Kind() == PartitionCHIPS && !c.Secure {
		return bad("secure", "a partitioned (CHIPS) cookie must be secure")
	}
	if c.Session {
		if !c.Expires.IsZero() {
			return bad("expires", "a session cookie has no expiry")
		}
	} else {
		if c.Expires.IsZero() {
			return bad("expires", "a persistent cookie needs an expiry (or make it a session cookie)")
		}
		if !c.Expires.Time().After(now) {
			return bad("expires", "is in the past")
		}
	}
	if c.Purpose != "" {
		if _, ok := ParsePurpose(string(c.Purpose)); !ok || PurposeRank(c.Purpose) == len(Purposes) {
			return bad("purpose", fmt.Sprintf("unknown purpose %q", c.Purpose))
		}
	}
	return nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// badChar names the first control character or character of set in s, ""
// if none.
func badChar(s, set string) string {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "control characters"
		}
		if strings.ContainsRune(set, r) {
			if r == ' ' {
				return "spaces"
			}
			return fmt.Sprintf("'%c'", r)
		}
	}
	return ""
}

// nameSeparators are the characters that end a cookie name in a Cookie
// header or a cookies.txt line, besides control characters.
const nameSeparators = ";= \t"

// checkDomain refuses the domains a browser refuses: an empty label, an IP
// address with the domain flag, a public suffix (com, co.uk, github.io).
func checkDomain(c *Cookie) error {
	bad := func(reason string) error { return &InvalidError{Field: "domain", Reason: reason} }
	host := strings.ToLower(strings.TrimPrefix(c.Domain, "."))
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if ip := net.ParseIP(host); ip != nil {
		if !c.HostOnly {
			return bad("an IP address takes only a host-only cookie (no domain flag)")
		}
		return nil
	}
	if host == "" || strings.Contains(host, "..") || strings.HasSuffix(host, ".") {
		return bad("must not have an empty label (" + c.Domain + ")")
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return nil
	}
	// A private suffix (github.io) is also a host that sets its own
	// host-only cookies; an ICANN one (com, co.uk) is no site at all.
	if ps, icann := publicsuffix.PublicSuffix(host); ps == host && (icann || !c.HostOnly) {
		return bad(host + " is a public suffix: no site can set a cookie on it")
	}
	return nil
}
