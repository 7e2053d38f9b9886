package cookie

import "strings"

// ReachSite is the site on which a cookie holds an id for whoever set it:
// the top-level site a partitioned cookie is keyed to (a tracker partitioned
// under news.example holds an id for you on news.example), else the cookie's
// own registrable domain. The tracker report counts a tracker's reach in
// these sites (docs/cli.md, crumbs report). siteOf is Site or a cache of it.
func ReachSite(c *Cookie, siteOf func(domain string) string) string {
	if c.Partition.TopLevelSite() == "" {
		return siteOf(c.Domain)
	}
	return siteOf(siteHost(c.Partition.TopLevelSite()))
}

// siteHost is the host of a partition's top-level site URL
// ("https://example.com" → "example.com", "https://[::1]:8443" → "[::1]").
func siteHost(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		u = rest
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	if strings.HasPrefix(u, "[") {
		if i := strings.IndexByte(u, ']'); i >= 0 {
			return u[:i+1]
		}
		return u
	}
	if i := strings.LastIndexByte(u, ':'); i >= 0 {
		return u[:i]
	}
	return u
}
