package jar

// Streaming reads: the cookies of a query one at a time, so that a
// one-shot command (list) over a million cookies holds none of them at
// once (docs/budgets.md §5).

import (
	"context"
	"errors"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Each calls fn for every live cookie that q selects, in q's order, from
// q.Offset, at most q.Limit of them (0 = all): the cookies Query returns,
// ProtectedBy set, without holding them. The cookie is only valid during
// the call. An error from fn stops the read and is returned.
//
// Without a snapshot (a one-shot command) and in the default order, the
// rows come from SQLite through the identity index, whose order is the
// default one, with the compiled filter narrowing them; any other order
// is answered by Query.
func (j *Jar) Each(ctx context.Context, q Query, fn func(c *cookie.Cookie) error) error {
	if q.Offset < 0 {
		q.Offset = 0
	}
	if q.Sort != SortDomain || q.Desc || j.cacheFresh(ctx) {
		cs, _, err := j.Query(ctx, q)
		if err != nil {
			return err
		}
		for i := range cs {
			if err := fn(&cs[i]); err != nil {
				return err
			}
		}
		return nil
	}
	now := j.Now()
	// The protections and the rows in one read transaction, through the C
	// API (rawread.go).
	rc, err := j.rawConn(ctx)
	if err != nil {
		return j.fileError(err)
	}
	defer rc.Close()
	p, err := j.rawProtector(rc)
	if err != nil {
		return j.fileError(err)
	}
	fs := compileFilter(q.Filter, now)
	match := func(c *cookie.Cookie) bool { return q.Filter.Match(c, now) }
	if q.Filter.HasWord() {
		// Query matches free words on folded text (MatchFolded): so must this.
		match = func(c *cookie.Cookie) bool { return q.Filter.MatchFolded(c, cookie.FoldText(c), now) }
	}
	seen, sent := 0, 0
	err = eachRaw(rc, selectCookies+fs.clause("WHERE")+defaultOrder, fs.args, func(c *cookie.Cookie) error {
		c.ProtectedBy = ""
		if pr, ok := p.Match(c, now); ok {
			c.ProtectedBy = pr.Text
		}
		if !fs.exact && !match(c) {
			return nil
		}
		seen++
		if seen <= q.Offset {
			return nil
		}
		if err := fn(c); err != nil {
			return err
		}
		if sent++; q.Limit > 0 && sent >= q.Limit {
			return errEnough
		}
		return nil
	})
	switch {
	case errors.Is(err, errEnough):
		return nil
	case errors.Is(err, errReading):
		return j.fileError(err)
	}
	return err
}

// errEnough stops a read that has sent all it was asked for.
var errEnough = errors.New("enough")
