package jar

import (
	"context"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

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

// All returns every live (not trashed) cookie in the default order, IDs set.
func (j *Jar) All(ctx context.Context) ([]cookie.Cookie, error) { return j.all(ctx) }

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

// Get returns the live cookie with the given id, or ErrNotFound.
func (j *Jar) Get(ctx context.Context, id int64) (cookie.Cookie, error) { return j.get(ctx, id) }

// Query returns one page of the live cookies that match q.Filter, and how
// many match in total.
func (j *Jar) Query(ctx context.Context, q Query) (cookies []cookie.Cookie, total int, err error) {
	return j.query(ctx, q)
}

// Counts counts live cookies per purpose and the trash.
func (j *Jar) Counts(ctx context.Context) (Counts, error) { return j.counts(ctx) }

// Sources lists every source the jar has imported or holds cookies from,
// ordered by source id.
func (j *Jar) Sources(ctx context.Context) ([]SourceInfo, error) { return j.sources(ctx) }
