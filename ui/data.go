package ui

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// dataset is every live cookie the UI knows, in the jar's default order
// (site, domain, path, name). After the full load, cookies is the jar's own
// cached slice (jar.Shared): the UI never copies it and never writes to it.
// Per-cookie facts are small indices computed once per load, so filtering
// and grouping never recompute them per keystroke.
type dataset struct {
	cookies []cookie.Cookie // read-only: shared with the jar
	siteOf  []int32         // siteOf[i] indexes siteNames: the registrable domain of cookies[i]
	// siteNames are the distinct registrable domains, in the order they
	// first appear (the jar's order is by site, so sorted by name).
	siteNames []string
	// complete is false while only the first page is loaded (fast first frame).
	complete bool
	total    int    // live cookies in the jar
	version  uint64 // jar.Shared's snapshot version (0 for the first page)
	// byPurpose counts the cookies per purposeIndex (only when complete:
	// counted from the loaded slice, which costs far less than asking the
	// jar to scan its table again).
	byPurpose [4]int
	sources   []string // distinct sources, sorted

	// The folded text (cookie.FoldText) of every cookie, built on the first
	// search with a free word: one string holding them all back to back and
	// the offsets into it, so the text costs its bytes plus 4 per cookie.
	foldOnce sync.Once
	foldText string
	foldOff  []uint32 // folded(i) = foldText[foldOff[i]:foldOff[i+1]]
}

func newDataset(cs []cookie.Cookie, total int, version uint64) *dataset {
	ds := &dataset{cookies: cs, siteOf: make([]int32, len(cs)), total: total, version: version}
	ds.complete = len(cs) >= total
	seenSource := map[string]bool{}
	siteIndex := map[string]int32{}
	var prevDomain string
	var prevSite int32
	for i := range cs {
		if d := cs[i].Domain; d != prevDomain || i == 0 {
			prevDomain = d
			name := cookie.Site(d)
			k, ok := siteIndex[name]
			if !ok {
				k = int32(len(ds.siteNames))
				siteIndex[name] = k
				ds.siteNames = append(ds.siteNames, name)
			}
			prevSite = k
		}
		ds.siteOf[i] = prevSite
		ds.byPurpose[purposeIndex(cs[i].Purpose)]++
		if src := cs[i].Source; !seenSource[src] {
			seenSource[src] = true
			ds.sources = append(ds.sources, src)
		}
	}
	sort.Strings(ds.sources)
	return ds
}

// site is the registrable domain of cookies[i].
func (ds *dataset) site(i int32) string { return ds.siteNames[ds.siteOf[i]] }

// folded returns cookies[i]'s folded text; buildFolded must have run.
func (ds *dataset) folded(i int) string { return ds.foldText[ds.foldOff[i]:ds.foldOff[i+1]] }

// buildFolded computes the folded text of every cookie once (safe to call
// from concurrent Cmds).
func (ds *dataset) buildFolded() {
	ds.foldOnce.Do(func() {
		n := 0
		for i := range ds.cookies {
			c := &ds.cookies[i]
			n += len(c.Domain) + len(c.Name) + len(c.Value) + 2
		}
		var b strings.Builder
		b.Grow(n + n/16) // lower-casing non-ASCII text may change its length
		off := make([]uint32, len(ds.cookies)+1)
		for i := range ds.cookies {
			b.WriteString(cookie.FoldText(&ds.cookies[i]))
			off[i+1] = uint32(b.Len())
		}
		ds.foldText, ds.foldOff = b.String(), off
	})
}

// hasFreeWord reports whether the search text may hold a free word (one
// without a key such as domain: or is:), which searches the folded text.
// It errs towards yes: a wrong yes only builds the folded text needlessly.
func hasFreeWord(text string) bool {
	for _, tok := range strings.Fields(text) {
		tok = strings.TrimPrefix(tok, "-")
		k, _, ok := strings.Cut(tok, ":")
		if !ok {
			return true
		}
		switch strings.ToLower(k) {
		case "domain", "name", "value", "purpose", "source", "vendor", "org", "is":
		default:
			return true
		}
	}
	return false
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
func purposeIndex(p cookie.Purpose) int {
	switch p {
	case cookie.PurposeSession:
		return 0
	case cookie.PurposePersonalization:
		return 1
	case cookie.PurposeTracking:
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
	prot  int     // how many of them are protected
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
	filter     cookie.Filter
	hasFilter  bool
	freeWord   bool // the filter may have a free word: match the folded text
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
	useFolded := q.hasFilter && q.freeWord
	if useFolded {
		ds.buildFolded()
	}
	rows := make([]int32, 0, len(ds.cookies))
	for i := range ds.cookies {
		if i&4095 == 4095 && q.latest != nil && q.latest.Load() != int64(q.gen) {
			return r // superseded: the caller drops it by its generation
		}
		if q.hasFilter {
			c := &ds.cookies[i]
			if useFolded {
				if !q.filter.MatchFolded(c, ds.folded(i), q.now) {
					continue
				}
			} else if !q.filter.Match(c, q.now) {
				continue
			}
		}
		rows = append(rows, int32(i))
	}
	sortRows(ds, rows, q.cookieSort, q.cookieDesc)
	r.rows = rows
	// Group by site: slot[k] is the index in r.sites of siteNames[k], or -1.
	slot := make([]int32, len(ds.siteNames))
	for k := range slot {
		slot[k] = -1
	}
	for _, i := range rows {
		k := ds.siteOf[i]
		if slot[k] < 0 {
			slot[k] = int32(len(r.sites))
			r.sites = append(r.sites, siteAgg{name: ds.siteNames[k]})
		}
		s := &r.sites[slot[k]]
		s.count++
		s.by[purposeIndex(ds.cookies[i].Purpose)]++
		if ds.cookies[i].ProtectedBy != "" {
			s.prot++
		}
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
			if c := cookie.CompareFold(x.Name, y.Name); c != 0 {
				return c < 0
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
func expirySortKey(c *cookie.Cookie) time.Time {
	if c.Session {
		return time.Time{}
	}
	return c.Expires
}
