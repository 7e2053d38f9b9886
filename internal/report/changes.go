package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// SourceChanges is what changed in one source between its previous import
// and its latest one (jar.ImportRecord, with the trackers named).
type SourceChanges struct {
	Source     string
	At, PrevAt time.Time
	// First: the latest import was the source's first on record; there is
	// nothing to compare with, so every cookie counts as added (none
	// listed) and every tracker as new.
	First   bool
	Cookies int // cookies the latest import read
	Added   int
	Gone    int
	// AddedCookies and GoneCookies list up to 1,000 each (the counts are
	// exact); a gone cookie deleted from the jar before the import is
	// counted, not listed.
	AddedCookies []ChangedCookie
	GoneCookies  []ChangedCookie
	NewTrackers  []TrackerChange
	GoneTrackers []TrackerChange
}

// ChangedCookie is a cookie that came or went, with its tracker when it is
// a tracking cookie.
type ChangedCookie struct {
	jar.RecordedCookie
	Tracker string
}

// TrackerChange is a tracker that came or went: how many of its cookies,
// on how many sites, in the import that had it.
type TrackerChange struct {
	Name, Organisation string
	Known              bool
	Sites              int
	Cookies            int
	SiteList           []string // sorted
}

// Changes names what changed in each record's source, grouping trackers by
// by. Both imports' trackers are named with today's knowledge, so an
// update of crumbs' knowledge never shows as new trackers.
func Changes(recs []jar.ImportRecord, by By) []SourceChanges {
	out := make([]SourceChanges, 0, len(recs))
	for i := range recs {
		r := &recs[i]
		sc := SourceChanges{Source: r.Source, At: r.At, PrevAt: r.PrevAt, First: r.First(),
			Cookies: r.Cookies, Added: r.Added, Gone: r.Gone}
		sc.AddedCookies = changedCookies(r.AddedCookies, by)
		sc.GoneCookies = changedCookies(r.GoneCookies, by)
		cur, prev := trackersOf(r.Tracking, by), trackersOf(r.PrevTracking, by)
		sc.NewTrackers, sc.GoneTrackers = []TrackerChange{}, []TrackerChange{}
		for name, t := range cur {
			if _, ok := prev[name]; !ok {
				sc.NewTrackers = append(sc.NewTrackers, t.change(name))
			}
		}
		for name, t := range prev {
			if _, ok := cur[name]; !ok {
				sc.GoneTrackers = append(sc.GoneTrackers, t.change(name))
			}
		}
		sortChanges(sc.NewTrackers)
		sortChanges(sc.GoneTrackers)
		out = append(out, sc)
	}
	return out
}

func changedCookies(rs []jar.RecordedCookie, by By) []ChangedCookie {
	out := make([]ChangedCookie, len(rs))
	for i, r := range rs {
		out[i].RecordedCookie = r
		c := cookie.Cookie{Domain: r.Domain, Name: r.Name, Purpose: r.Purpose}
		if name, _, _, ok := TrackerOf(&c, cookie.Site(r.Domain), by); ok {
			out[i].Tracker = name
		}
	}
	return out
}

type trackerSet struct {
	org     string
	known   bool
	sites   map[string]struct{}
	cookies int
}

func (t *trackerSet) change(name string) TrackerChange {
	tc := TrackerChange{Name: name, Organisation: t.org, Known: t.known, Sites: len(t.sites), Cookies: t.cookies}
	for s := range t.sites {
		tc.SiteList = append(tc.SiteList, s)
	}
	slices.Sort(tc.SiteList)
	return tc
}

// trackersOf groups an import's tracking cookies by tracker.
func trackersOf(ts []jar.TrackingSeen, by By) map[string]*trackerSet {
	out := map[string]*trackerSet{}
	sites := map[string]string{}
	for _, t := range ts {
		site, ok := sites[t.Domain]
		if !ok {
			site = cookie.Site(t.Domain)
			sites[t.Domain] = site
		}
		c := cookie.Cookie{Domain: t.Domain, Name: t.Name, Purpose: cookie.PurposeTracking}
		name, org, known, _ := TrackerOf(&c, site, by)
		s := out[name]
		if s == nil {
			s = &trackerSet{org: org, known: known, sites: map[string]struct{}{}}
			out[name] = s
		}
		s.sites[t.Site] = struct{}{}
		s.cookies++
	}
	return out
}

func sortChanges(ts []TrackerChange) {
	slices.SortFunc(ts, func(a, b TrackerChange) int {
		return cmp.Or(cmp.Compare(b.Sites, a.Sites), cmp.Compare(b.Cookies, a.Cookies), cmp.Compare(a.Name, b.Name))
	})
}

// NewTrackers merges the new trackers of several sources (an import of
// several browsers): one entry per tracker, its sites the union.
func NewTrackers(cs []SourceChanges) []TrackerChange {
	byName := map[string]*TrackerChange{}
	sites := map[string]map[string]struct{}{}
	var order []string
	for _, sc := range cs {
		for _, t := range sc.NewTrackers {
			m := byName[t.Name]
			if m == nil {
				m = &TrackerChange{Name: t.Name, Organisation: t.Organisation, Known: t.Known}
				byName[t.Name] = m
				sites[t.Name] = map[string]struct{}{}
				order = append(order, t.Name)
			}
			m.Cookies += t.Cookies
			for _, s := range t.SiteList {
				sites[t.Name][s] = struct{}{}
			}
		}
	}
	out := make([]TrackerChange, 0, len(order))
	for _, name := range order {
		m := byName[name]
		for s := range sites[name] {
			m.SiteList = append(m.SiteList, s)
		}
		slices.Sort(m.SiteList)
		m.Sites = len(m.SiteList)
		out = append(out, *m)
	}
	sortChanges(out)
	return out
}

// NewTrackersLine is the line `crumbs import` ends with: "3 new trackers:
// TikTok on 4 sites, Criteo on 2 sites, Hotjar on 1 site", at most five
// named. Names are as stored: the caller makes them safe for a terminal.
func NewTrackersLine(ts []TrackerChange, safe func(string) string) string {
	if len(ts) == 0 {
		return "no new trackers since the last import"
	}
	const named = 5
	parts := make([]string, 0, named+1)
	for i, t := range ts {
		if i == named {
			parts = append(parts, fmt.Sprintf("and %d more", len(ts)-named))
			break
		}
		parts = append(parts, safe(t.Name)+" on "+plural(t.Sites, "site"))
	}
	return plural(len(ts), "new tracker") + ": " + strings.Join(parts, ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
