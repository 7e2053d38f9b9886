package gen

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func TestCookiesDeterministicAndUnique(t *testing.T) {
	a := Cookies(20000, 7, now, "gen:test")
	b := Cookies(20000, 7, now, "gen:test")
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different cookies")
	}
	if c := Cookies(100, 8, now, "gen:test"); reflect.DeepEqual(a[:100], c) {
		t.Fatal("different seeds gave the same cookies")
	}
	if len(a) != 20000 {
		t.Fatalf("got %d cookies, want 20000", len(a))
	}
	seen := map[cookie.Identity]bool{}
	var session, expired, partitioned, hostOnly, empty, long, secure int
	sites := map[string]bool{}
	for i := range a {
		c := &a[i]
		if seen[c.Identity()] {
			t.Fatalf("duplicate identity %v", c.Identity())
		}
		seen[c.Identity()] = true
		if c.Source != "gen:test" {
			t.Fatalf("source %q", c.Source)
		}
		if c.HostOnly == strings.HasPrefix(c.Domain, ".") {
			t.Fatalf("dot and host-only disagree: %q host-only=%v", c.Domain, c.HostOnly)
		}
		if c.Path == "" || c.Path[0] != '/' {
			t.Fatalf("bad path %q", c.Path)
		}
		if strings.HasPrefix(c.Name, "__Host-") && (!c.Secure || !c.HostOnly || c.Path != "/") {
			t.Fatalf("__Host- rules broken: %+v", c)
		}
		if strings.HasPrefix(c.Name, "__Secure-") && !c.Secure {
			t.Fatalf("__Secure- not secure: %+v", c)
		}
		if c.Session != c.Expires.IsZero() {
			t.Fatalf("session %v but expires %v", c.Session, c.Expires)
		}
		if c.Created.After(c.LastAccessed) || c.LastAccessed.After(cookie.TimeOf(now)) || c.LastUpdated.Before(c.Created) {
			t.Fatalf("times out of order: %v %v %v", c.Created, c.LastAccessed, c.LastUpdated)
		}
		if c.Expires.After(cookie.TimeOf(now.Add(401 * 24 * time.Hour))) {
			t.Fatalf("expiry too far: %v", c.Expires)
		}
		if c.Session {
			session++
		}
		if c.Expired(now) {
			expired++
		}
		if !c.Partition.IsZero() {
			partitioned++
			if !c.Secure || c.Partition.Kind() != cookie.PartitionCHIPS || !strings.HasPrefix(c.Partition.TopLevelSite(), "https://") {
				t.Fatalf("bad partitioned cookie %+v", c)
			}
		}
		if c.HostOnly {
			hostOnly++
		}
		if c.Value == "" {
			empty++
		}
		if len(c.Value) >= 1024 {
			long++
		}
		if c.Secure {
			secure++
		}
		sites[strings.TrimPrefix(c.Domain, ".")] = true
	}
	pct := func(x int) float64 { return float64(x) * 100 / float64(len(a)) }
	check := func(what string, got, lo, hi float64) {
		if got < lo || got > hi {
			t.Errorf("%s = %.2f%%, want %.1f–%.1f%%", what, got, lo, hi)
		}
	}
	check("session", pct(session), 12, 18)
	check("expired", pct(expired), 1.5, 5)
	check("partitioned", pct(partitioned), 1, 3)
	check("host-only", pct(hostOnly), 30, 70)
	check("empty value", pct(empty), 1, 4)
	check("long value", pct(long), 0.1, 1.5)
	check("secure", pct(secure), 60, 95)
	if len(sites) < 500 {
		t.Errorf("only %d distinct hosts", len(sites))
	}
}

func TestCookiesSmall(t *testing.T) {
	if Cookies(0, 1, now, "x") != nil {
		t.Fatal("n=0 should give nil")
	}
	if got := len(Cookies(1, 1, now, "x")); got != 1 {
		t.Fatalf("n=1 gave %d", got)
	}
}

func TestHostileUnique(t *testing.T) {
	seen := map[cookie.Identity]bool{}
	var ctl, long bool
	for _, c := range Hostile() {
		if seen[c.Identity()] {
			t.Fatalf("duplicate %v", c.Identity())
		}
		seen[c.Identity()] = true
		if strings.ContainsRune(c.Value, 0x1b) {
			ctl = true
		}
		if len(c.Value) >= 4096 {
			long = true
		}
	}
	if !ctl || !long {
		t.Fatal("hostile set lacks escapes or a 4 KB value")
	}
}

func BenchmarkCookies100k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = Cookies(100000, int64(i), now, "gen:bench")
	}
}
