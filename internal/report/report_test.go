package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/chromium"
	"github.com/crumbs-dev/crumbs/importers/firefox"
	"github.com/crumbs-dev/crumbs/internal/report"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// planted is a tracker the test plants on known sites in known browsers,
// with known oldest creation and longest expiry.
type planted struct {
	vendor, org  string
	domain, name string // domain "" = the site itself (a first-party cookie)
	sites        int
	partitioned  bool // third-party cookie partitioned under each site
	sources      []string
	oldest       time.Duration // before now
	longest      time.Duration // after now
}

var plants = []planted{
	{vendor: "Google Analytics", org: "Google", name: "_ga", sites: 40, sources: []string{"firefox:work", "chrome:Default", "brave:Default"}, oldest: 400 * day, longest: 730 * day},
	{vendor: "Meta Pixel", org: "Meta", name: "_fbp", sites: 23, sources: []string{"chrome:Default", "chrome:Profile 1"}, oldest: 90 * day, longest: 88 * day},
	{vendor: "TikTok Pixel", org: "ByteDance", domain: ".tiktok.com", name: "_ttp", sites: 9, partitioned: true, sources: []string{"firefox:work"}, oldest: 30 * day, longest: 395 * day},
	{vendor: "Microsoft Clarity", org: "Microsoft", name: "_clck", sites: 5, sources: []string{"brave:Default"}, oldest: 12 * day, longest: 365 * day},
	{vendor: "Google Ads", org: "Google", domain: ".doubleclick.net", name: "IDE", sites: 1, sources: []string{"chrome:Default", "firefox:work"}, oldest: 700 * day, longest: 390 * day},
}

// generated makes the planted trackers' cookies plus session and
// preference cookies on the same sites, by source.
func generated() map[string][]cookie.Cookie {
	r := rand.New(rand.NewPCG(7, 16))
	out := map[string][]cookie.Cookie{}
	for _, p := range plants {
		for s := 0; s < p.sites; s++ {
			site := fmt.Sprintf("site%02d.example", s)
			for k, src := range p.sources {
				// Not every browser visits every site: the first source
				// always, the others on most sites.
				if k > 0 && r.IntN(4) == 0 {
					continue
				}
				c := cookie.Cookie{Source: src, Domain: "." + site, Path: "/", Name: p.name, Value: "GA1.2.1.2",
					Created: cookie.TimeOf(now.Add(-time.Duration(1+r.IntN(int(p.oldest/day)-1)) * day)),
					Expires: cookie.TimeOf(now.Add(time.Duration(1+r.IntN(int(p.longest/day)-1)) * day).Truncate(time.Second))}
				if p.domain != "" {
					c.Domain = p.domain
				}
				if p.partitioned {
					c.Partition = cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://www." + site})
				}
				if s == 0 && k == 0 {
					c.Created = cookie.TimeOf(now.Add(-p.oldest)) // the oldest, exactly
				}
				if s == p.sites-1 && k == 0 {
					c.Expires = cookie.TimeOf(now.Add(p.longest)) // the longest-lived, exactly
				}
				out[src] = append(out[src], c)
				// The site's own cookies: a login and a preference.
				out[src] = append(out[src],
					cookie.Cookie{Source: src, Domain: "www." + site, HostOnly: true, Path: "/", Name: "sessionid", Value: "s", Session: true},
					cookie.Cookie{Source: src, Domain: "." + site, Path: "/", Name: "lang", Value: "en", Expires: cookie.TimeOf(now.Add(100 * day))})
			}
		}
	}
	// An expired tracker cookie counts for reach but not for the longest
	// lifetime.
	out["firefox:work"] = append(out["firefox:work"], cookie.Cookie{Source: "firefox:work", Domain: ".site00.example", Path: "/old",
		Name: "_ga", Value: "x", Expires: cookie.TimeOf(now.Add(-day)), Created: cookie.TimeOf(now.Add(-10 * day))})
	return out
}

// fixtureBatches reads the real browser fixtures, skipping without them.
func fixtureBatches(t *testing.T) []jar.Batch {
	t.Helper()
	ctx := context.Background()
	ff := testshared.Path(t, "fixtures", "browsers", "firefox", "profiles", "fx0cookie.default-release", "cookies.sqlite")
	ch := testshared.Path(t, "fixtures", "browsers", "chromium", "user-data", "Default", "Cookies")
	fres, err := firefox.Read(ctx, ff, importers.Options{Source: "firefox:fixture", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	cres, err := chromium.Read(ctx, ch, importers.Options{Source: "chromium:fixture", Browser: "chromium", Password: "peanuts", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(fres.Cookies) == 0 || len(cres.Cookies) == 0 {
		t.Fatalf("fixtures read %d and %d cookies", len(fres.Cookies), len(cres.Cookies))
	}
	return []jar.Batch{
		{Source: "firefox:fixture", File: ff, Cookies: fres.Cookies},
		{Source: "chromium:fixture", File: ch, Cookies: cres.Cookies},
	}
}

func openJar(t *testing.T) *jar.Jar {
	t.Helper()
	j, err := jar.Open(filepath.Join(t.TempDir(), "jar.db"), jar.WithClock(func() time.Time { return now }),
		jar.WithClassifier(purpose.Default()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func batchesOf(m map[string][]cookie.Cookie) []jar.Batch {
	var out []jar.Batch
	for src, cs := range m {
		out = append(out, jar.Batch{Source: src, Cookies: cs})
	}
	slices.SortFunc(out, func(a, b jar.Batch) int { return strings.Compare(a.Source, b.Source) })
	return out
}

// expected is a tracker's reach computed apart from the package: its own
// site, browser and vendor logic over the jar's cookies.
type expected struct {
	sites, browsers, profiles map[string]bool
	cookies                   int
	oldest, longest           time.Time
}

func independent(cs []cookie.Cookie, by report.By) map[string]*expected {
	cls := purpose.Default()
	out := map[string]*expected{}
	for i := range cs {
		c := &cs[i]
		if c.Purpose != cookie.PurposeTracking {
			continue
		}
		host := strings.TrimPrefix(c.Domain, ".")
		if c.Partition.TopLevelSite() != "" {
			u, err := url.Parse(c.Partition.TopLevelSite())
			if err != nil {
				panic(err)
			}
			host = u.Hostname()
		}
		site := cookie.Site(host)
		v := cls.VendorOf(c.Domain, c.Name)
		name := v.Name
		if by == report.ByOrganisation {
			name = v.Org
		}
		if name == "" {
			name = cookie.Site(c.Domain)
		}
		e := out[name]
		if e == nil {
			e = &expected{sites: map[string]bool{}, browsers: map[string]bool{}, profiles: map[string]bool{}}
			out[name] = e
		}
		e.sites[site] = true
		b, _, _ := strings.Cut(c.Source, ":")
		e.browsers[b] = true
		e.profiles[c.Source] = true
		e.cookies++
		if !c.Created.IsZero() && (e.oldest.IsZero() || c.Created.Before(cookie.TimeOf(e.oldest))) {
			e.oldest = c.Created.Time()
		}
		if !c.Session && c.Expires.After(cookie.TimeOf(now)) && c.Expires.After(cookie.TimeOf(e.longest)) {
			e.longest = c.Expires.Time()
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestReportReach: on a jar of the real Firefox and Chromium fixtures plus
// generated cookies of known vendors, every tracker's reach, browsers,
// profiles, cookie count, oldest age and longest lifetime equal what the
// test computes on its own, the planted trackers have exactly the planted
// numbers, the ranking is by reach, and the totals and the purge preview
// agree with a real purge.
func TestReportReach(t *testing.T) {
	j := openJar(t)
	ctx := context.Background()
	batches := append(fixtureBatches(t), batchesOf(generated())...)
	if _, err := j.Import(ctx, batches, jar.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := j.Protect(ctx, cookie.MustParseFilter("domain:site03.example")); err != nil {
		t.Fatal(err)
	}
	cs, _, err := j.Shared(ctx)
	if err != nil {
		t.Fatal(err)
	}

	for _, by := range []report.By{report.ByVendor, report.ByOrganisation} {
		rep := report.Compute(cs, cookie.Filter{}, report.Options{By: by, Now: now})
		want := independent(cs, by)
		if len(rep.Trackers) != len(want) {
			t.Fatalf("by %v: %d trackers, want %d", by, len(rep.Trackers), len(want))
		}
		for i, tr := range rep.Trackers {
			e := want[tr.Name]
			if e == nil {
				t.Fatalf("by %v: tracker %q not expected", by, tr.Name)
			}
			if tr.Sites != len(e.sites) || !slices.Equal(tr.SiteList, keys(e.sites)) || tr.Cookies != e.cookies ||
				!slices.Equal(sorted(tr.Browsers), keys(e.browsers)) || !slices.Equal(tr.Profiles, keys(e.profiles)) ||
				!tr.Oldest.Equal(e.oldest) || !tr.Longest.Equal(e.longest) {
				t.Errorf("by %v: %s: got sites %d browsers %v profiles %v cookies %d oldest %v longest %v\nwant sites %d browsers %v profiles %v cookies %d oldest %v longest %v",
					by, tr.Name, tr.Sites, tr.Browsers, tr.Profiles, tr.Cookies, tr.Oldest, tr.Longest,
					len(e.sites), keys(e.browsers), keys(e.profiles), e.cookies, e.oldest, e.longest)
			}
			var share float64
			for _, s := range tr.Shares {
				share += s.Sites
			}
			if d := share - float64(tr.Sites); d > 1e-9 || d < -1e-9 {
				t.Errorf("%s: browser shares add up to %v of %d sites", tr.Name, share, tr.Sites)
			}
			if i > 0 && rep.Trackers[i-1].Sites < tr.Sites {
				t.Errorf("ranking: %s (%d sites) after %s (%d)", tr.Name, tr.Sites, rep.Trackers[i-1].Name, rep.Trackers[i-1].Sites)
			}
		}
	}

	// The planted trackers, on the generated cookies alone: exact numbers.
	gen := report.Compute(cs, cookie.MustParseFilter("-source:fixture"), report.Options{Now: now})
	byName := map[string]report.Tracker{}
	for _, tr := range gen.Trackers {
		byName[tr.Name] = tr
	}
	for _, p := range plants {
		tr, ok := byName[p.vendor]
		if !ok {
			t.Errorf("planted %s not reported (have %v)", p.vendor, names(gen.Trackers))
			continue
		}
		if tr.Organisation != p.org || !tr.Known || tr.Sites != p.sites {
			t.Errorf("%s: org %q known %v sites %d, want %q true %d", p.vendor, tr.Organisation, tr.Known, tr.Sites, p.org, p.sites)
		}
		if got := tr.OldestAge(now); got != p.oldest {
			t.Errorf("%s: oldest %v, want %v", p.vendor, got, p.oldest)
		}
		if got := tr.LongestLeft(now); got != p.longest {
			t.Errorf("%s: longest %v, want %v", p.vendor, got, p.longest)
		}
		wantBrowsers := map[string]bool{}
		for _, s := range p.sources {
			wantBrowsers[report.BrowserOf(s)] = true
		}
		if !slices.Equal(sorted(tr.Browsers), keys(wantBrowsers)) {
			t.Errorf("%s: browsers %v, want %v", p.vendor, tr.Browsers, keys(wantBrowsers))
		}
	}
	if gen.Trackers[0].Name != "Google Analytics" {
		t.Errorf("most reach: %s", gen.Trackers[0].Name)
	}
	org := report.Compute(cs, cookie.MustParseFilter("-source:fixture"), report.Options{Now: now, By: report.ByOrganisation})
	for _, tr := range org.Trackers {
		if tr.Name == "Google" { // Analytics on 40 sites, Ads on doubleclick.net
			if tr.Sites != 40+1 || !slices.Equal(tr.Vendors, []string{"Google Analytics", "Google Ads"}) {
				t.Errorf("Google: %d sites, vendors %v", tr.Sites, tr.Vendors)
			}
		}
	}

	// Totals, counted apart, and the purge preview against a real purge.
	rep := report.Compute(cs, cookie.Filter{}, report.Options{Now: now})
	purposes, browsers, protected := map[string]int{}, map[string]int{}, 0
	for i := range cs {
		purposes[string(cs[i].Purpose)]++
		b, _, _ := strings.Cut(cs[i].Source, ":")
		browsers[b]++
		if cs[i].Purpose == cookie.PurposeTracking && cs[i].ProtectedBy != "" {
			protected++
		}
	}
	if rep.Cookies != len(cs) {
		t.Fatalf("cookies %d of %d", rep.Cookies, len(cs))
	}
	for _, pc := range rep.ByPurpose {
		if pc.Cookies != purposes[pc.Name] {
			t.Errorf("purpose %s: %d, want %d", pc.Name, pc.Cookies, purposes[pc.Name])
		}
	}
	for _, bc := range rep.Browsers {
		if bc.Cookies != browsers[bc.Name] {
			t.Errorf("browser %s: %d, want %d", bc.Name, bc.Cookies, browsers[bc.Name])
		}
	}
	if len(rep.Browsers) != len(browsers) || protected == 0 || rep.Purge.Protected != protected {
		t.Fatalf("browsers %v; protected %d, want %d (>0)", rep.Browsers, rep.Purge.Protected, protected)
	}
	removal, err := j.PurgeWith(ctx, cookie.MustParseFilter("purpose:tracking"), jar.RemoveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if removal.Moved != rep.Purge.Remove || removal.Kept != rep.Purge.Protected || rep.Purge.Keep != len(cs)-removal.Moved {
		t.Fatalf("preview: remove %d keep %d (%d protected); the purge moved %d and kept %d protected",
			rep.Purge.Remove, rep.Purge.Keep, rep.Purge.Protected, removal.Moved, removal.Kept)
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func names(ts []report.Tracker) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}
