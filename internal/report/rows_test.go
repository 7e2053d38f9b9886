package report_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/internal/report"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// TestFromRowsIsCompute: the report crumbs report computes from the jar's
// lighter read (jar.ReportRows: the cookies that do not track counted by
// SQLite, the tracking ones as rows) is exactly the Report Compute makes
// from every cookie — for the whole jar and for filters that compile to
// SQL and ones that do not, with protections by domain and by value, read
// from the file and from the in-process snapshot, grouped by vendor and
// by organisation. (Compute itself is checked against an independent count
// in TestReportReach.)
func TestFromRowsIsCompute(t *testing.T) {
	purpose.Default().Register()
	path := filepath.Join(t.TempDir(), "jar.db")
	clock := jar.WithClock(func() time.Time { return now })
	j, err := jar.Open(path, clock, jar.WithClassifier(purpose.Default()))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ctx := context.Background()
	// Generated cookies of many vendors (more tracking rows than one of
	// the read's chunks holds), the planted trackers in several browsers,
	// partitioned, session, expired.
	batches := append(batchesOf(generated()),
		jar.Batch{Source: "firefox:gen", Cookies: gen.Cookies(12_000, 3, now, "firefox:gen")},
		jar.Batch{Source: "chrome:gen", Cookies: gen.Cookies(3_000, 4, now, "chrome:gen")})
	if _, err := j.Import(ctx, batches, jar.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:site03.example")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("name:_fbp source:chrome:default")); err != nil {
		t.Fatal(err)
	}
	filters := []string{"", "-source:gen", "source:firefox is:partitioned", "-is:expired", "is:session | name:_ga",
		"purpose:tracking", "value:GA1", // compile to SQL
		`vendor:"Google Analytics"`, "org:google", "is:protected", "google", "-purpose:session name:_g", // do not
	}
	check := func(name string, reader *jar.Jar) {
		t.Helper()
		all, _, err := j.Shared(ctx) // whole cookies, protections marked
		if err != nil {
			t.Fatal(err)
		}
		for _, fs := range filters {
			f := cookie.MustParseFilter(fs)
			rows, err := reader.ReportRows(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, by := range []report.By{report.ByVendor, report.ByOrganisation} {
				o := report.Options{By: by, Now: now}
				want, got := report.Compute(all, f, o), report.FromRows(rows, o)
				if want.TrackingCookies == 0 && fs != "is:session | name:_ga" && fs != "-purpose:session name:_g" {
					t.Fatalf("%s %q: no tracking cookie selected: the filter tests nothing", name, fs)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %q by %v: FromRows differs from Compute:\n got %+v\nwant %+v", name, fs, by, summary(got), summary(want))
				}
			}
		}
	}
	fresh := func() *jar.Jar {
		t.Helper()
		k, err := jar.Open(path, clock)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { k.Close() })
		return k
	}
	check("file", fresh())
	check("snapshot", j) // j's snapshot is current: ReportRows counts it
	// A protection that looks at values: the tracking rows come from whole
	// cookies.
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("value:GA1.2 domain:site07.example")); err != nil {
		t.Fatal(err)
	}
	check("value protection", fresh())
}

// summary is a Report without its long lists, for a readable failure.
func summary(r *report.Report) report.Report {
	s := *r
	s.Trackers = nil
	if len(r.Trackers) > 0 {
		t0 := r.Trackers[0]
		t0.SiteList = nil
		s.Trackers = []report.Tracker{t0}
	}
	return s
}
