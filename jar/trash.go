package jar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Trashed is a cookie in the trash. Cookie.ID is the trash entry id, not
// the id the cookie had while live.
type Trashed struct {
	cookie.Cookie
	DeletedAt time.Time
}

var selectTrash = `SELECT deleted_at, id, ` + readColumns + ` FROM trash`

func scanTrash(rows *sql.Rows) ([]Trashed, error) {
	defer rows.Close()
	var deleted int64
	s := newRowScanner(&deleted)
	var out []Trashed
	for rows.Next() {
		var t Trashed
		if err := s.scan(rows, &t.Cookie); err != nil {
			return nil, err
		}
		t.DeletedAt = fromMicro(deleted)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Trash lists the trash, most recently deleted first.
func (j *Jar) Trash(ctx context.Context) ([]Trashed, error) {
	rows, err := j.db.QueryContext(ctx, selectTrash+` ORDER BY deleted_at DESC, id DESC`)
	if err != nil {
		return nil, j.fileError(err)
	}
	ts, err := scanTrash(rows)
	if err != nil {
		return nil, j.fileError(err)
	}
	return ts, nil
}

// Restore puts trash entries back among the live cookies (nil ids = the
// whole trash). A live cookie with the same identity is replaced and moves to
// the trash in its place. One undo step.
func (j *Jar) Restore(ctx context.Context, ids []int64) (int, error) {
	if ids != nil && len(ids) == 0 {
		return 0, nil
	}
	return j.change(ctx, kindRestore, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		// Oldest deletion first, so that of several trashed versions of one
		// cookie the most recently deleted ends up live.
		q := selectTrash + ` ORDER BY deleted_at, id`
		var args []any
		if ids != nil {
			q = selectTrash + ` WHERE id ` + inIDs + ` ORDER BY deleted_at, id`
			args = append(args, idList(ids))
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return "", 0, j.fileError(err)
		}
		ts, err := scanTrash(rows)
		if err != nil {
			return "", 0, err
		}
		if len(ts) == 0 {
			return "", 0, nil
		}
		entries := make([]int64, len(ts))
		for i := range ts {
			entries[i] = ts[i].ID
		}
		list := idList(entries)
		if err := rec.saveTrash(ctx, tx, list); err != nil {
			return "", 0, err
		}
		find, err := tx.PrepareContext(ctx, `SELECT id FROM cookies WHERE `+cookieIdentityWhere)
		if err != nil {
			return "", 0, err
		}
		defer find.Close()
		put, err := tx.PrepareContext(ctx, `INSERT INTO cookies (`+colList+`) SELECT `+colList+` FROM trash WHERE id = ?`)
		if err != nil {
			return "", 0, err
		}
		defer put.Close()
		for _, t := range ts {
			// A live cookie with the same identity gives way to the
			// restored one and goes to the trash itself: nothing is lost.
			var live int64
			err := find.QueryRowContext(ctx, cookieIdentityArgs(t.Identity())...).Scan(&live)
			switch {
			case err == nil:
				if _, err := j.moveToTrash(ctx, tx, rec, []int64{live}); err != nil {
					return "", 0, err
				}
			case !errors.Is(err, sql.ErrNoRows):
				return "", 0, err
			}
			if _, err := put.ExecContext(ctx, t.ID); err != nil {
				return "", 0, fmt.Errorf("jar %s: restore: %w", j.path, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM trash WHERE id `+inIDs, list); err != nil {
			return "", 0, err
		}
		return "restore " + plural(len(ts), "cookie"), len(ts), nil
	})
}

// EmptyTrash removes the trash. It is one undo step like every other change;
// the removed cookies leave the file once that step drops out of the
// history (historyLimit changes later).
func (j *Jar) EmptyTrash(ctx context.Context) (int, error) {
	return j.change(ctx, kindEmptyTrash, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO undo_trash (change_id, id, cookie_id, deleted_at, `+colList+`)
			SELECT ?, id, cookie_id, deleted_at, `+colList+` FROM trash WHERE id <= ?`, rec.change, rec.maxTrash); err != nil {
			return "", 0, err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM trash`)
		if err != nil {
			return "", 0, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return "", 0, err
		}
		return "empty the trash: " + plural(int(n), "cookie"), int(n), nil
	})
}
