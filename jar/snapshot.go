package jar

// The snapshot: an in-process copy of every live cookie, read once and
// shared by the queries of a long-running process (the UI) until the jar
// changes.

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/crumbs-dev/crumbs/internal/sqlraw"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Shared returns every live cookie in the default order, like All, but
// without copying: cs is the jar's own in-process snapshot, shared by every
// caller. Callers must not modify cs or its elements. The jar never
// mutates a slice it has handed out: when the jar's content changes (a
// write by this or any other process) the next read builds a new snapshot
// and the old slice stays as it was. version identifies the snapshot: it is
// the same for the same slice and changes whenever the content may have
// changed, so a caller can keep derived data (filtered views, folded text)
// keyed by it.
func (j *Jar) Shared(ctx context.Context) (cs []cookie.Cookie, version uint64, err error) {
	s, err := j.current(ctx)
	if err != nil {
		return nil, 0, err
	}
	return s.cookies, s.gen, nil
}

// snapshot is an in-process copy of the live cookies in the default order,
// valid while the database's data_version is unchanged. It makes repeated
// Query calls (a filter typed key by key) cost a scan in memory, not a read.
type snapshot struct {
	version int64 // PRAGMA data_version it was read at (per connection)
	// generation is the jar's generation (importdigest.go) it was read at,
	// or an older one: it is read before the rows, so a commit in between
	// only makes a later delta (snapshotdelta.go) not apply.
	generation int64
	gen        uint64          // Shared's version: unique per snapshot of this Jar
	cookies    []cookie.Cookie // never modified once built: Shared hands it out
	mu         sync.Mutex      // guards orders and folded, built on first use
	orders     map[SortKey][]int32
	// folded[i] is cookies[i]'s domain, name and value, lower-cased and
	// joined by NULs, built on the first filter with a free word: such a
	// word is then one strings.Contains per cookie.
	folded []string
}

func (s *snapshot) foldedText() []string {
	s.mu.Lock() // two queries may share the snapshot
	defer s.mu.Unlock()
	if s.folded == nil {
		s.folded = make([]string, len(s.cookies))
		for i := range s.cookies {
			s.folded[i] = cookie.FoldText(&s.cookies[i])
		}
	}
	return s.folded
}

// dataVersion changes whenever any other connection commits. verConn never
// writes, so every commit, ours included, changes it.
func (j *Jar) dataVersion(ctx context.Context) (int64, error) {
	if j.verConn == nil {
		c, err := j.db.Conn(ctx)
		if err != nil {
			return 0, j.fileError(err)
		}
		j.verConn = c
	}
	var v int64
	if err := j.verConn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return 0, j.fileError(err)
	}
	return v, nil
}

// current returns the snapshot, reading the table again if it changed.
func (j *Jar) current(ctx context.Context) (*snapshot, error) {
	j.cacheMu.Lock()
	defer j.cacheMu.Unlock()
	v, err := j.dataVersion(ctx)
	if err != nil {
		return nil, err
	}
	if j.cache != nil && j.cache.version == v {
		return j.cache, nil
	}
	// Only this process's own writes since the snapshot: build the new one
	// from it and the rows they touched (snapshotdelta.go) instead of reading all.
	if s, err := j.applyDeltas(ctx, v); err != nil || s != nil {
		if s != nil {
			j.cache = s
		}
		return s, err
	}
	cs, v, generation, err := j.readAll(ctx, v)
	if err != nil {
		return nil, err
	}
	cs = sortDefault(cs)
	// Protections are read after the cookies: one committed in between
	// moves data_version past v, so the next call reads everything again.
	if err := j.markIn(ctx, j.verConn, cs); err != nil {
		return nil, err
	}
	j.snapshots++
	j.cache = &snapshot{version: v, generation: generation, gen: j.snapshots, cookies: cs, orders: map[SortKey][]int32{}}
	j.tracking.Store(true)
	j.forgetDeltas(generation)
	return j.cache, nil
}

// rangedReadRows is the table size from which readAll and Summaries read
// in id ranges on several connections. A variable so that the race-detector
// run of the tests can exercise the split on small tables (SQLite is 10–20×
// slower there).
var rangedReadRows = 20_000

// readAll reads every live cookie in table order (cheaper than walking the
// index and seeking each row). A big table is read in id ranges on several
// connections at once; if anything was committed meanwhile (data_version
// moved) the ranges might not fit together and it reads again. v is the
// data_version before; the one the result matches is returned, with the
// jar's generation read before the rows.
func (j *Jar) readAll(ctx context.Context, v int64) ([]cookie.Cookie, int64, int64, error) {
	var n int
	var maxID int64
	if err := j.verConn.QueryRowContext(ctx, `SELECT `+liveCount+`, coalesce(max(id), 0) FROM cookies`).Scan(&n, &maxID); err != nil {
		return nil, 0, 0, j.fileError(err)
	}
	parts := min(runtime.GOMAXPROCS(0), 4)
	for attempt := 0; parts > 1 && n >= rangedReadRows && attempt < 3; attempt++ {
		// Each part scans straight into its own region of one slice: the
		// regions' sizes are counted first (the id index makes that cheap),
		// so no part's rows are copied again afterwards.
		generation, err := readGeneration(ctx, j.verConn)
		if err != nil {
			return nil, 0, 0, j.fileError(err)
		}
		bounds := make([]int64, parts+1)
		offsets := make([]int, parts+1)
		for p := 1; p <= parts; p++ {
			bounds[p] = maxID * int64(p) / int64(parts)
			if p == parts {
				bounds[p] = math.MaxInt64
			}
			var k int
			if err := j.verConn.QueryRowContext(ctx, liveCountIn, bounds[p-1], bounds[p], bounds[p-1], bounds[p]).Scan(&k); err != nil {
				return nil, 0, 0, j.fileError(err)
			}
			offsets[p] = offsets[p-1] + k
		}
		cs := make([]cookie.Cookie, offsets[parts])
		errs := make([]error, parts)
		var wg sync.WaitGroup
		for p := range parts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[p] = j.readRange(ctx, bounds[p], bounds[p+1], cs[offsets[p]:offsets[p+1]])
			}()
		}
		wg.Wait()
		moved := false
		for _, err := range errs {
			if errors.Is(err, errRegionChanged) {
				moved = true
			} else if err != nil {
				return nil, 0, 0, j.fileError(err)
			}
		}
		after, err := j.dataVersion(ctx)
		if err != nil {
			return nil, 0, 0, err
		}
		if after != v || moved {
			v = after // a commit came in between: read again
			continue
		}
		return cs, v, generation, nil
	}
	// Small table, one core, or a busy writer: one read on verConn itself,
	// which then matches its data_version exactly.
	v, err := j.dataVersion(ctx)
	if err != nil {
		return nil, 0, 0, err
	}
	generation, err := readGeneration(ctx, j.verConn)
	if err != nil {
		return nil, 0, 0, j.fileError(err)
	}
	rows, err := j.verConn.QueryContext(ctx, selectCookies)
	if err != nil {
		return nil, 0, 0, j.fileError(err)
	}
	cs, err := scanCookies(rows, n)
	if err != nil {
		return nil, 0, 0, j.fileError(err)
	}
	return cs, v, generation, nil
}

// sortDefault returns cs sorted by site, domain, path, name, host_only,
// partition, container, source: the order of the identity index. Rows read
// in table order are often sorted already (an import inserts in this
// order), which costs one pass to see.
func sortDefault(cs []cookie.Cookie) []cookie.Cookie {
	sites := siteCache{}
	type keyed struct {
		site string
		i    int32
	}
	ks := make([]keyed, len(cs))
	for i := range cs {
		ks[i] = keyed{sites.site(cs[i].Domain), int32(i)}
	}
	cmp := func(a, b keyed) int {
		if c := strings.Compare(a.site, b.site); c != 0 {
			return c
		}
		return compareDefault(&cs[a.i], &cs[b.i])
	}
	if slices.IsSortedFunc(ks, cmp) {
		return cs
	}
	slices.SortFunc(ks, cmp)
	// Apply the permutation in place, cycle by cycle: a second 100k-cookie
	// slice would cost ~44 MB at the moment the UI's memory peaks.
	done := make([]bool, len(cs))
	for i := range cs {
		if done[i] {
			continue
		}
		tmp := cs[i]
		j := i
		for {
			done[j] = true
			k := int(ks[j].i)
			if k == i {
				cs[j] = tmp
				break
			}
			cs[j] = cs[k]
			j = k
		}
	}
	return cs
}

// compareDefault orders cookies of one site.
func compareDefault(x, y *cookie.Cookie) int {
	if c := strings.Compare(x.Domain, y.Domain); c != 0 {
		return c
	}
	if c := strings.Compare(x.Path, y.Path); c != 0 {
		return c
	}
	if c := strings.Compare(x.Name, y.Name); c != 0 {
		return c
	}
	if x.HostOnly != y.HostOnly {
		if x.HostOnly {
			return 1
		}
		return -1
	}
	if c := strings.Compare(x.Partition.Key(), y.Partition.Key()); c != 0 {
		return c
	}
	if c := strings.Compare(x.Container.Key(), y.Container.Key()); c != 0 {
		return c
	}
	return strings.Compare(x.Source, y.Source)
}

// errRegionChanged: a range held another number of rows than counted (a
// commit came in between); the read is retried.
var errRegionChanged = errors.New("rows changed during read")

// scanCookiesInto scans exactly len(dst) rows into dst.
func scanCookiesInto(rows *sql.Rows, dst []cookie.Cookie) error {
	defer rows.Close()
	s := newRowScanner()
	i := 0
	for rows.Next() {
		if i == len(dst) {
			return errRegionChanged
		}
		if err := s.scan(rows, &dst[i]); err != nil {
			return err
		}
		i++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if i != len(dst) {
		return errRegionChanged
	}
	return nil
}

// readRange reads the cookies with ids in (lo, hi], which must be exactly
// len(dst), into dst, on a connection of its own through the C API
// (rawread.go).
func (j *Jar) readRange(ctx context.Context, lo, hi int64, dst []cookie.Cookie) error {
	rc, err := j.rawConn(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	s := newRowScanner()
	i := 0
	err = rc.Each(selectCookies+` WHERE id > ? AND id <= ? ORDER BY id`, namedArgs([]any{lo, hi}), func(r *sqlraw.Row) error {
		if i == len(dst) {
			return errRegionChanged
		}
		if err := s.scanRow(r, &dst[i]); err != nil {
			return err
		}
		i++
		return nil
	})
	if err != nil {
		return err
	}
	if i != len(dst) {
		return errRegionChanged
	}
	return nil
}

// order is the permutation of s.cookies for a sort key; ties keep the
// default order.
func (s *snapshot) order(k SortKey) []int32 {
	s.mu.Lock() // two queries may share the snapshot
	defer s.mu.Unlock()
	if o, ok := s.orders[k]; ok {
		return o
	}
	o := make([]int32, len(s.cookies))
	for i := range o {
		o[i] = int32(i)
	}
	cs := s.cookies
	if cmp := sortCompare(k); cmp != nil {
		slices.SortStableFunc(o, func(a, b int32) int { return cmp(&cs[a], &cs[b]) })
	}
	s.orders[k] = o
	return o
}

// cacheFresh reports whether the snapshot is current, without reading.
func (j *Jar) cacheFresh(ctx context.Context) bool {
	j.cacheMu.Lock()
	defer j.cacheMu.Unlock()
	if j.cache == nil {
		return false
	}
	v, err := j.dataVersion(ctx)
	return err == nil && v == j.cache.version
}
