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
	counts, err := countCovers(ctx, tx, ps, j.Now())
	if err != nil {
		return nil, nil, j.fileError(err)
	}
	return ps, counts, nil
}

// countCovers counts the live cookies each of ps covers, in one pass over
// the rows some compiled filter of theirs selects (unionSQL), and with no
// row read for a single protection that compiles exactly: protecting a
// site of a million-cookie jar reads that site. A protection never uses
// is:protected (checkProtectionFilter), so Match needs no ProtectedBy.
func countCovers(ctx context.Context, tx *sql.Tx, ps []Protection, now time.Time) ([]int, error) {
	counts := make([]int, len(ps))
	if len(ps) == 0 {
		return counts, nil
	}
	if fs := compileFilter(ps[0].Filter, now); len(ps) == 1 && fs.exact {
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM live`+fs.clause("WHERE"), fs.args...).Scan(&counts[0])
		return counts, err
	}
	where, args := unionSQL(ps, now)
	rows, err := tx.QueryContext(ctx, selectCookies+where, args...)
	if err != nil {
		return nil, err
	}
	err = eachCookie(rows, func(c *cookie.Cookie) {
		for i := range ps {
			if ps[i].Filter.Match(c, now) {
				counts[i]++
			}
		}
	})
	return counts, err
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
