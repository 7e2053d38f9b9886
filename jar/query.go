package jar

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
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

var selectCookies = `SELECT id, ` + readColumns + ` FROM live`

const defaultOrder = ` ORDER BY site, domain, path, name, host_only, partition_key, container_key, source`

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

// sortCompare orders cookies by k; nil for the default order (SortDomain),
// which is the order cookies are kept in. Ties keep the default order.
func sortCompare(k SortKey) func(a, b *cookie.Cookie) int {
	switch k {
	case SortName:
		return func(a, b *cookie.Cookie) int { return cookie.CompareFold(a.Name, b.Name) }
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
		if !q.Filter.IsEmpty() && j.firstDirect() {
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

// firstDirect reports whether no snapshot was ever built and no query
// went without one yet: a one-shot command (list, export, purge's count)
// reads only what its filter selects; a process that queries again (the UI)
// gets the snapshot, which answers every later keystroke from memory.
func (j *Jar) firstDirect() bool {
	j.cacheMu.Lock()
	defer j.cacheMu.Unlock()
	if j.snapshots > 0 || j.directDone {
		return false
	}
	j.directDone = true
	return true
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

// queryPage reads one page in the default order through the order index:
// the first frame of the UI needs this before any snapshot exists.
func (j *Jar) queryPage(ctx context.Context, q Query) ([]cookie.Cookie, int, error) {
	tx, err := j.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, j.fileError(err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT `+liveCount).Scan(&total); err != nil {
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
	rows, err := tx.QueryContext(ctx, `SELECT purpose, count(*) FROM live GROUP BY purpose`)
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
		WITH counted AS (SELECT source, count(*) AS n FROM live GROUP BY source)
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
