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
	sn := nameSeen(recs, by)
	out := make([]SourceChanges, 0, len(recs))
	for i := range recs {
		r := &recs[i]
		sc := SourceChanges{Source: r.Source, At: r.At, PrevAt: r.PrevAt, First: r.First(),
			Cookies: r.Cookies, Added: r.Added, Gone: r.Gone}
		sc.AddedCookies = changedCookies(r.AddedCookies, by)
		sc.GoneCookies = changedCookies(r.GoneCookies, by)
		// Which trackers each import had: only those in one of them are
		// listed, so only their sites are collected.
		cur, prev := sn.has(sn.idx[i][0]), sn.has(sn.idx[i][1])
		isNew, isGone := make([]bool, len(sn.trackers)), make([]bool, len(sn.trackers))
		for id := range sn.trackers {
			isNew[id], isGone[id] = cur[id] && !prev[id], prev[id] && !cur[id]
		}
		sc.NewTrackers = sn.changes(r.Tracking, sn.idx[i][0], isNew)
		sc.GoneTrackers = sn.changes(r.PrevTracking, sn.idx[i][1], isGone)
		out = append(out, sc)
	}
	return out
}

// seenKey is a tracking cookie of an import record as the vendor
// knowledge sees it.
type seenKey struct{ domain, name string }

// seenNames are the trackers of the records' tracking cookies.
type seenNames struct {
	// idx[r] are, for record r's Tracking and PrevTracking, each cookie's
	// tracker (an index into trackers).
	idx      [][2][]int32
	trackers []trackerNamed // by the grouping asked for: vendor or organisation
	names    []string       // trackers' names under that grouping
}

// has marks the trackers some cookie of idx belongs to.
func (sn *seenNames) has(idx []int32) []bool {
	out := make([]bool, len(sn.trackers))
	for _, id := range idx {
		out[id] = true
	}
	return out
}

// changes lists the trackers want marks, with their sites and cookie
// counts among ts (whose trackers idx are), most sites first.
func (sn *seenNames) changes(ts []jar.TrackingSeen, idx []int32, want []bool) []TrackerChange {
	sets := map[int32]*trackerSet{}
	for k, id := range idx {
		if !want[id] {
			continue
		}
		s := sets[id]
		if s == nil {
			s = &trackerSet{org: sn.trackers[id].org, known: sn.trackers[id].known, sites: map[string]struct{}{}}
			sets[id] = s
		}
		s.sites[ts[k].Site] = struct{}{}
		s.cookies++
	}
	out := []TrackerChange{}
	for id, s := range sets {
		out = append(out, s.change(sn.names[id]))
	}
	sortChanges(out)
	return out
}

// nameSeen names each record's distinct (domain, name) once — the two
// imports of a source hold mostly the same ones — on several cores when
// there are many, and numbers the trackers they belong to under by; a
// tracker without a known vendor is named by its registrable domain, found
// once per domain. The jar keeps both lists sorted by domain and name
// (jar.ImportRecord), so one merge finds the cookies they share; lists in
// another order would only be named twice over, not wrongly.
func nameSeen(recs []jar.ImportRecord, by By) *seenNames {
	n := 0
	for i := range recs {
		n += len(recs[i].Tracking) + len(recs[i].PrevTracking)
	}
	keys := make([]seenKey, 0, n) // sized once: see jar's decodeTracking
	sn := &seenNames{idx: make([][2][]int32, len(recs))}
	for i := range recs {
		cur, prev := recs[i].Tracking, recs[i].PrevTracking
		curIDs, prevIDs := make([]int32, len(cur)), make([]int32, len(prev))
		last, lastID := seenKey{}, int32(-1)
		id := func(t jar.TrackingSeen) int32 {
			k := seenKey{t.Domain, t.Name}
			if lastID < 0 || k != last {
				last, lastID = k, int32(len(keys))
				keys = append(keys, k)
			}
			return lastID
		}
		for c, p := 0, 0; c < len(cur) || p < len(prev); {
			order := 1 // take prev[p]
			switch {
			case p == len(prev):
				order = -1
			case c < len(cur):
				order = cmp.Or(strings.Compare(cur[c].Domain, prev[p].Domain), strings.Compare(cur[c].Name, prev[p].Name))
			}
			switch {
			case order < 0:
				curIDs[c] = id(cur[c])
				c++
			case order > 0:
				prevIDs[p] = id(prev[p])
				p++
			default:
				curIDs[c] = id(cur[c])
				prevIDs[p] = curIDs[c]
				c, p = c+1, p+1
			}
		}
		sn.idx[i] = [2][]int32{curIDs, prevIDs}
	}
	named := nameEach(len(keys), func(i int) (string, string, cookie.Purpose) {
		return keys[i].domain, keys[i].name, cookie.PurposeTracking
	})
	// Each distinct cookie's tracker under by, numbered.
	sites := map[string]string{}
	trackerOf := make([]int32, len(keys))
	byName := map[string]int32{}
	for i, k := range keys {
		t := named[i]
		if !t.known {
			site, ok := sites[k.domain]
			if !ok {
				site = cookie.Site(k.domain)
				sites[k.domain] = site
			}
			t.vendor, t.org = site, site
		}
		name := t.vendor
		if by == ByOrganisation {
			name = t.org
		}
		id, ok := byName[name]
		if !ok {
			id = int32(len(sn.trackers))
			byName[name] = id
			sn.trackers = append(sn.trackers, t)
			sn.names = append(sn.names, name)
		}
		trackerOf[i] = id
	}
	for i := range sn.idx {
		for l := range sn.idx[i] {
			for k, key := range sn.idx[i][l] {
				sn.idx[i][l][k] = trackerOf[key]
			}
		}
	}
	return sn
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
