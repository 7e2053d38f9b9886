package ui

import (
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/crumbs-dev/crumbs/jar"
)

// dataset is every live cookie the UI knows, in the jar's default order
// (site, domain, path, name), with per-cookie facts precomputed once per
// load so that filtering and grouping never recompute them per keystroke.
type dataset struct {
	cookies []jar.Cookie
	sites   []string // registrable domain of cookies[i]
	// complete is false while only the first page is loaded (fast first frame).
	complete bool
	total    int // live cookies in the jar
	counts   jar.Counts
	sources  []string // distinct sources, sorted
}

func newDataset(cs []jar.Cookie, total int, counts jar.Counts) *dataset {
	ds := &dataset{cookies: cs, sites: make([]string, len(cs)), total: total, counts: counts}
	ds.complete = len(cs) >= total
	seen := map[string]bool{}
	var prevDomain, prevSite string
	for i := range cs {
		d := cs[i].Domain
		if d != prevDomain || i == 0 {
			prevDomain, prevSite = d, jar.Site(d)
		}
		ds.sites[i] = prevSite
		if !seen[cs[i].Source] {
			seen[cs[i].Source] = true
			ds.sources = append(ds.sources, cs[i].Source)
		}
	}
	sort.Strings(ds.sources)
	return ds
}

// siteSort orders the sites pane.
type siteSort int

const (
	siteByName siteSort = iota
	siteByCount
	siteByTracking // share of tracking cookies
	siteSortCount
)

func (s siteSort) String() string {
	return [...]string{"name", "count", "tracking share"}[s]
}

// cookieSort orders the cookies pane and the flat table.
type cookieSort int

const (
	cookieByDomain cookieSort = iota // the jar's order: site, domain, path, name
	cookieByName
	cookieByPurpose
	cookieByExpiry
	cookieBySource
	cookieSortCount
)

func (s cookieSort) String() string {
	return [...]string{"site", "name", "purpose", "expiry", "source"}[s]
}

// purposeIndex maps a purpose to its slot in per-purpose counters.
func purposeIndex(p jar.Purpose) int {
	switch p {
	case jar.PurposeSession:
		return 0
	case jar.PurposePersonalization:
		return 1
	case jar.PurposeTracking:
		return 2
	}
	return 3
}

// siteAgg is one line of the sites pane: a registrable domain and the
// cookies of it that pass the current filter.
type siteAgg struct {
	name  string
	count int
	by    [4]int  // per purposeIndex
	rows  []int32 // indices into dataset.cookies, in cookie-sort order
}

func (s *siteAgg) trackingShare() float64 {
	if s.count == 0 {
		return 0
	}
	return float64(s.by[2]) / float64(s.count)
}

// result is what the current filter shows. It is computed off the UI
// goroutine (in a tea.Cmd) and carries the generation of the query it
// answers, so a stale result never replaces a newer one.
type result struct {
	gen      int
	ds       *dataset
	rows     []int32 // every matching cookie, in cookie-sort order
	sites    []siteAgg
	siteSort siteSort
	siteDesc bool
}

// query is everything that decides a result.
type query struct {
	gen        int
	filter     jar.Filter
	hasFilter  bool
	siteSort   siteSort
	siteDesc   bool
	cookieSort cookieSort
	cookieDesc bool
	now        time.Time
	// latest, if set, holds the newest generation asked for; a compute
	// that is no longer the newest stops early (fzf's cancelled scan).
	latest *atomic.Int64
}

// compute filters and groups ds. It is O(n) plus sorting and runs in a Cmd.
func compute(ds *dataset, q query) *result {
	r := &result{gen: q.gen, ds: ds}
	rows := make([]int32, 0, len(ds.cookies))
	for i := range ds.cookies {
		if i&4095 == 4095 && q.latest != nil && q.latest.Load() != int64(q.gen) {
			return r // superseded: the caller drops it by its generation
		}
		if q.hasFilter && !q.filter.Match(&ds.cookies[i], q.now) {
			continue
		}
		rows = append(rows, int32(i))
	}
	sortRows(ds, rows, q.cookieSort, q.cookieDesc)
	r.rows = rows
	idx := map[string]int{}
	for _, i := range rows {
		name := ds.sites[i]
		k, ok := idx[name]
		if !ok {
			k = len(r.sites)
			idx[name] = k
			r.sites = append(r.sites, siteAgg{name: name})
		}
		s := &r.sites[k]
		s.count++
		s.by[purposeIndex(ds.cookies[i].Purpose)]++
		s.rows = append(s.rows, i)
	}
	r.sortSites(q.siteSort, q.siteDesc)
	return r
}

// sortSites reorders the sites pane; cheap enough (thousands of sites) to
// run on a keystroke.
func (r *result) sortSites(by siteSort, desc bool) {
	r.siteSort, r.siteDesc = by, desc
	less := func(a, b *siteAgg) bool {
		switch by {
		case siteByCount:
			if a.count != b.count {
				return a.count > b.count
			}
		case siteByTracking:
			sa, sb := a.trackingShare(), b.trackingShare()
			if sa != sb {
				return sa > sb
			}
			if a.by[2] != b.by[2] {
				return a.by[2] > b.by[2]
			}
		}
		return a.name < b.name
	}
	sort.SliceStable(r.sites, func(i, j int) bool {
		if desc {
			return less(&r.sites[j], &r.sites[i])
		}
		return less(&r.sites[i], &r.sites[j])
	})
}

func sortRows(ds *dataset, rows []int32, by cookieSort, desc bool) {
	if by == cookieByDomain && !desc {
		return // already the jar's order
	}
	cs := ds.cookies
	less := func(a, b int32) bool {
		x, y := &cs[a], &cs[b]
		switch by {
		case cookieByName:
			if x.Name != y.Name {
				return strings.ToLower(x.Name) < strings.ToLower(y.Name)
			}
		case cookieByPurpose:
			if x.Purpose != y.Purpose {
				return purposeIndex(x.Purpose) < purposeIndex(y.Purpose)
			}
		case cookieByExpiry:
			ex, ey := expirySortKey(x), expirySortKey(y)
			if !ex.Equal(ey) {
				return ex.Before(ey)
			}
		case cookieBySource:
			if x.Source != y.Source {
				return x.Source < y.Source
			}
		}
		return a < b
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if desc {
			return less(rows[j], rows[i])
		}
		return less(rows[i], rows[j])
	})
}

// expirySortKey puts session cookies first.
func expirySortKey(c *jar.Cookie) time.Time {
	if c.Session {
		return time.Time{}
	}
	return c.Expires
}
