package firefox

// Reading moz_cookies in parallel: a large store is cut into rowid ranges,
// each read on a connection of its own into its segment of one slice.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// parallelRows is the store size from which rows are read by several
// connections at once, each taking one rowid range.
var parallelRows = 20000 // a variable so tests can exercise the split on small stores

// readRows reads every row of query into r.res. Large stores are split
// into rowid ranges of equal row counts, read concurrently, each straight
// into its own segment of one result slice.
func (r *rowReader) readRows(ctx context.Context, db *sql.DB, query string, total int, hasRaw, millis bool) error {
	workers, bounds := rowBounds(ctx, db, total)
	db.SetMaxOpenConns(workers)

	all := snapshot.MakeCookies(total)
	parts := make([]*rowReader, workers)
	errs := make([]error, workers)
	var (
		done       atomic.Int64
		progressMu sync.Mutex
		wg         sync.WaitGroup
	)
	for k := range workers {
		q, args := rangeQuery(query, k, workers, bounds)
		lo, hi := total*k/workers, total*(k+1)/workers
		part := &rowReader{path: r.path, opts: r.opts, containers: r.containers,
			attrs: make(map[string]originAttrs), res: &importers.Result{Cookies: all[lo:lo:hi]}}
		parts[k] = part
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			errs[k] = eachRow(ctx, db, q, args, func(v []driver.Value) error {
				n++
				if n&4095 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
					d := done.Add(4096)
					if r.opts.Progress != nil {
						progressMu.Lock()
						r.opts.Progress(int(d), total)
						progressMu.Unlock()
					}
				}
				part.addRow(v, hasRaw, millis)
				return nil
			})
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return importers.Errorf(r.path, "reading moz_cookies (corrupt file?): %v", err)
		}
	}
	r.join(parts, all, total, workers)
	if r.opts.Progress != nil {
		r.opts.Progress(total, total)
	}
	if r.dropped > 0 {
		r.res.Warnf("%s: %d more rows refused", r.path, r.dropped)
	}
	return nil
}

// rowBounds decides how many ranges to read: bounds[k-1] is the first rowid
// of range k; range k holds exactly total*k/workers … total*(k+1)/workers-1
// in rowid order. On one core, a small table or any error it is one range.
func rowBounds(ctx context.Context, db *sql.DB, total int) (workers int, bounds []int64) {
	workers = 1
	if total >= parallelRows {
		workers = min(runtime.GOMAXPROCS(0), 4)
	}
	bounds = make([]int64, 0, workers)
	for k := 1; k < workers; k++ {
		var b int64
		err := db.QueryRowContext(ctx, "SELECT rowid FROM moz_cookies ORDER BY rowid LIMIT 1 OFFSET ?", total*k/workers).Scan(&b)
		if err != nil {
			return 1, bounds[:0] // fall back to one pass rather than fail
		}
		bounds = append(bounds, b)
	}
	return workers, bounds
}

// rangeQuery is query restricted to range k of workers.
func rangeQuery(query string, k, workers int, bounds []int64) (string, []driver.NamedValue) {
	switch {
	case workers == 1:
		return query, nil
	case k == 0:
		return query + " WHERE rowid < ?", []driver.NamedValue{{Ordinal: 1, Value: bounds[0]}}
	case k == workers-1:
		return query + " WHERE rowid >= ?", []driver.NamedValue{{Ordinal: 1, Value: bounds[k-1]}}
	default:
		return query + " WHERE rowid >= ? AND rowid < ?", []driver.NamedValue{{Ordinal: 1, Value: bounds[k-1]}, {Ordinal: 2, Value: bounds[k]}}
	}
}

// join gathers the parts' cookies, counts and warnings into r. Each part
// was appended in place into its segment of all; only refused rows (holes)
// or an unexpected overflow need a copy.
func (r *rowReader) join(parts []*rowReader, all []cookie.Cookie, total, workers int) {
	out := all[:0]
	for k, part := range parts {
		cs := part.res.Cookies
		lo := total * k / workers
		if len(cs) > 0 && len(out) == lo && &cs[0] == &all[lo] {
			out = out[:lo+len(cs)]
		} else {
			out = append(out, cs...)
		}
		r.res.Refused += part.res.Refused
		r.dropped += part.dropped
		for _, w := range part.res.Warnings {
			if len(r.res.Warnings) < maxWarnings {
				r.res.Warnings = append(r.res.Warnings, w)
			} else {
				r.dropped++
			}
		}
	}
	r.res.Cookies = out
}
