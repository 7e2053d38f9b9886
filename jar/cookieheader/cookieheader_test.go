package cookieheader

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func TestHeader(t *testing.T) {
	exp := now.Add(time.Hour)
	t0 := now.Add(-time.Hour)
	chips := cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://example.com"})
	cs := []cookie.Cookie{
		{Domain: "example.com", HostOnly: true, Path: "/", Name: "host", Value: "1", Expires: cookie.TimeOf(exp), Created: cookie.TimeOf(t0)},
		{Domain: ".example.com", Path: "/", Name: "dom", Value: "2", Session: true, Created: cookie.TimeOf(t0.Add(time.Second))},
		{Domain: ".example.com", Path: "/app", Name: "app", Value: "3", Expires: cookie.TimeOf(exp), Created: cookie.TimeOf(t0.Add(2 * time.Second))},
		{Domain: ".example.com", Path: "/app/", Name: "appslash", Value: "4", Expires: cookie.TimeOf(exp), Created: cookie.TimeOf(t0)},
		{Domain: ".example.com", Path: "/", Name: "sec", Value: "5", Secure: true, Expires: cookie.TimeOf(exp), Created: cookie.TimeOf(t0.Add(3 * time.Second))},
		{Domain: ".example.com", Path: "/", Name: "old", Value: "6", Expires: cookie.TimeOf(now.Add(-time.Second)), Created: cookie.TimeOf(t0)},
		{Domain: ".example.com", Path: "/", Name: "part", Value: "7", Secure: true, Partition: chips, Session: true, Created: cookie.TimeOf(t0.Add(4 * time.Second))},
		{Domain: ".example.com", Path: "/", Name: "xpart", Value: "8", Secure: true, Partition: cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://other.com"}), Session: true},
		{Domain: ".example.com", Path: "/", Name: "enc", ValueUnreadable: true, Session: true},
		{Domain: ".example.com", Path: "/", Name: "crlf", Value: "a\r\nX-Evil: 1", Session: true},
		{Domain: ".ample.com", Path: "/", Name: "suffix", Value: "9", Session: true},
		{Domain: "127.0.0.1", HostOnly: true, Path: "/", Name: "ip", Value: "10", Session: true},
		{Domain: "[::1]", HostOnly: true, Path: "/", Name: "ip6", Value: "11", Session: true},
		{Domain: ".xn--mnchen-3ya.de", Path: "/", Name: "idn", Value: "12", Session: true},
		{Domain: "example.com", HostOnly: true, Path: "/", Name: "", Value: "nameless", Session: true, Created: cookie.TimeOf(t0.Add(5 * time.Second))},
		// The same cookie from a second source: the newer one is sent once.
		{Source: "b", Domain: ".example.com", Path: "/", Name: "dom", Value: "2-newer", Session: true, Created: cookie.TimeOf(t0.Add(1500 * time.Millisecond))},
	}
	tests := []struct{ url, want string }{
		{"http://example.com/", "host=1; dom=2-newer; nameless"},
		{"http://EXAMPLE.com:8080", "host=1; dom=2-newer; nameless"},
		{"http://sub.example.com/", "dom=2-newer"},
		{"http://example.com/app", "app=3; host=1; dom=2-newer; nameless"},
		{"http://example.com/app/x?q=1", "appslash=4; app=3; host=1; dom=2-newer; nameless"},
		{"http://example.com/application", "host=1; dom=2-newer; nameless"},
		{"https://example.com/", "host=1; dom=2-newer; sec=5; part=7; nameless"},
		{"https://www.example.com/", "dom=2-newer; sec=5; part=7"},
		{"wss://example.com/", "host=1; dom=2-newer; sec=5; part=7; nameless"},
		{"http://ample.com/", "suffix=9"},
		{"http://127.0.0.1:9/", "ip=10"},
		{"http://[::1]/", "ip6=11"},
		{"http://münchen.de/", "idn=12"},
		{"http://nobody.test/", ""},
	}
	for _, tt := range tests {
		got, err := Build(cs, tt.url, now)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s\n got %q\nwant %q", tt.url, got, tt.want)
		}
	}
	for _, bad := range []string{"example.com/x", "ftp://example.com/", "http://", "http://[::1/", "%zz"} {
		if _, err := Build(cs, bad, now); err == nil || CheckURL(bad) == nil || Header(cs, bad, now) != "" {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestAgainstGoCookiejar checks random cookies against net/http/cookiejar,
// an independent RFC 6265 implementation: it must pick the same cookies in
// the same order for every URL.
func TestAgainstGoCookiejar(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	hosts := []string{"example.com", "a.example.com", "b.a.example.com", "example.org", "www.example.org"}
	paths := []string{"/", "/a", "/a/", "/a/b", "/ab", "/b/c"}
	realNow := time.Now()
	for round := 0; round < 50; round++ {
		gj, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
		var cs []cookie.Cookie
		for i := 0; i < 30; i++ {
			host := hosts[r.IntN(len(hosts))]
			c := cookie.Cookie{Path: paths[r.IntN(len(paths))], Name: fmt.Sprintf("c%d", i), Value: fmt.Sprint(r.IntN(100)),
				Secure: r.IntN(3) == 0, Created: cookie.TimeOf(realNow.Add(time.Duration(i) * time.Millisecond)), Session: true}
			hc := &http.Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure}
			if r.IntN(2) == 0 {
				c.Domain, c.HostOnly = host, true
			} else {
				// A domain cookie for the host or one of its parents.
				parts := strings.Split(host, ".")
				d := strings.Join(parts[r.IntN(len(parts)-1):], ".")
				c.Domain = "." + d
				hc.Domain = d
			}
			gj.SetCookies(&url.URL{Scheme: "https", Host: host, Path: "/"}, []*http.Cookie{hc})
			cs = append(cs, c)
		}
		for _, h := range hosts {
			for _, p := range paths {
				for _, scheme := range []string{"http", "https"} {
					u := &url.URL{Scheme: scheme, Host: h, Path: p}
					var want []string
					for _, hc := range gj.Cookies(u) {
						want = append(want, hc.Name+"="+hc.Value)
					}
					got, err := Build(cs, u.String(), realNow)
					if err != nil {
						t.Fatal(err)
					}
					if got != strings.Join(want, "; ") {
						t.Fatalf("round %d %s\n got %q\nwant %q", round, u, got, strings.Join(want, "; "))
					}
				}
			}
		}
	}
}

func FuzzHeader(f *testing.F) {
	f.Add("https://sub.example.com/a/b", ".example.com", "/a", "n", "v", true)
	f.Add("http://[::1]:80/", "::1", "", "", "x", false)
	f.Add("http://münchen.de", "xn--mnchen-3ya.de", "/", "a;b", "c\n", false)
	f.Fuzz(func(t *testing.T, rawURL, domain, path, name, value string, hostOnly bool) {
		cs := []cookie.Cookie{{Domain: domain, HostOnly: hostOnly, Path: path, Name: name, Value: value, Session: true}}
		h, err := Build(cs, rawURL, now)
		if err != nil {
			return
		}
		if strings.ContainsAny(h, "\r\n\x00") {
			t.Fatalf("header with a control character: %q", h)
		}
	})
}

func BenchmarkHeader100k(b *testing.B) {
	var cs []cookie.Cookie
	for i := 0; i < 100000; i++ {
		cs = append(cs, cookie.Cookie{Domain: fmt.Sprintf(".site%d.com", i%3000), Path: "/", Name: fmt.Sprint("n", i), Value: "v", Session: true})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Build(cs, "https://www.site7.com/x", now); err != nil {
			b.Fatal(err)
		}
	}
}
