package jar

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// ErrNotFound is returned for an id that names no cookie.
var ErrNotFound = errors.New("cookie not found")

// SortKey orders a Query.
type SortKey int

const (
	// SortDomain orders by site (registrable domain), domain, path, name:
	// the default, and the order of All.
	SortDomain SortKey = iota
	SortName
	SortPurpose
	SortExpires
	SortSource
	SortCreated
)

var sortKeyNames = [...]string{"domain", "name", "purpose", "expires", "source", "created"}

func (k SortKey) String() string {
	if k >= 0 && int(k) < len(sortKeyNames) {
		return sortKeyNames[k]
	}
	return "domain"
}

// Query selects live cookies: those matching Filter, ordered by Sort
// (reversed if Desc), from Offset, at most Limit of them (0 = all).
type Query struct {
	Filter cookie.Filter
	Sort   SortKey
	Desc   bool
	Offset int
	Limit  int
}

// Counts sums up the jar.
type Counts struct {
	Total     int // live cookies
	Trash     int // cookies in the trash
	ByPurpose map[cookie.Purpose]int
}

// SourceInfo is what the jar remembers about a source.
type SourceInfo struct {
	Source     string
	File       string    // the file last imported from
	LastImport time.Time // zero if never imported (cookies came another way)
	Count      int       // live cookies from this source
}

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
	version int64           // PRAGMA data_version it was read at (per connection)
	gen     uint64          // Shared's version: unique per snapshot of this Jar
	cookies []cookie.Cookie // never modified once built: Shared hands it out
	mu      sync.Mutex      // guards orders and folded, built on first use
	orders  map[SortKey][]int32
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

var selectCookies = `SELECT id, ` + readColumns + ` FROM cookies`

const defaultOrder = ` ORDER BY site, domain, path, name, host_only, partition_key, container_key, source`

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
	cs, v, err := j.readAll(ctx, v)
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
	j.cache = &snapshot{version: v, gen: j.snapshots, cookies: cs, orders: map[SortKey][]int32{}}
	return j.cache, nil
}

// readAll reads every live cookie in table order (cheaper than walking the
// index and seeking each row). A big table is read in id ranges on several
// connections at once; if anything was committed meanwhile (data_version
// moved) the ranges might not fit together and it reads again. v is the
// data_version before; the one the result matches is returned.
func (j *Jar) readAll(ctx context.Context, v int64) ([]cookie.Cookie, int64, error) {
	var n int
	var maxID int64
	if err := j.verConn.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0) FROM cookies`).Scan(&n, &maxID); err != nil {
		return nil, 0, j.fileError(err)
	}
	parts := min(runtime.GOMAXPROCS(0), 4)
	for attempt := 0; parts > 1 && n >= 20_000 && attempt < 3; attempt++ {
		// Each part scans straight into its own region of one slice: the
		// regions' sizes are counted first (the id index makes that cheap),
		// so no part's rows are copied again afterwards.
		bounds := make([]int64, parts+1)
		offsets := make([]int, parts+1)
		for p := 1; p <= parts; p++ {
			bounds[p] = maxID * int64(p) / int64(parts)
			if p == parts {
				bounds[p] = math.MaxInt64
			}
			var k int
			if err := j.verConn.QueryRowContext(ctx, `SELECT count(*) FROM cookies WHERE id > ? AND id <= ?`, bounds[p-1], bounds[p]).Scan(&k); err != nil {
				return nil, 0, j.fileError(err)
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
				rows, err := j.db.QueryContext(ctx, selectCookies+` WHERE id > ? AND id <= ? ORDER BY id`, bounds[p], bounds[p+1])
				if err != nil {
					errs[p] = err
					return
				}
				errs[p] = scanCookiesInto(rows, cs[offsets[p]:offsets[p+1]])
			}()
		}
		wg.Wait()
		moved := false
		for _, err := range errs {
			if errors.Is(err, errRegionChanged) {
				moved = true
			} else if err != nil {
				return nil, 0, j.fileError(err)
			}
		}
		after, err := j.dataVersion(ctx)
		if err != nil {
			return nil, 0, err
		}
		if after != v || moved {
			v = after // a commit came in between: read again
			continue
		}
		return cs, v, nil
	}
	// Small table, one core, or a busy writer: one read on verConn itself,
	// which then matches its data_version exactly.
	v, err := j.dataVersion(ctx)
	if err != nil {
		return nil, 0, err
	}
	rows, err := j.verConn.QueryContext(ctx, selectCookies)
	if err != nil {
		return nil, 0, j.fileError(err)
	}
	cs, err := scanCookies(rows, n)
	if err != nil {
		return nil, 0, j.fileError(err)
	}
	return cs, v, nil
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
	if c := strings.Compare(x.Container.Key, y.Container.Key); c != 0 {
		return c
	}
	return strings.Compare(x.Source, y.Source)
}

// eachCookie calls fn for every row, with a cookie that is only valid
// during the call: the rows are read without keeping them all.
func eachCookie(rows *sql.Rows, fn func(c *cookie.Cookie)) error {
	defer rows.Close()
	s := newRowScanner()
	var c cookie.Cookie
	for rows.Next() {
		if err := s.scan(rows, &c); err != nil {
			return err
		}
		fn(&c)
	}
	return rows.Err()
}

func scanCookies(rows *sql.Rows, sizeHint int) ([]cookie.Cookie, error) {
	defer rows.Close()
	s := newRowScanner()
	out := make([]cookie.Cookie, 0, sizeHint)
	for rows.Next() {
		out = append(out, cookie.Cookie{})
		if err := s.scan(rows, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
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

// All returns every live (not trashed) cookie in the default order, IDs set.
func (j *Jar) All(ctx context.Context) ([]cookie.Cookie, error) {
	s, err := j.current(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(s.cookies), nil
}

// Get returns the live cookie with the given id, or ErrNotFound.
func (j *Jar) Get(ctx context.Context, id int64) (cookie.Cookie, error) {
	rows, err := j.db.QueryContext(ctx, selectCookies+` WHERE id = ?`, id)
	if err != nil {
		return cookie.Cookie{}, j.fileError(err)
	}
	cs, err := scanCookies(rows, 1)
	if err != nil {
		return cookie.Cookie{}, j.fileError(err)
	}
	if len(cs) == 0 {
		return cookie.Cookie{}, ErrNotFound
	}
	if err := j.markIn(ctx, j.db, cs); err != nil {
		return cookie.Cookie{}, err
	}
	return cs[0], nil
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

// sortCompare orders cookies by k; nil for the default order (SortDomain),
// which is the order cookies are kept in. Ties keep the default order.
func sortCompare(k SortKey) func(a, b *cookie.Cookie) int {
	switch k {
	case SortName:
		return func(a, b *cookie.Cookie) int { return compareFold(a.Name, b.Name) }
	case SortPurpose:
		return func(a, b *cookie.Cookie) int { return cookie.PurposeRank(a.Purpose) - cookie.PurposeRank(b.Purpose) }
	case SortExpires:
		return compareExpiry
	case SortSource:
		return func(a, b *cookie.Cookie) int { return strings.Compare(a.Source, b.Source) }
	case SortCreated:
		return func(a, b *cookie.Cookie) int { return a.Created.Compare(b.Created) }
	}
	return nil
}

// compareExpiry sorts session cookies after every persistent one.
func compareExpiry(a, b *cookie.Cookie) int {
	as, bs := a.Session || a.Expires.IsZero(), b.Session || b.Expires.IsZero()
	switch {
	case as && bs:
		return 0
	case as:
		return 1
	case bs:
		return -1
	}
	return a.Expires.Compare(b.Expires)
}

func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return int(x) - int(y)
		}
	}
	return len(a) - len(b)
}

// Query returns one page of the live cookies that match q.Filter, and how
// many match in total.
func (j *Jar) Query(ctx context.Context, q Query) ([]cookie.Cookie, int, error) {
	if q.Offset < 0 {
		q.Offset = 0
	}
	if !j.cacheFresh(ctx) {
		// No snapshot to scan (a one-shot command, or the UI's first
		// frame): read only what the query needs instead of building one.
		if q.Filter.IsEmpty() && q.Sort == SortDomain && q.Limit > 0 {
			return j.queryPage(ctx, q)
		}
		if !q.Filter.IsEmpty() {
			return j.queryDirect(ctx, q)
		}
	}
	s, err := j.current(ctx)
	if err != nil {
		return nil, 0, err
	}
	order := s.order(q.Sort)
	now := j.Now()
	var out []cookie.Cookie
	var folded []string
	if q.Filter.HasWord() {
		folded = s.foldedText()
	}
	total := 0
	n := len(order)
	for i := 0; i < n; i++ {
		k := i
		if q.Desc {
			k = n - 1 - i
		}
		ci := order[k]
		c := &s.cookies[ci]
		if folded != nil {
			if !q.Filter.MatchFolded(c, folded[ci], now) {
				continue
			}
		} else if !q.Filter.Match(c, now) {
			continue
		}
		if total >= q.Offset && (q.Limit == 0 || total < q.Offset+q.Limit) {
			out = append(out, *c)
		}
		total++
	}
	return out, total, nil
}

// queryDirect answers q from the rows its compiled filter selects, checked
// with Match and put in the snapshot's order: the same answer as the
// snapshot would give, without reading every cookie into memory.
func (j *Jar) queryDirect(ctx context.Context, q Query) ([]cookie.Cookie, int, error) {
	now := j.Now()
	fs := compileFilter(q.Filter, now)
	p, err := j.protector(ctx, j.db)
	if err != nil {
		return nil, 0, j.fileError(err)
	}
	// Table order, not the index's: a scan costs less than a seek per row,
	// and an import inserts in index order, so it is mostly sorted already.
	match := func(c *cookie.Cookie) bool { return q.Filter.Match(c, now) }
	if q.Filter.HasWord() {
		// The snapshot matches free words on folded text, as MatchFolded
		// does: so must this.
		match = func(c *cookie.Cookie) bool { return q.Filter.MatchFolded(c, cookie.FoldText(c), now) }
	}
	cs, err := selectMatching(ctx, j.db, "", fs, p, now, match)
	if err != nil {
		return nil, 0, j.fileError(err)
	}
	cs = sortDefault(cs)
	order := make([]int32, len(cs))
	for i := range order {
		order[i] = int32(i)
	}
	if cmp := sortCompare(q.Sort); cmp != nil {
		slices.SortStableFunc(order, func(a, b int32) int { return cmp(&cs[a], &cs[b]) })
	}
	if q.Desc {
		slices.Reverse(order)
	}
	total := len(order)
	lo, hi := min(q.Offset, total), total
	if q.Limit > 0 {
		hi = min(lo+q.Limit, total)
	}
	var out []cookie.Cookie // nil when empty, as from the snapshot
	if hi > lo {
		out = make([]cookie.Cookie, 0, hi-lo)
	}
	for _, i := range order[lo:hi] {
		out = append(out, cs[i])
	}
	return out, total, nil
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

// queryPage reads one page in the default order through the order index:
// the first frame of the UI needs this before any snapshot exists.
func (j *Jar) queryPage(ctx context.Context, q Query) ([]cookie.Cookie, int, error) {
	tx, err := j.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, j.fileError(err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cookies`).Scan(&total); err != nil {
		return nil, 0, j.fileError(err)
	}
	order := defaultOrder
	if q.Desc {
		order = ` ORDER BY site DESC, domain DESC, path DESC, name DESC, host_only DESC, partition_key DESC, container_key DESC, source DESC`
	}
	rows, err := tx.QueryContext(ctx, selectCookies+order+` LIMIT ? OFFSET ?`, q.Limit, q.Offset)
	if err != nil {
		return nil, 0, j.fileError(err)
	}
	cs, err := scanCookies(rows, q.Limit)
	if err != nil {
		return nil, 0, j.fileError(err)
	}
	if err := j.markIn(ctx, tx, cs); err != nil {
		return nil, 0, err
	}
	return cs, total, nil
}

// Counts counts live cookies per purpose and the trash.
func (j *Jar) Counts(ctx context.Context) (Counts, error) {
	c := Counts{ByPurpose: map[cookie.Purpose]int{}}
	for _, p := range cookie.Purposes {
		c.ByPurpose[p] = 0
	}
	tx, err := j.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return c, j.fileError(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT purpose, count(*) FROM cookies GROUP BY purpose`)
	if err != nil {
		return c, j.fileError(err)
	}
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			rows.Close()
			return c, err
		}
		c.ByPurpose[cookie.Purpose(p)] += n
		c.Total += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM trash`).Scan(&c.Trash); err != nil {
		return c, j.fileError(err)
	}
	return c, nil
}

// Sources lists every source the jar has imported or holds cookies from,
// ordered by source id.
func (j *Jar) Sources(ctx context.Context) ([]SourceInfo, error) {
	rows, err := j.db.QueryContext(ctx, `
		WITH counted AS (SELECT source, count(*) AS n FROM cookies GROUP BY source)
		SELECT s.source, s.file, s.last_import, coalesce(c.n, 0) FROM sources s LEFT JOIN counted c ON c.source = s.source
		UNION ALL
		SELECT c.source, '', NULL, c.n FROM counted c WHERE c.source NOT IN (SELECT source FROM sources)
		ORDER BY 1`)
	if err != nil {
		return nil, j.fileError(err)
	}
	defer rows.Close()
	var out []SourceInfo
	for rows.Next() {
		var s SourceInfo
		var last sql.NullInt64
		if err := rows.Scan(&s.Source, &s.File, &last, &s.Count); err != nil {
			return nil, err
		}
		if last.Valid {
			s.LastImport = fromMicro(last.Int64)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
