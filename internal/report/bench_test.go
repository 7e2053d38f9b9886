package report_test

import (
	"cmp"
	"context"
	"github.com/crumbs-dev/crumbs/jar"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/internal/report"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// BenchmarkCompute100k: the report over 100,000 classified cookies (the
// jar's read is measured apart, by jar's BenchmarkAll100k).
func BenchmarkCompute100k(b *testing.B) {
	cs := classified100k()
	b.ResetTimer()
	for range b.N {
		rep := report.Compute(cs, cookie.Filter{}, report.Options{Now: now})
		if rep.Cookies != len(cs) {
			b.Fatal(rep.Cookies)
		}
	}
}

// BenchmarkComputeSited100k: the same with the registrable domains known
// (the UI's dataset has them), as the report screen computes it.
func BenchmarkComputeSited100k(b *testing.B) {
	cs := classified100k()
	sites := make([]string, len(cs))
	for i := range cs {
		sites[i] = cookie.Site(cs[i].Domain)
	}
	b.ResetTimer()
	for range b.N {
		rep := report.ComputeSited(cs, func(i int) string { return sites[i] }, cookie.Filter{}, report.Options{Now: now})
		if rep.Cookies != len(cs) {
			b.Fatal(rep.Cookies)
		}
	}
}

// BenchmarkChanges100k: what changed since the last imports of a
// 100,000-cookie source (read from the jar and named), as the report
// screen computes it beside the report.
func BenchmarkChanges100k(b *testing.B) {
	j, err := jar.Open(filepath.Join(b.TempDir(), "jar.db"), jar.WithClassifier(purpose.Default()))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	cs := gen.Cookies(100_000, 1, now, "firefox:default-release")
	batch := []jar.Batch{{Source: "firefox:default-release", Cookies: cs}}
	if _, err := j.Import(context.Background(), batch, jar.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	batch[0].Cookies = cs[:90_000]
	if _, err := j.Import(context.Background(), batch, jar.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		recs, err := j.ImportRecords(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if ch := report.Changes(recs, report.ByVendor); len(ch) != 1 || ch[0].Gone == 0 {
			b.Fatalf("%+v", ch)
		}
	}
}

// classified100k: 100,000 generated cookies, classified and in the order
// the jar hands them out: by site, then domain (jar.Shared).
func classified100k() []cookie.Cookie {
	cs := gen.Cookies(100_000, 1, now, "firefox:default-release")
	cls := purpose.Default()
	for i := range cs {
		cls.Classify(&cs[i])
	}
	slices.SortFunc(cs, func(a, b cookie.Cookie) int {
		return cmp.Or(strings.Compare(cookie.Site(a.Domain), cookie.Site(b.Domain)), strings.Compare(a.Domain, b.Domain))
	})
	return cs
}
