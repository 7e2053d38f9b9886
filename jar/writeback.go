package jar

// The jar's side of write-back (docs/writeback.md): the user's
// verdicts that `crumbs clean` classifies a store with, and the step that
// makes the jar follow a clean.

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// KindClean is the undo step of the jar following a `crumbs clean`: the
// cookies removed from the browser move to the trash. Undoing it puts them
// back in the jar only; `crumbs backups restore` puts back the browser's.
const KindClean = "clean"

// Verdicts returns the user's verdicts recorded for cookies of source, by
// identity.
func (j *Jar) Verdicts(ctx context.Context, source string) (map[cookie.Identity]cookie.Purpose, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT partition_key, container_key, domain, host_only, path, name, purpose
		FROM verdicts WHERE source = ?`, source)
	if err != nil {
		return nil, j.fileError(err)
	}
	defer rows.Close()
	out := map[cookie.Identity]cookie.Purpose{}
	for rows.Next() {
		id := cookie.Identity{Source: source}
		var ho int64
		var p string
		if err := rows.Scan(&id.Partition, &id.Container, &id.Domain, &ho, &id.Path, &id.Name, &p); err != nil {
			return nil, j.fileError(err)
		}
		id.HostOnly = ho != 0
		out[id] = cookie.Purpose(p)
	}
	return out, rows.Err()
}

// FollowClean moves the live cookies with these identities (of one clean
// of one source) to the trash as one undo step of kind KindClean with the
// given summary. Identities the jar does not hold are skipped. It returns
// how many moved.
func (j *Jar) FollowClean(ctx context.Context, ids []cookie.Identity, summary string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	return j.change(ctx, KindClean, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		find, err := tx.PrepareContext(ctx, `SELECT id FROM live WHERE `+cookieIdentityWhere)
		if err != nil {
			return "", 0, err
		}
		defer find.Close()
		var live []int64
		for _, id := range ids {
			var rowID int64
			err := find.QueryRowContext(ctx, cookieIdentityArgs(id)...).Scan(&rowID)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return "", 0, err
			}
			live = append(live, rowID)
		}
		n, err := j.moveToTrash(ctx, tx, rec, live)
		if err != nil {
			return "", 0, err
		}
		return summary, n, nil
	})
}

// UpdateAll replaces each live cookie cs[i].ID with cs[i], each validated
// as Update does, as one undo step (crumbs edit). The edits of cookies
// read from a browser store wait to be written back (Pending).
func (j *Jar) UpdateAll(ctx context.Context, cs []cookie.Cookie, summary string) (int, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	now := j.Now()
	for i := range cs {
		if cs[i].ID <= 0 {
			return 0, ErrNotFound
		}
		if err := cookie.Validate(&cs[i], now); err != nil {
			return 0, fmt.Errorf("%s: %w", cs[i].Identity(), err)
		}
	}
	return j.change(ctx, kindEdit, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		for i := range cs {
			if err := j.updateIn(ctx, tx, rec, cs[i]); err != nil {
				return "", 0, err
			}
		}
		return summary, len(cs), nil
	})
}
