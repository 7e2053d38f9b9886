package cookie

import (
	"net"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Site is the cookie's registrable domain (eTLD+1 by the public suffix
// list): "a.b.example.co.uk" → "example.co.uk". IP addresses, localhost,
// public suffixes themselves and anything the list cannot place give the
// host itself, lower-cased, without a leading dot.
func Site(domain string) string {
	host := strings.ToLower(strings.TrimPrefix(domain, "."))
	host = strings.TrimSuffix(host, ".")
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return host
	}
	if strings.HasPrefix(host, "[") || net.ParseIP(host) != nil {
		return host
	}
	site, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return site
}
