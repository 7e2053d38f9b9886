package jar

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
)

// sourceTables are the tables with a source column: everything that names
// a cookie's source moves together when an id changes.
var sourceTables = []string{"cookies", "trash", "undo_cookies", "undo_trash", "verdicts", "undo_verdicts", "sources", "imports", "pending"}

// migrateV5toV6 gives every file source its own id (docs/formats.md,
// "Every file is its own source"): crumbs ≤ schema 5 named a file source
// by its base name ("file:cookies.txt"), so two files of one name shared a
// source. The new id is "file:" and the absolute path the jar last
// imported that source from, which the sources table records. A source
// whose file is not recorded keeps its id; a row whose new identity is
// taken already (it cannot be, unless two old ids name one file) keeps its
// old id: no cookie is lost.
func migrateV5toV6(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT source, file FROM sources WHERE source LIKE 'file:%'`)
	if err != nil {
		return err
	}
	type rename struct{ from, to string }
	var renames []rename
	for rows.Next() {
		var src, file string
		if err := rows.Scan(&src, &file); err != nil {
			rows.Close()
			return err
		}
		if !filepath.IsAbs(file) {
			continue
		}
		if to := "file:" + filepath.Clean(file); to != src && !strings.HasPrefix(strings.TrimPrefix(src, "file:"), "/") {
			renames = append(renames, rename{src, to})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range renames {
		for _, t := range sourceTables {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, t).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE OR IGNORE `+t+` SET source = ? WHERE source = ?`, r.to, r.from); err != nil {
				return err
			}
		}
	}
	return nil
}
