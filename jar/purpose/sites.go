package purpose

import (
	"net"
	"strings"
	"sync"

	"golang.org/x/net/publicsuffix"
)

// siteCache remembers each host's registrable domain (eTLD+1 from the
// public suffix list) and its brand, the label before the public suffix
// ("google" for www.google.co.uk). publicsuffix is far slower than the rest
// of a classification and a jar holds few distinct hosts, so every host is
// looked up once.
type siteCache struct {
	mu sync.RWMutex
	m  map[string]siteInfo
}

type siteInfo struct {
	site  string
	brand string
}

// maxSites bounds the cache; when full it starts over (hosts are few in
// practice, so this only protects against pathological input).
const maxSites = 1 << 16

func newSiteCache() *siteCache { return &siteCache{m: make(map[string]siteInfo, 256)} }

func (c *siteCache) lookup(host string) siteInfo {
	c.mu.RLock()
	si, ok := c.m[host]
	c.mu.RUnlock()
	if ok {
		return si
	}
	si = computeSite(host)
	c.mu.Lock()
	if len(c.m) >= maxSites {
		c.m = make(map[string]siteInfo, 256)
	}
	c.m[strings.Clone(host)] = si
	c.mu.Unlock()
	return si
}

func (c *siteCache) site(host string) string  { return c.lookup(host).site }
func (c *siteCache) brand(host string) string { return c.lookup(host).brand }

func computeSite(host string) siteInfo {
	if host == "" || host == "localhost" || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return siteInfo{site: host}
	}
	site, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		// The host is itself a public suffix or malformed: it is its own site.
		return siteInfo{site: host}
	}
	brand := site
	if i := strings.IndexByte(site, '.'); i >= 0 {
		brand = site[:i]
	}
	return siteInfo{site: site, brand: brand}
}
