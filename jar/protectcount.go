package jar

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// ProtectionCounts lists every protection (the rules file's first) with
// how many live cookies each covers. A process holding a fresh snapshot
// (the UI) counts in memory; a one-shot command (`crumbs protect --list`)
// reads, in one pass, only the rows some protection's compiled filter
// selects: on a million-cookie jar that is the protected sites' rows and a
// pass over the index, not every cookie held in memory.
func (j *Jar) ProtectionCounts(ctx context.Context) ([]Protection, []int, error) {
	if j.cacheFresh(ctx) {
		ps, err := j.Protections(ctx)
		if err != nil {
			return nil, nil, err
		}
		cs, _, err := j.Shared(ctx)
		if err != nil {
			return nil, nil, err
		}
		return ps, NewProtector(ps).Covers(cs, j.Now()), nil
	}
	tx, err := j.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, j.fileError(err)
	}
	defer tx.Rollback()
	ps, err := j.loadProtections(ctx, tx)
	if err != nil {
		return nil, nil, j.fileError(err)
	}
	counts := make([]int, len(ps))
	if len(ps) == 0 {
		return ps, counts, nil
	}
	now := j.Now()
	where, args := unionSQL(ps, now)
	rows, err := tx.QueryContext(ctx, selectCookies+where, args...)
	if err != nil {
		return nil, nil, j.fileError(err)
	}
	err = eachCookie(rows, func(c *cookie.Cookie) {
		for i := range ps {
			if ps[i].Filter.Match(c, now) {
				counts[i]++
			}
		}
	})
	if err != nil {
		return nil, nil, j.fileError(err)
	}
	return ps, counts, nil
}

// unionSQL is a WHERE clause selecting every row any of ps may cover: the
// OR of their compiled filters, or none (every row) when one of them has
// no condition or together they would bind more than maxSQLArgs values.
func unionSQL(ps []Protection, now time.Time) (string, []any) {
	var conds []string
	var args []any
	for _, p := range ps {
		fs := compileFilter(p.Filter, now)
		if fs.where == "" || len(args)+len(fs.args) > maxSQLArgs {
			return "", nil
		}
		conds = append(conds, "("+fs.where+")")
		args = append(args, fs.args...)
	}
	return " WHERE " + strings.Join(conds, " OR "), args
}
