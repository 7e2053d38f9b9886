package ui

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// decoded is one reading of a cookie value: URL-decoded, base64-decoded,
// or a JWT's header and claims.
type decoded struct {
	kind string // the details label: "url-dec", "base64", "jwt head", "jwt claims"
	text string
}

// decodeValue reads v the ways cookie values are commonly encoded, and
// gives each reading that says more than v itself: a JWT (header and
// claims as JSON), URL encoding (%XX), base64 (standard or URL alphabet)
// that decodes to readable text.
func decodeValue(v string) []decoded {
	if v == "" {
		return nil
	}
	if head, claims, ok := decodeJWT(v); ok {
		return []decoded{{"jwt head", head}, {"jwt claims", claims}}
	}
	var out []decoded
	if strings.Contains(v, "%") {
		if u, err := url.QueryUnescape(v); err == nil && u != v && readable(u) {
			out = append(out, decoded{"url-dec", u})
			v = u // a URL-encoded base64 value is common: read on
		}
	}
	if b, ok := decodeBase64(v); ok {
		out = append(out, decoded{"base64", b})
	}
	return out
}

// decodeJWT splits a compact JWS (header.claims.signature) whose first two
// parts are base64url JSON.
func decodeJWT(v string) (head, claims string, ok bool) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "eyJ") {
		return "", "", false
	}
	h, err1 := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "="))
	c, err2 := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err1 != nil || err2 != nil || !json.Valid(h) || !json.Valid(c) {
		return "", "", false
	}
	return compactJSON(h), compactJSON(c), true
}

func compactJSON(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return string(b)
	}
	return buf.String()
}

// decodeBase64 decodes v if it is base64 of readable text (at least 8
// characters, so that short words are not taken for base64).
func decodeBase64(v string) (string, bool) {
	if len(v) < 8 {
		return "", false
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil && len(b) > 0 && readable(string(b)) {
			return string(b), true
		}
	}
	return "", false
}

// readable: valid UTF-8, every character printable.
func readable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	bad := 0
	for _, r := range s {
		if !unicode.IsPrint(r) && r != '\n' && r != '\t' {
			bad++
		}
	}
	return bad == 0
}
