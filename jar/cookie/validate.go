package cookie

import (
	"fmt"
	"strings"
	"time"
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
	if c.Name == "" && c.Value == "" && !c.ValueUnreadable {
		return bad("name", "must not be empty when the value is empty")
	}
	if r := badChar(c.Name, ";="); r != "" {
		return bad("name", "must not contain "+r)
	}
	if !c.ValueUnreadable {
		if r := badChar(c.Value, ";"); r != "" {
			return bad("value", "must not contain "+r)
		}
	}
	if c.Domain == "" || c.Domain == "." {
		return bad("domain", "must not be empty")
	}
	if r := badChar(c.Domain, "; ,/"); r != "" {
		return bad("domain", "must not contain "+r)
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
	if c.Partition.Kind == PartitionCHIPS && !c.Secure {
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
		if !c.Expires.After(now) {
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
