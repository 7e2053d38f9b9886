package ui

import (
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/jar"
)

// writeJSON writes the export JSON (PRODUCT §8) of cs.
func writeJSON(w io.Writer, cs []jar.Cookie) error { return cookiejson.Write(w, cs) }

// headerFor is the Cookie header value a browser would send to rawURL (RFC
// 6265 §5.4: domain-match, path-match, secure only over https, not expired;
// longer paths first, then older cookies), and how many cookies it carries.
func headerFor(cs []jar.Cookie, rawURL string, now time.Time) (string, int, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", 0, &jar.InvalidError{Field: "url", Reason: "want an http:// or https:// URL"}
	}
	host := strings.ToLower(u.Hostname())
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	var sel []*jar.Cookie
	for i := range cs {
		c := &cs[i]
		if c.ValueUnreadable || c.Expired(now) || (c.Secure && u.Scheme != "https") {
			continue
		}
		d := strings.ToLower(c.Host())
		if c.HostOnly {
			if host != d {
				continue
			}
		} else if host != d && !strings.HasSuffix(host, "."+d) {
			continue
		}
		if !pathMatch(path, c.Path) {
			continue
		}
		sel = append(sel, c)
	}
	sort.SliceStable(sel, func(i, j int) bool {
		if len(sel[i].Path) != len(sel[j].Path) {
			return len(sel[i].Path) > len(sel[j].Path)
		}
		return sel[i].Created.Before(sel[j].Created)
	})
	parts := make([]string, len(sel))
	for i, c := range sel {
		parts[i] = c.Name + "=" + c.Value
		if c.Name == "" {
			parts[i] = c.Value
		}
	}
	return strings.Join(parts, "; "), len(sel), nil
}

func pathMatch(reqPath, cookiePath string) bool {
	if cookiePath == "" {
		cookiePath = "/"
	}
	if reqPath == cookiePath {
		return true
	}
	if strings.HasPrefix(reqPath, cookiePath) {
		return strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
	}
	return false
}
