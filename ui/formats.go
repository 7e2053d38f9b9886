package ui

import (
	"io"
	"time"

	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/cookieheader"
)

// writeJSON writes the export JSON (PRODUCT §8) of cs.
func writeJSON(w io.Writer, cs []cookie.Cookie) error { return cookiejson.Write(w, cs) }

// headerFor is the Cookie header value a browser would send to rawURL
// (RFC 6265 matching, by jar/cookieheader) and how many cookies it carries.
func headerFor(cs []cookie.Cookie, rawURL string, now time.Time) (string, int, error) {
	h, err := cookieheader.Build(cs, rawURL, now)
	if err != nil {
		return "", 0, err
	}
	n := 0
	for i := range cs {
		if one, _ := cookieheader.Build(cs[i:i+1], rawURL, now); one != "" {
			n++
		}
	}
	return h, n, nil
}
