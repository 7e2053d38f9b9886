package jar

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestSummaries: every field Summaries promises equals what All reads, on
// a fresh Jar (read from the file) and on one whose snapshot is current.
func TestSummaries(t *testing.T) {
	smallRanges(t)
	j, path := openTest(t)
	ctx := context.Background()
	// Above rangedReadRows (20,000) cookies the read is split in id ranges.
	cs := makeCookies(rangedReadRows+1_000, 17, testNow, "chrome:Default")
	// Text that looks like the row format, and bytes that are not UTF-8.
	cs = append(cs, cookie.Cookie{Source: "chrome:Default", Domain: "12:evil.example", HostOnly: true, Path: "/3:a:1:", Name: "5:x\x1f:\xff0:", Value: "v"})
	mustImport(t, j, ImportOptions{}, Batch{Source: "chrome:Default", Cookies: cs})
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:github.com")); err != nil {
		t.Fatal(err)
	}
	all, err := j.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := Open(filepath.Clean(path), WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for name, jj := range map[string]*Jar{"fresh": fresh, "snapshot": j} {
		got, err := jj.Summaries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(all) {
			t.Fatalf("%s: %d summaries of %d cookies", name, len(got), len(all))
		}
		byID := map[cookie.Identity]cookie.Cookie{}
		for _, c := range all {
			byID[c.Identity()] = c
		}
		protected := 0
		for _, s := range got {
			c, ok := byID[s.Identity()]
			if !ok {
				t.Fatalf("%s: %v not in the jar", name, s.Identity())
			}
			if s.Purpose != c.Purpose || !s.Created.Equal(c.Created) || !s.Expires.Equal(c.Expires) || s.Session != c.Session ||
				s.Secure != c.Secure || s.HTTPOnly != c.HTTPOnly || s.SameSite != c.SameSite || s.Partition != c.Partition ||
				s.ProtectedBy != c.ProtectedBy {
				t.Fatalf("%s: summary %+v\nof %+v", name, s, c)
			}
			if s.ProtectedBy != "" {
				protected++
			}
		}
		if protected == 0 {
			t.Fatalf("%s: no protected cookie marked", name)
		}
	}
	// A protection that looks at values: the summaries are whole cookies.
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("value:"+all[7].Value[:6])); err != nil {
		t.Fatal(err)
	}
	fresh2, err := Open(path, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh2.Close()
	got, err := fresh2.Summaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range got {
		if s.Identity() == all[7].Identity() && (s.ProtectedBy == "" || s.Value == "") {
			t.Fatalf("value protection: %+v", s)
		}
	}
}
