package ui

import (
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"

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

	// fact[i] is purposeIndex of cookies[i] in its low two bits, and
	// factProtected if a protection covers it: what grouping counts per
	// row, one byte each instead of a read of the 264-byte cookie.
	fact []uint8

	// The folded text (cookie.FoldText) of every cookie, built once after
	// a full load (foldCmd) or on the first search with a free word,
	// whichever comes first: per chunk of foldChunk cookies one string
	// holding their texts back to back, and every cookie's offset into its
	// chunk's, so the text costs its bytes plus 4 per cookie.
	foldOnce sync.Once
	foldDone atomic.Bool // the folded text is built
	// searching counts the searches matching the fields while the
	// background fold runs: the fold waits for them (yieldToSearch).
	searching atomic.Int32
	foldText  []string // one per chunk
	foldOff   []uint32 // folded(i) starts at foldText[i/foldChunk][foldOff[i]:]
}

// factProtected is the bit of dataset.fact for a protected cookie.
const factProtected = 4

// foldChunk cookies share one folded string; chunks fold in parallel.
const foldChunk = 1 << 16

func newDataset(cs []cookie.Cookie, total int, version uint64) *dataset {
	ds := &dataset{cookies: cs, siteOf: make([]int32, len(cs)), fact: make([]uint8, len(cs)), total: total, version: version}
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
		pi := purposeIndex(cs[i].Purpose)
		ds.byPurpose[pi]++
		ds.fact[i] = uint8(pi)
		if cs[i].ProtectedBy != "" {
			ds.fact[i] |= factProtected
		}
		if src := cs[i].Source; !seenSource[src] {
			seenSource[src] = true
			ds.sources = append(ds.sources, src)
		}
	}
	sort.Strings(ds.sources)
	return ds
}

// withoutFold is ds without its folded text (Model.dropFold).
func (ds *dataset) withoutFold() *dataset {
	return &dataset{cookies: ds.cookies, siteOf: ds.siteOf, siteNames: ds.siteNames, complete: ds.complete,
		total: ds.total, version: ds.version, byPurpose: ds.byPurpose, sources: ds.sources, fact: ds.fact}
}

// site is the registrable domain of cookies[i].
func (ds *dataset) site(i int32) string { return ds.siteNames[ds.siteOf[i]] }

// folded returns cookies[i]'s folded text; buildFolded must have run.
func (ds *dataset) folded(i int) string {
	t := ds.foldText[i/foldChunk]
	if i+1 < len(ds.foldOff) && (i+1)%foldChunk != 0 {
		return t[ds.foldOff[i]:ds.foldOff[i+1]]
	}
	return t[ds.foldOff[i]:]
}

// buildFolded computes the folded text of every cookie once, its chunks
// on every core (safe to call from concurrent Cmds: a second caller waits
// for the first).
func (ds *dataset) buildFolded() {
	ds.foldOnce.Do(func() {
		n := len(ds.cookies)
		chunks := (n + foldChunk - 1) / foldChunk
		texts := make([]string, chunks)
		off := make([]uint32, n)
		parallel(chunks, func(k int) {
			lo, hi := k*foldChunk, min((k+1)*foldChunk, n)
			size := 0
			for i := lo; i < hi; i++ {
				c := &ds.cookies[i]
				size += len(c.Domain) + len(c.Name) + len(c.Value) + 2
			}
			var b strings.Builder
			b.Grow(size + size/16) // lower-casing non-ASCII text may change its length
			for i := lo; i < hi; i++ {
				if (i-lo)%foldYieldEvery == 0 {
					ds.yieldToSearch()
				}
				off[i] = uint32(b.Len())
				appendFolded(&b, &ds.cookies[i])
			}
			texts[k] = b.String()
		})
		ds.foldText, ds.foldOff = texts, off
		ds.foldDone.Store(true)
	})
}

// foldYieldEvery is how many cookies the fold folds between two looks at
// a waiting search (a few hundred microseconds of work).
const foldYieldEvery = 4096

// yieldToSearch waits while a search matches the fields. The fold of a
// million cookies runs on every core for a second or more after the load;
// a search typed meanwhile would share the cores with it and take twice as
// long (about 270 ms instead of the budget's 150 at a million,
// docs/budgets.md §5). The search does not wait for the fold, so the fold
// can wait for the search.
func (ds *dataset) yieldToSearch() {
	for ds.searching.Load() > 0 {
		time.Sleep(time.Millisecond)
	}
}

// appendFolded writes cookie.FoldText(c) to b without allocating for ASCII
// text (nearly every cookie); the rest goes through FoldText itself.
func appendFolded(b *strings.Builder, c *cookie.Cookie) {
	value := c.Value
	if c.ValueUnreadable {
		value = ""
	}
	for _, s := range [...]string{c.Domain, c.Name, value} {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				b.WriteString(cookie.FoldText(c))
				return
			}
		}
	}
	for k, s := range [...]string{c.Domain, c.Name, value} {
		if k > 0 {
			b.WriteByte(0)
		}
		for i := 0; i < len(s); i++ {
			ch := s[i]
			if ch >= 'A' && ch <= 'Z' {
				ch += 'a' - 'A'
			}
			b.WriteByte(ch)
		}
	}
}

// foldCmd folds the text of every cookie of a big jar in the background
// right after its load, so that the first free word typed into the search
// does not wait for it (about a second at a million cookies on one core).
// A search typed sooner waits for the same fold instead of starting its own.
func foldCmd(ds *dataset) tea.Cmd {
	if ds == nil || len(ds.cookies) < foldEagerly {
		return nil // folded on the first search: a few milliseconds
	}
	return func() tea.Msg {
		ds.buildFolded()
		return nil
	}
}

// foldEagerly is the size from which a load folds the text at once.
const foldEagerly = 200_000

// sequential runs fn(0) … fn(n-1) in order.
func sequential(n int, fn func(k int)) {
	for k := range n {
		fn(k)
	}
}

// parallel runs fn(0) … fn(n-1) on every core and waits for them.
func parallel(n int, fn func(k int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for k := range n {
			fn(k)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				fn(k)
			}
		}()
	}
	wg.Wait()
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

// compute filters and groups ds. It is O(n) plus sorting and runs in a Cmd;
// the filter runs on every core, in blocks of matchBlock cookies.
func compute(ds *dataset, q query) *result {
	r := &result{gen: q.gen, ds: ds}
	useFolded := q.hasFilter && q.freeWord
	if useFolded && len(ds.cookies) >= foldEagerly && !ds.foldDone.Load() {
		// foldCmd is still folding this big jar: match the fields
		// themselves (slower per cookie, but no wait for the fold), with
		// the cores to ourselves.
		useFolded = false
		ds.searching.Add(1)
		defer ds.searching.Add(-1)
	} else if useFolded {
		ds.buildFolded()
	}
	var rows []int32
	if !q.hasFilter {
		rows = make([]int32, len(ds.cookies))
		for i := range rows {
			rows[i] = int32(i)
		}
	} else {
		n := len(ds.cookies)
		blocks := make([][]int32, (n+matchBlock-1)/matchBlock)
		superseded := atomic.Bool{}
		run := parallel
		if n < parallelFrom {
			run = sequential
		}
		run(len(blocks), func(k int) {
			if superseded.Load() || q.latest != nil && q.latest.Load() != int64(q.gen) {
				superseded.Store(true)
				return
			}
			var out []int32
			for i := k * matchBlock; i < min((k+1)*matchBlock, n); i++ {
				c := &ds.cookies[i]
				if useFolded {
					if !q.filter.MatchFolded(c, ds.folded(i), q.now) {
						continue
					}
				} else if !q.filter.Match(c, q.now) {
					continue
				}
				out = append(out, int32(i))
			}
			blocks[k] = out
		})
		if superseded.Load() {
			return r // superseded: the caller drops it by its generation
		}
		total := 0
		for _, b := range blocks {
			total += len(b)
		}
		rows = make([]int32, 0, total)
		for _, b := range blocks {
			rows = append(rows, b...)
		}
	}
	sortRows(ds, rows, q.cookieSort, q.cookieDesc)
	r.rows = rows
	r.sites = groupSites(ds, rows)
	r.sortSites(q.siteSort, q.siteDesc)
	return r
}

// matchBlock cookies are matched per task of compute's parallel filter,
// which looks at the newest generation between blocks.
const matchBlock = 1 << 14

// parallelFrom is the size from which compute filters on every core. Below
// it one core is fast enough (a few milliseconds at 100,000), and on a
// busy machine waiting for a second goroutine's block cost more wall time
// than it saved (measured at 100,000: the same CPU, 1.5× the wall time).
var parallelFrom = 200_000 // a variable: the tests run the parallel path on fewer

// groupSites splits rows by site, keeping their order within a site, the
// sites in the order they first appear. Every site's rows are one range of
// a single slice (rows itself when the sort keeps sites together): no
// slice per site grows by appending.
func groupSites(ds *dataset, rows []int32) []siteAgg {
	// slot[k] is the index in sites of siteNames[k], or -1.
	slot := make([]int32, len(ds.siteNames))
	for k := range slot {
		slot[k] = -1
	}
	var sites []siteAgg
	contiguous := true
	last := int32(-1)
	for _, i := range rows {
		k := ds.siteOf[i]
		if slot[k] < 0 {
			slot[k] = int32(len(sites))
			sites = append(sites, siteAgg{name: ds.siteNames[k]})
		} else if slot[k] != last {
			contiguous = false // the site came back after another
		}
		last = slot[k]
		s := &sites[slot[k]]
		s.count++
		f := ds.fact[i]
		s.by[f&3]++
		if f&factProtected != 0 {
			s.prot++
		}
	}
	if contiguous {
		at := 0
		for k := range sites {
			sites[k].rows = rows[at : at+sites[k].count : at+sites[k].count]
			at += sites[k].count
		}
		return sites
	}
	all := make([]int32, len(rows))
	at := make([]int, len(sites))
	pos := 0
	for k := range sites {
		at[k] = pos
		pos += sites[k].count
		sites[k].rows = all[at[k] : at[k] : at[k]+sites[k].count]
	}
	for _, i := range rows {
		s := &sites[slot[ds.siteOf[i]]]
		s.rows = append(s.rows, i) // within its capacity: no allocation
	}
	return sites
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
func expirySortKey(c *cookie.Cookie) cookie.Time {
	if c.Session {
		return cookie.Time{}
	}
	return c.Expires
}
