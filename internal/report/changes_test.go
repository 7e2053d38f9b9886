package report_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/report"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// TestChangesTrackers: the new and gone trackers of import records —
// shared cookies, a cookie on several sites, trackers of unknown vendors,
// by vendor and by organisation — are exactly those an independent count
// finds, whether the tracking lists are sorted as the jar keeps them or
// in any order.
func TestChangesTrackers(t *testing.T) {
	purpose.Default().Register()
	seen := func(domain, name, site string) jar.TrackingSeen {
		return jar.TrackingSeen{Domain: domain, Name: name, Site: site}
	}
	var common []jar.TrackingSeen
	for i := range 300 {
		s := fmt.Sprintf("site%03d.example", i)
		common = append(common, seen("."+s, "_ga", s), seen(".doubleclick.net", "IDE", s))
	}
	cur := append(slices.Clone(common), seen(".tiktok.com", "_ttp", "a.example"), seen(".tiktok.com", "_ttp", "b.example"),
		seen(".unknown-ads.example", "uid", "unknown-ads.example"), seen(".site001.example", "_fbp", "site001.example"))
	prev := append(slices.Clone(common), seen(".hotjar.com", "_hjid", "c.example"), seen(".other-ads.example", "x", "other-ads.example"),
		seen(".site002.example", "_fbp", "site002.example"), seen(".site002.example", "_clck", "site002.example"))
	sortSeen := func(ts []jar.TrackingSeen) {
		slices.SortFunc(ts, func(a, b jar.TrackingSeen) int {
			if a.Domain != b.Domain {
				return cmpStr(a.Domain, b.Domain)
			}
			if a.Name != b.Name {
				return cmpStr(a.Name, b.Name)
			}
			return cmpStr(a.Site, b.Site)
		})
	}
	cls := purpose.Default()
	trackers := func(ts []jar.TrackingSeen, by report.By) map[string][]string {
		out := map[string][]string{}
		for _, s := range ts {
			v := cls.VendorOf(s.Domain, s.Name)
			name := v.Name
			if by == report.ByOrganisation {
				name = v.Org
			}
			if name == "" {
				name = cookie.Site(s.Domain)
			}
			if !slices.Contains(out[name], s.Site) {
				out[name] = append(out[name], s.Site)
			}
		}
		return out
	}
	diff := func(a, b map[string][]string) map[string][]string {
		out := map[string][]string{}
		for k, v := range a {
			if _, ok := b[k]; !ok {
				slices.Sort(v)
				out[k] = v
			}
		}
		return out
	}
	got := func(ts []report.TrackerChange) map[string][]string {
		out := map[string][]string{}
		for _, tc := range ts {
			if tc.Sites != len(tc.SiteList) {
				t.Errorf("%s: %d sites, %d listed", tc.Name, tc.Sites, len(tc.SiteList))
			}
			out[tc.Name] = tc.SiteList
		}
		return out
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, order := range []string{"sorted", "shuffled"} {
		c, p := slices.Clone(cur), slices.Clone(prev)
		if order == "sorted" {
			sortSeen(c)
			sortSeen(p)
		} else {
			r.Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
			r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
		}
		recs := []jar.ImportRecord{{Source: "firefox:x", Tracking: c, PrevTracking: p}}
		for _, by := range []report.By{report.ByVendor, report.ByOrganisation} {
			want := [2]map[string][]string{diff(trackers(c, by), trackers(p, by)), diff(trackers(p, by), trackers(c, by))}
			if len(want[0]) < 2 || len(want[1]) < 2 {
				t.Fatalf("by %v: the test needs new and gone trackers: %v", by, want)
			}
			sc := report.Changes(recs, by)[0]
			for i, ts := range [][]report.TrackerChange{sc.NewTrackers, sc.GoneTrackers} {
				if g := got(ts); fmt.Sprint(g) != fmt.Sprint(want[i]) {
					t.Errorf("%s by %v: %s trackers %v, want %v", order, by, [2]string{"new", "gone"}[i], g, want[i])
				}
			}
		}
	}
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
